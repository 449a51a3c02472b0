"""Objects that collide: reported at the object when all of them were rendered here; when one
of them is a reused result, the build is told to render everything again (to say where)."""

from __future__ import annotations

from manifold.compile.finalize import NamespaceUser
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.layout import PlacedFile
from manifold.compile.project import ProjectResult
from manifold.core.diagnostics import Diagnostics
from manifold.core.manifest import Manifest
from manifold.pipeline.objects import collisions_reported
from tests.unit.helpers import project_instance

DEMO = project_instance("ome", "services: []")
OWNERS: dict[str, ProjectInstance | PlatformInstance] = {"demo": DEMO}


def _config_map(project: str, name: str = "x") -> Manifest:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    return Manifest(body, True, project, (f"projects/{project}.yaml",), spec_path=("models", 0))


def _reused(manifest: Manifest) -> ProjectResult:
    placed = PlacedFile("dev/other/configmap-y.yaml", "", ("projects/other.yaml",), True)
    user = NamespaceUser("other", "other-dev", "ai", "projects/other.yaml")
    return ProjectResult(
        "other", "projects/other.yaml", (placed,), (manifest.identity,), frozenset(), (),
        frozenset(), user,
    )  # fmt: skip


def test_objects_rendered_twice_are_reported_at_the_later_one() -> None:
    diagnostics = Diagnostics()
    twice = [_config_map("demo"), _config_map("demo")]
    assert collisions_reported(DEMO.environment, twice, [], OWNERS, diagnostics)
    [found] = list(diagnostics)
    assert found.file == "projects/demo.yaml"
    assert "ConfigMap 'x' is rendered twice in environment 'dev' (by demo)" in found.message


def test_distinct_objects_are_not_reported() -> None:
    diagnostics = Diagnostics()
    distinct = [_config_map("demo", "x"), _config_map("demo", "y")]
    assert collisions_reported(DEMO.environment, distinct, [], OWNERS, diagnostics)
    assert not list(diagnostics)


def test_a_collision_with_a_reused_result_asks_for_a_full_render() -> None:
    diagnostics = Diagnostics()
    mine = _config_map("demo")
    assert not collisions_reported(DEMO.environment, [mine], [_reused(mine)], OWNERS, diagnostics)
    assert not list(diagnostics)
