"""One project compiled (`compile_project`), from its file to a `ProjectResult`: its files,
identities, Namespace user, what it looked up and its problems; and where an object's problem
is reported (at the last patch that changed it, else at what it was rendered from)."""

from __future__ import annotations

from manifold.compile.catalog import Catalog
from manifold.compile.expand import expand
from manifold.compile.project import ProjectResult, compile_project, object_diagnostic
from manifold.core.diagnostics import Position, Problem
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.schemas.store import SchemaStore
from tests.conftest import REPO_ROOT
from tests.unit.helpers import env_text, environments, project_file

DEV = environments(dev=env_text("dev"))["dev"]
STORE = SchemaStore(REPO_ROOT)
SERVING = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: serving, team: ai}
spec:
  platform: ome
  models: [{name: m, source: "hf://a/b", capabilities: [TEXT_TO_TEXT]}]
  services: [{name: chat, model: m}]
"""
BENCHMARKING = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: benchmarking, team: evaluation}
spec:
  platform: ome
  benchmarks:
    - name: bench
      target: {project: serving, service: %s}
      task: text-to-text
      maxTimePerIteration: 15
      maxRequestsPerIteration: 100
      output: {uri: "s3://b@us-east-1/x"}
"""


def _catalog(environment: ResolvedEnvironment, *texts: str) -> Catalog:
    """An environment of these projects, expanded when looked up, without a platform file."""
    files = {
        f.name: f for f in (project_file(t, f"projects/{i}.yaml") for i, t in enumerate(texts))
    }
    return Catalog(
        environment,
        declared=frozenset(files),
        selected=frozenset(files),
        expand=lambda name: expand(files[name], environment)[0],
    )


def _compiled(text: str, *others: str) -> ProjectResult:
    catalog = _catalog(DEV, text, *others)
    return compile_project(project_file(text), DEV, catalog, STORE)


def test_a_project_compiles_to_its_files_and_namespace() -> None:
    result = _compiled(SERVING)
    assert (result.name, result.path) == ("serving", "projects/demo.yaml")
    assert result.looked_up == frozenset()
    assert not result.has_errors and result.owner is not None
    assert [f.path for f in result.files] == [
        "dev/serving/basemodel-m.yaml",
        "dev/serving/inferenceservice-chat.yaml",
    ]
    assert len(result.files) == len(result.manifests) == len(result.identities) > 0
    assert result.namespace_user is not None
    assert (result.namespace_user.namespace, result.namespace_user.team) == ("serving-dev", "ai")
    assert all(isinstance(f.text, str) and f.text for f in result.files)


def test_what_a_project_looks_up_is_part_of_its_result() -> None:
    result = _compiled(BENCHMARKING % "chat", SERVING)
    assert not result.has_errors, result.diagnostics
    assert result.looked_up == {"serving"}


def test_a_problem_is_in_the_result_and_nothing_is_rendered() -> None:
    result = _compiled(BENCHMARKING % "missing", SERVING)
    assert result.has_errors and result.owner is None
    assert (result.files, result.manifests, result.identities) == ((), (), ())
    [error] = [d for d in result.diagnostics if d.is_error]
    assert error.file == "projects/demo.yaml" and "missing" in error.message


def test_a_project_that_does_not_expand_gives_its_problems_only() -> None:
    override = "  environments: {dev: {services: [{name: chat, replicas: {min: 5, max: 1}}]}}\n"
    text = SERVING + override
    source = project_file(text)
    result = compile_project(source, DEV, _catalog(DEV, SERVING), STORE)
    assert result.has_errors and result.owner is None and not result.files
    assert result.namespace_user is None and result.looked_up == frozenset()


def test_the_kept_form_holds_no_objects_or_instance() -> None:
    result = _compiled(SERVING)
    kept = result.kept()
    assert (kept.manifests, kept.owner) == ((), None)
    assert (kept.files, kept.diagnostics, kept.namespace_user) == (
        result.files,
        result.diagnostics,
        result.namespace_user,
    )


BODY = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}


def test_a_patched_object_is_reported_at_its_last_patch() -> None:
    patched = (
        ("environments/dev.yaml", Position(3, 5)),
        ("environments/prod.yaml", Position(9, 7)),
    )
    manifest = Manifest(BODY, True, None, ("projects/x.yaml",), patched_by=patched)
    found = object_diagnostic(manifest, {}, Problem(("spec",), "is invalid"))
    assert (found.file, found.position, found.hint) == (
        "environments/prod.yaml",
        Position(9, 7),
        "changed by this patch",
    )


def test_an_object_of_no_known_owner_is_reported_at_its_first_source() -> None:
    manifest = Manifest(BODY, True, "gone", ("platform/ome.yaml", "environments/dev.yaml"))
    found = object_diagnostic(manifest, {}, Problem(("spec",), "is invalid"))
    assert (found.file, found.message) == ("platform/ome.yaml", "is invalid")
