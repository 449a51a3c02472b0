"""What `manifold render` would refuse in an imported entry by itself, at the OME object's
field: an import must not write a file the render then refuses. Only the checks that need
nothing but the entry run here (a benchmark's webhook rules, a runtime's own definition);
those that compare it with the catalogue or the environment run at render."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.benchmarks import Benchmark
from manifold.models.runtimes import ProjectServingRuntime, SharedServingRuntime
from manifold.targets.ome.benchmark_checks import benchmark_own_problems
from manifold.targets.ome.checks import runtime_problems
from manifold.targets.ome.importing.components import validated
from manifold.targets.ome.importing.jobs import BENCHMARK_AS_IS

_RUNTIME_FIELDS = {
    "supports": "supportedModelFormats",
    "modelSizeRange": "modelSizeRange",
    "decoder": "decoderConfig",
    "engine": "engineConfig",
}
"""An imported runtime entry's fields by the spec field each came from (entries.py)."""


def _at_spec(problems: Iterable[Problem], fields: dict[str, str]) -> list[tuple[JsonPath, str]]:
    """Each problem at the object's spec field its entry field came from; at `spec` itself
    when the field is not one an import maps (a check added later must not crash import)."""
    placed: list[tuple[JsonPath, str]] = []
    for problem in problems:
        head = str(problem.path[0]) if problem.path else ""
        path: JsonPath = ("spec", fields[head], *problem.path[1:]) if head in fields else ("spec",)
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
    return []
