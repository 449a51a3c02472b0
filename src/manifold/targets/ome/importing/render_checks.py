"""What `manifold render` would refuse in an imported entry by itself, at the OME object's
field: an import must not write a file the render then refuses. Only the checks that need
nothing but the entry run here (a benchmark's webhook rules, a runtime's own definition, how
OME deploys and scales a service's components as far as the service alone decides it); those
that compare it with the catalogue or the environment run at render, but for one: a
service's resources against the namespaced runtime imported with it (`runtime_refusals`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from manifold.core.diagnostics import Problem, Severity
from manifold.core.jsonpath import JsonPath
from manifold.models.benchmarks import Benchmark
from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import (
    ProjectServingRuntime,
    RuntimeRef,
    ServingRuntime,
    SharedServingRuntime,
)
from manifold.targets.ome.benchmark_checks import benchmark_own_problems
from manifold.targets.ome.checks import runtime_problems
from manifold.targets.ome.importing.components import validated
from manifold.targets.ome.importing.jobs import BENCHMARK_AS_IS
from manifold.targets.ome.keda import service_keda_problems
from manifold.targets.ome.runtime_node_asks import unreached_resource_problems
from manifold.targets.ome.scaling import service_scaling_problems

RUNTIME_COMPONENT_FIELDS = {
    "engine": "engineConfig",
    "decoder": "decoderConfig",
    "router": "routerConfig",
}
"""A runtime's components (`ServingRuntime.components`) by the spec field that holds each."""
_RUNTIME_FIELDS = {
    "supports": "supportedModelFormats",
    "modelSizeRange": "modelSizeRange",
    **RUNTIME_COMPONENT_FIELDS,
}
"""An imported runtime entry's fields by the spec field each came from (entries.py)."""
_COMPONENT_FIELDS = {
    ("replicas", "min"): ("minReplicas",),
    ("replicas", "max"): ("maxReplicas",),
    ("replicas",): ("minReplicas",),
    ("autoscaling", "metric"): ("scaleMetric",),
    ("autoscaling", "target"): ("scaleTarget",),
    ("autoscaling",): ("scaleMetric",),
}
"""A component entry's scaling fields by the OME component field each came from
(importing/components.py, `component`)."""


def _component_field(tail: JsonPath) -> JsonPath:
    return _COMPONENT_FIELDS.get(tuple(str(step) for step in tail), tail)


def _at_spec(problems: Iterable[Problem], fields: dict[str, str]) -> list[tuple[JsonPath, str]]:
    """Each problem at the object's spec field its entry field came from; at `spec` itself
    when the field is not one an import maps (a check added later must not crash import)."""
    placed: list[tuple[JsonPath, str]] = []
    for problem in problems:
        head = str(problem.path[0]) if problem.path else ""
        tail = _component_field(problem.path[1:])
        path: JsonPath = ("spec", fields[head], *tail) if head in fields else ("spec",)
        placed.append((path, problem.message))
    return placed


def render_refusals(kind: str, entry: dict[str, Any]) -> list[tuple[JsonPath, str]]:
    """The render's refusals of the entry an object of `kind` became, at its spec fields."""
    if kind == "BenchmarkJob":
        benchmark = validated(Benchmark, entry)
        back = {field: key for key, field in BENCHMARK_AS_IS.items()}
        return _at_spec(benchmark_own_problems((), benchmark), back)
    if kind in ("ServingRuntime", "ClusterServingRuntime"):
        model = SharedServingRuntime if kind == "ClusterServingRuntime" else ProjectServingRuntime
        runtime = validated(model, entry)
        return _at_spec(runtime_problems(runtime, ()), _RUNTIME_FIELDS)
    if kind == "InferenceService":
        return service_refusals(validated(Service, entry), None)
    return []


def service_refusals(
    service: Service, runtime: ServingRuntime | InlineRuntime | None
) -> list[tuple[JsonPath, str]]:
    """How OME would deploy and scale the service otherwise than it says, at the
    InferenceService's fields; `runtime`, the one it runs with where known."""
    problems = [
        *service_keda_problems(service, ()),
        *service_scaling_problems(service, (), runtime),
    ]
    return [(_service_field(problem.path), problem.message) for problem in problems]


def _service_field(path: JsonPath) -> JsonPath:
    """A service entry's path as the InferenceService's (importing/services.py): its own
    fields the engine's, its runtime the InferenceService's, Prometheus settings the
    InferenceService's spec.kedaConfig."""
    if path[:1] == ("metadata",):
        return path
    if path[:1] == ("runtime",):
        return ("spec", *path)
    component, tail = (
        ("engine", path)
        if path[:1] not in (("decoder",), ("router",))
        else (str(path[0]), path[1:])
    )
    if tail[:3] == ("autoscaling", "prometheus", "query"):
        return ("spec", "kedaConfig", "customPromQuery")
    if tail[:2] == ("autoscaling", "prometheus"):
        return ("spec", "kedaConfig")
    return ("spec", component, *_component_field(tail))


def runtime_refusals(
    service_entry: dict[str, Any], runtimes: Mapping[str, dict[str, Any]]
) -> list[tuple[JsonPath, str]]:
    """What the render refuses of the entry an InferenceService became beside the runtime
    it names, where that is a ServingRuntime of its namespace imported with it (`runtimes`,
    their entries by name): its resources, which the runtime's leader and worker pods would
    run with fewer GPUs than (`runtime_node_asks`), at the InferenceService's runner
    resources. A ClusterServingRuntime, or a runtime not imported with it, is the render's
    to weigh: the import does not know it."""
    service = validated(Service, service_entry)
    reference = service.runtime
    if not isinstance(reference, RuntimeRef) or reference.scope != "namespace":
        return []
    entry = runtimes.get(reference.ref)
    if entry is None:
        return []
    runtime = validated(ProjectServingRuntime, entry)
    return [
        (("spec", _component_of(problem.path), "runner", "resources"), problem.message)
        for problem in unreached_resource_problems(service, (), runtime)
        if problem.severity is Severity.ERROR
    ]


def _component_of(path: JsonPath) -> str:
    """The InferenceService's component a service entry's path is of: the decoder's own
    fields the decoder's, any other the engine's."""
    return "decoder" if path[:1] == ("decoder",) else "engine"
