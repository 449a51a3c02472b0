"""`manifold.targets.ome.importing.render_checks`: what render refuses in an imported entry
by itself, named at the OME object's spec field it came from."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.diagnostics import Problem
from manifold.targets.ome.importing import render_checks
from manifold.targets.ome.importing.render_checks import render_refusals, runtime_refusals

SUPPORTED = {
    "format": {"name": "safetensors", "version": "1.0.0"},
    "framework": {"name": "transformers", "version": "4.42.3"},
    "autoSelect": True,
    "priority": 1,
}
RUNTIME: dict[str, Any] = {"name": "rt", "supports": [SUPPORTED]}
BENCHMARK: dict[str, Any] = {
    "name": "b",
    "target": {"service": "s"},
    "task": "text-to-text",
    "maxTimePerIteration": 10,
    "maxRequestsPerIteration": 10,
    "output": {"uri": "s3://b/p"},
}

SERVICE: dict[str, Any] = {"name": "s", "model": "m"}
RPS = {"metric": "rps", "target": 10}
KEDA = {"prometheus": {"server": "http://p:9090", "query": "up{pod=~'%s.*'}", "threshold": "1"}}


@pytest.mark.parametrize(
    ("kind", "entry", "refused"),
    [
        ("ClusterServingRuntime", RUNTIME, []),
        (
            "ServingRuntime",
            {**RUNTIME, "modelSizeRange": {"min": "70B", "max": "7B"}},
            [("spec", "modelSizeRange")],
        ),
        (
            "ClusterServingRuntime",
            {**RUNTIME, "supports": [SUPPORTED, {**SUPPORTED, "priority": 2}]},
            [("spec", "supportedModelFormats", 1, "priority")],
        ),
        ("BenchmarkJob", BENCHMARK, []),
        (
            "BenchmarkJob",
            {**BENCHMARK, "requestParams": {"temperature": "inf"}},
            [("spec", "additionalRequestParams", "temperature")],
        ),
        ("AcceleratorClass", {"name": "a"}, []),
        # how OME deploys and scales the components (targets/ome/scaling.py), at the field
        # of the InferenceService each came from (importing/services.py)
        ("InferenceService", SERVICE, []),
        (
            "InferenceService",
            {**SERVICE, "replicas": {"min": 1, "max": 2}, "autoscaling": RPS},
            [("spec", "engine", "scaleMetric")],
        ),
        (
            "InferenceService",
            {**SERVICE, "decoder": {"replicas": {"min": 0, "max": 2}}},
            [("spec", "decoder", "minReplicas")],
        ),
        (
            "InferenceService",
            {**SERVICE, "replicas": {"min": 0, "max": 2}, "autoscaling": KEDA},
            [("spec", "kedaConfig")],
        ),
        (  # OME formats the query with the component's name (keda_reconciler.go:193-194)
            "InferenceService",
            {**SERVICE, "autoscaling": {"prometheus": {**KEDA["prometheus"], "query": "up"}}},
            [("spec", "kedaConfig", "customPromQuery")],
        ),
        (
            "InferenceService",
            {**SERVICE, "metadata": {"annotations": {"ome.io/deploymentMode": "Serverless"}}},
            [("metadata", "annotations", "ome.io/deploymentMode")],
        ),
        (
            "InferenceService",
            {
                **SERVICE,
                "metadata": {"annotations": {"ome.io/targetUtilizationPercentage": "50"}},
                "autoscaling": {"metric": "cpu", "target": 70},
            },
            [("spec", "engine", "scaleTarget")],
        ),
        (
            "ServingRuntime",
            {**RUNTIME, "engine": {"image": "i", "replicas": {"min": 1, "max": 2}}},
            [("spec", "engineConfig", "minReplicas")],
        ),
    ],
)
def test_refusals_at_the_objects_field(
    kind: str, entry: dict[str, Any], refused: list[tuple[Any, ...]]
) -> None:
    assert [path for path, _ in render_refusals(kind, entry)] == refused


def test_a_problem_at_a_field_the_import_does_not_map_is_placed_at_spec(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A render check added later, at an entry field the import has no spec field for, must
    not crash the import: the problem is placed at `spec`."""

    def unmapped(runtime: object, at: tuple[object, ...]) -> list[Problem]:
        return [Problem(("protocols",), "a new rule"), Problem((), "about the whole entry")]

    monkeypatch.setattr(render_checks, "runtime_problems", unmapped)
    assert render_refusals("ServingRuntime", RUNTIME) == [
        (("spec",), "a new rule"),
        (("spec",), "about the whole entry"),
    ]


# A service beside the ServingRuntime of its namespace imported with it: OME builds the
# runtime's leader and worker pods from their own runners, not the InferenceService's
# engine runner (utils/merging.go:105-143, components/engine.go:268-347), so the render
# refuses a service whose GPUs those pods run fewer of (targets/ome/runtime_node_asks.py).
NODES = {"image": "i", "resources": {"gpu": {"count": 4}}, "leader": {}, "worker": {"size": 1}}
MULTI: dict[str, Any] = {**RUNTIME, "name": "multi", "engine": NODES}
OWN = {"ref": "multi", "scope": "namespace"}
EIGHT = {"gpu": {"count": 8}}


@pytest.mark.parametrize(
    ("service", "runtimes", "refused"),
    [
        (
            {**SERVICE, "runtime": OWN, "resources": EIGHT},
            {"multi": MULTI},
            [("spec", "engine", "runner", "resources")],
        ),
        (
            {**SERVICE, "runtime": OWN, "decoder": {"resources": EIGHT}},
            {"multi": {**MULTI, "engine": {"image": "i"}, "decoder": NODES}},
            [("spec", "decoder", "runner", "resources")],
        ),
        ({**SERVICE, "runtime": OWN, "resources": {"gpu": {"count": 4}}}, {"multi": MULTI}, []),
        ({**SERVICE, "runtime": OWN, "resources": {"cpu": 4}}, {"multi": MULTI}, []),  # a warning
        (
            {**SERVICE, "runtime": {**OWN, "scope": "cluster"}, "resources": EIGHT},
            {"multi": MULTI},
            [],
        ),
        ({**SERVICE, "runtime": OWN, "resources": EIGHT}, {}, []),  # not imported with it
        ({**SERVICE, "resources": EIGHT}, {"multi": MULTI}, []),  # auto-selected: the render's
    ],
    ids=[
        "fewer GPUs than asked",
        "a decoder's, at the decoder's runner",
        "the GPUs the pods run with",
        "only cpu differs",
        "a cluster runtime: unknown to the import",
        "a runtime not imported",
        "no runtime named",
    ],
)
def test_a_services_resources_against_the_runtime_imported_with_it(
    service: dict[str, Any], runtimes: dict[str, Any], refused: list[tuple[Any, ...]]
) -> None:
    assert [path for path, _ in runtime_refusals(service, runtimes)] == refused
