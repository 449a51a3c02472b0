"""A BenchmarkJob that measures another project's InferenceService, held against the
environment's InferenceServices as its patches leave them (`benchmark_targets`): both
projects compiled as the pipeline compiles them, or one of them reused (a result read back
from the cache keeps its objects' identities only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from manifold.compile.catalog import Catalog
from manifold.compile.expand import expand
from manifold.compile.instances import ProjectInstance
from manifold.compile.project import ProjectResult, compile_project
from manifold.core.diagnostics import Position
from manifold.schemas.store import SchemaStore
from manifold.targets.base import Finding
from manifold.targets.ome.benchmark_targets import environment_problems
from tests.conftest import REPO_ROOT
from tests.unit.helpers import env_text, environments, project_file

STORE = SchemaStore(REPO_ROOT)
SERVING = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: serving, team: ai}
spec:
  platform: ome
  models: [{name: m, source: "hf://a/b"}]
  services:
    - {name: chat, model: m, metadata: {labels: {tier: canary}}}
    - {name: other, model: m}
"""
BENCHMARKING = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: bench, team: evaluation}
spec:
  platform: ome
  models: [{name: m, source: "hf://a/b"}]
  services: [{name: chat, model: m}]
  benchmarks:
    - name: load
      target: {project: %s, service: chat}
      task: text-to-text
      maxTimePerIteration: 15
      maxRequestsPerIteration: 100
      output: {uri: "s3://b@us-east-1/x"}
"""
RENAME_CHAT = "{target: {kind: InferenceService, name: chat}, mergePatch: {metadata: {name: c2}}}"
FOLLOW = (
    "{target: {kind: BenchmarkJob}, jsonPatch: [{op: replace, "
    "path: /spec/endpoint/inferenceService/name, value: c2}]}"
)


def _compiled(patches: Sequence[str], target: str = "serving") -> dict[str, ProjectResult]:
    """Both projects compiled in `dev` with `patches`, by name."""
    listed = "".join(f"  - {patch}\n" for patch in patches)
    dev = environments(dev=env_text("dev", f"patches:\n{listed}" if patches else ""))["dev"]
    expanded = {}
    for path, text in (("projects/serving.yaml", SERVING), ("projects/bench.yaml", BENCHMARKING)):
        source = project_file(text % target if "%s" in text else text, path)
        instance, found = expand(source, dev)
        assert instance is not None, found
        expanded[instance.name] = (source, instance, found)
    instances: dict[str, ProjectInstance] = {n: i for n, (_, i, _) in expanded.items()}
    catalog = Catalog(dev, instances)
    return {
        name: compile_project(source, dev, catalog, STORE, expanded=(instance, list(found)))
        for name, (source, instance, found) in expanded.items()
    }


def _found(patches: Sequence[str], target: str = "serving") -> Sequence[Finding]:
    found = environment_problems(_compiled(patches, target), {})
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("patches", "says", "patch_at"),
    [
        pytest.param(
            [RENAME_CHAT],
            "renames InferenceService 'chat' of project 'serving' to 'c2'",
            "environments/dev.yaml:7:7",
            id="renamed by a merge patch that selects it by name",
        ),
        pytest.param(
            [
                "{target: {kind: InferenceService, labels: {tier: canary}}, jsonPatch: ["
                "{op: add, path: /spec/engine, value: {minReplicas: 2}}, "
                "{op: replace, path: /metadata/name, value: c3}]}"
            ],
            "renames InferenceService 'chat' of project 'serving' to 'c3'",
            "environments/dev.yaml:7:7",
            id="renamed by a JSON patch that selects it by its labels and patches its spec too",
        ),
        pytest.param(
            [
                "{target: {project: serving, name: chat}, "
                "mergePatch: {metadata: {labels: {x: y}}}}",
                "{target: {labels: {x: y}}, mergePatch: {metadata: {name: c4}}}",
            ],
            "renames InferenceService 'chat' of project 'serving' to 'c4'",
            "environments/dev.yaml:8:7",
            id="renamed by a patch that selects a label an earlier patch gave it",
        ),
    ],
)
def test_another_projects_service_renamed_is_refused_at_the_benchmarks_target(
    patches: list[str], says: str, patch_at: str
) -> None:
    [(project, diagnostic)] = _found(patches)
    assert project == "bench"
    assert diagnostic.file == "projects/bench.yaml"
    assert diagnostic.path == ("spec", "benchmarks", 0, "target", "service")
    assert diagnostic.is_error
    assert f"the patch at {patch_at} {says}" in diagnostic.message, diagnostic.message
    assert "BenchmarkJob names 'chat' in namespace 'serving-dev'" in diagnostic.message


def test_a_benchmarkjob_patched_to_name_nothing_is_refused_at_its_patch() -> None:
    pointed = (
        "{target: {kind: BenchmarkJob}, jsonPatch: [{op: replace, "
        "path: /spec/endpoint/inferenceService/name, value: nowhere}]}"
    )
    [(project, diagnostic)] = _found([pointed])
    assert project == "bench"
    assert (diagnostic.file, diagnostic.position) == ("environments/dev.yaml", Position(7, 7))
    assert "names InferenceService 'nowhere' in namespace 'serving-dev'" in diagnostic.message
    assert diagnostic.hint is not None and "'chat'" in diagnostic.hint


@pytest.mark.parametrize(
    ("patches", "target"),
    [
        pytest.param([], "serving", id="no patch"),
        pytest.param(
            ["{target: {kind: InferenceService}, mergePatch: {metadata: {labels: {a: b}}}}"],
            "serving",
            id="a patch that keeps every name",
        ),
        pytest.param(
            ["{target: {kind: InferenceService, name: other}, mergePatch: {metadata: {name: o2}}}"],
            "serving",
            id="another service of that project renamed",
        ),
        pytest.param(
            [
                "{target: {kind: InferenceService, project: bench}, "
                "mergePatch: {metadata: {name: c2}}}"
            ],
            "serving",
            id="a service of that name in another project renamed",
        ),
        pytest.param([RENAME_CHAT, FOLLOW], "serving", id="the BenchmarkJob patched to follow"),
        pytest.param([RENAME_CHAT], "bench", id="its own project's service (renamed_refusals)"),
        pytest.param(
            [
                "{target: {kind: InferenceService, name: chat}, jsonPatch: ["
                "{op: test, path: /spec/engine/minReplicas, value: 9}, "
                "{op: replace, path: /metadata/name, value: c5}]}"
            ],
            "serving",
            id="a JSON patch whose test fails renames nothing",
        ),
        pytest.param(
            [
                "{target: {kind: InferenceService, name: chat}, "
                "mergePatch: {metadata: {namespace: elsewhere}}}"
            ],
            "serving",
            id="a patch that moves it is refused by the patches alone",
        ),
    ],
)
def test_another_projects_service_kept_or_followed_is_silent(
    patches: list[str], target: str
) -> None:
    assert _found(patches, target) == []


def test_a_reused_benchmark_project_is_not_judged_again() -> None:
    """It was kept without errors, and the project it looked up is unchanged."""
    compiled = _compiled([RENAME_CHAT])
    reused = {"bench": compiled.pop("bench").kept()}
    assert environment_problems(compiled, reused) == []


def test_a_reused_target_project_asks_for_a_render_from_nothing_to_say_which_patch() -> None:
    compiled = _compiled([RENAME_CHAT])
    reused = {"serving": compiled.pop("serving").kept()}
    assert environment_problems(compiled, reused) is None


def test_a_reused_target_project_whose_service_the_benchmark_finds_is_enough() -> None:
    compiled = _compiled([RENAME_CHAT, FOLLOW])
    reused = {"serving": compiled.pop("serving").kept()}
    assert environment_problems(compiled, reused) == []


def test_a_reused_target_project_that_renders_no_inferenceservice_is_not_asked_about() -> None:
    """A project of another platform: its service is not one a BenchmarkJob can name, and
    rendering the environment again would say nothing more."""
    compiled = _compiled([RENAME_CHAT])
    kept = compiled.pop("serving").kept()
    reused = {"serving": replace(kept, identities=())}
    assert environment_problems(compiled, reused) == []
