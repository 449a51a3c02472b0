"""One environment rendered (the stages of `STAGES`): every project it includes, files only in
its own folder, the same files as the whole build gives; and a problem in a rendered object
pointed at the patch that last changed it, else at what it was rendered from."""

from __future__ import annotations

import pytest

from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.project import object_diagnostic
from manifold.core.diagnostics import Diagnostics, Position, Problem
from manifold.core.manifest import Manifest
from manifold.pipeline import commands
from manifold.pipeline.environment import render_environment
from manifold.reuse.incremental import CachedEnvironment
from manifold.schemas.store import SchemaStore
from tests.conftest import REPO_ROOT
from tests.unit.helpers import project_instance


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_an_environment_renders_its_projects_into_its_folder(name: str) -> None:
    diagnostics = Diagnostics()
    inputs = commands.load_inputs(REPO_ROOT, diagnostics)
    rendered = render_environment(
        inputs.environments[name],
        inputs,
        SchemaStore(REPO_ROOT),
        diagnostics,
        None,
        CachedEnvironment({}, {}),
        {},
    )
    assert not diagnostics.has_errors
    assert rendered.files and all(path.startswith(f"{name}/") for path in rendered.files)
    assert set(rendered.projects) <= inputs.names and rendered.projects
    assert rendered.count >= len(rendered.projects)
    on_disk = REPO_ROOT / "rendered"
    for path, text in rendered.files.items():
        assert isinstance(text, str)
        assert (on_disk / path).read_text() == text, path


def test_a_problem_points_at_the_last_patch_that_changed_the_object() -> None:
    instance = project_instance("ome", "models: [{name: m, source: 'hf://a/b'}]")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    manifest = Manifest(body, True, "demo", instance.sources, spec_path=("models", 0))
    patched = manifest.with_body(body, ("environments/dev.yaml", Position(7, 9)))
    patched = patched.with_body(body, ("environments/prod.yaml", Position(3, 5)))
    problem = Problem(("models", 0, "source"), "bad")
    owners: dict[str, ProjectInstance | PlatformInstance] = {"demo": instance}

    by_patch = object_diagnostic(patched, owners, problem)
    assert (by_patch.file, by_patch.position, by_patch.hint) == (
        "environments/prod.yaml",
        Position(3, 5),
        "changed by this patch",
    )
    by_owner = object_diagnostic(manifest, owners, problem)
    assert (by_owner.file, by_owner.path) == ("projects/demo.yaml", ("spec", "models", 0, "source"))
    orphan = object_diagnostic(manifest, {}, problem)
    assert (orphan.file, orphan.position) == ("projects/demo.yaml", None)
