"""OME's benchmark webhook, applied offline: traffic scenarios that fit the task, request
parameters it parses, and a task the benchmarked model's capabilities allow."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from manifold.compile.catalog import Catalog, find_model
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.benchmarks import Benchmark, ServiceTarget

# OME's benchmark webhook, per task (its text-to-text pattern, anchored as meant).
SCENARIOS = {
    "text-to-text": re.compile(
        r"N\([0-9]+,[0-9]+\)/\([0-9]+,[0-9]+\)|U\([0-9]+,[0-9]+\)(/\([0-9]+,[0-9]+\))?"
        r"|D\([0-9]+,[0-9]+\)"
    ),
    "text-to-embeddings": re.compile(r"E\([0-9]+,[0-9]+\)"),
    "image-to-text": re.compile(r"I\([0-9]+,[0-9]+(,[0-9]+)?\)"),
    "image-to-embeddings": re.compile(r"I\([0-9]+,[0-9]+(,[0-9]+)?\)"),
}
SCENARIO_EXAMPLES = {
    "text-to-text": "D(100,100), N(480,240)/(300,150), U(50,100)",
    "text-to-embeddings": "E(64,1)",
    "image-to-text": "I(512,512), I(1024,512,2)",
    "image-to-embeddings": "I(512,512)",
}
# strconv.ParseFloat's syntax without underscores (Go allows them only after a base prefix).
_GO_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GO_HEX = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+")
_GO_SPECIAL = ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
TASK_CAPABILITIES = {
    "text-to-text": {"TEXT_TO_TEXT", "CHAT", "TEXT_GENERATION", "TEXT_SUMMARIZATION"},
    "text-to-embeddings": {"EMBEDDING", "TEXT_EMBEDDINGS"},
    "image-to-text": {"IMAGE_TEXT_TO_TEXT", "VISION"},
    "image-to-embeddings": {"EMBEDDING", "VISION"},
}


def benchmark_problems(
    instance: ProjectInstance, catalog: Catalog, at: JsonPath, benchmark: Benchmark
) -> Iterator[Problem]:
    yield from benchmark_own_problems(at, benchmark)
    if isinstance(benchmark.target, ServiceTarget):
        yield from _benchmark_fits_model(instance, catalog, at, benchmark, benchmark.target)


def benchmark_own_problems(at: JsonPath, benchmark: Benchmark) -> Iterator[Problem]:
    """What the webhook refuses in the benchmark alone, without its project or catalogue
    (so `manifold import` runs them too)."""
    pattern = SCENARIOS[benchmark.task]
    for position, scenario in enumerate(benchmark.traffic_scenarios or ()):
        if not pattern.fullmatch(scenario):
            yield Problem(
                (*at, "trafficScenarios", position),
                f"traffic scenario {scenario!r} does not fit task {benchmark.task} (for example "
                f"{SCENARIO_EXAMPLES[benchmark.task]})",
            )
    if benchmark.task == "text-to-embeddings" and not benchmark.traffic_scenarios:
        yield Problem(
            (*at, "trafficScenarios"),
            "OME's webhook refuses its own default scenarios for text-to-embeddings (E(64)...); "
            "list trafficScenarios, for example E(64,1)",
            at_key=False,
        )
    params = benchmark.request_params or {}
    if "temperature" in params and (why := temperature_problem(params["temperature"])):
        yield Problem((*at, "requestParams", "temperature"), why)
    if params.get("ignore_eos", "true") not in ("true", "false"):
        yield Problem((*at, "requestParams", "ignore_eos"), "ignore_eos is 'true' or 'false'")


def _benchmark_fits_model(
    instance: ProjectInstance,
    catalog: Catalog,
    at: JsonPath,
    benchmark: Benchmark,
    target: ServiceTarget,
) -> Iterator[Problem]:
    project = catalog.project(target.project or instance.name)
    if project is None:
        return
    service = next((s for s in project.spec.services if s.name == target.service), None)
    found = find_model(project, catalog, service.model) if service is not None else None
    capabilities = set(found.item.capabilities or ()) if found is not None else set()
    if capabilities and not capabilities & TASK_CAPABILITIES[benchmark.task]:
        assert found is not None
        yield Problem(
            (*at, "task"),
            f"task {benchmark.task} does not fit model {found.item.name!r}, whose capabilities "
            f"are {', '.join(sorted(capabilities))}",
        )


def temperature_problem(text: str) -> str | None:
    """Why OME's webhook (strconv.ParseFloat, benchmark_webhook.go:159-163, :177-183) refuses
    `text` as a temperature, or why manifold does though the webhook would not: NaN and
    infinities parse, but a sampler cannot use them, and OME passes the value on unread."""
    if text.lower() in _GO_SPECIAL:
        return (
            f"temperature {text!r} is not a finite number: OME's webhook parses it "
            "(strconv.ParseFloat) but a sampling temperature of NaN or infinity is "
            "meaningless; give a finite one such as '0.7'"
        )
    try:
        if _GO_DECIMAL.fullmatch(text):
            value = float(text)
        elif _GO_HEX.fullmatch(text):
            value = float.fromhex(text)
        else:
            return f"temperature {text!r} is not a number"
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        return f"temperature {text!r} is beyond a 64-bit float: OME's webhook refuses it"
    return None
