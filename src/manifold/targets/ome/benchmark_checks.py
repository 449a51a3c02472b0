"""OME's benchmark webhook, applied offline: traffic scenarios that fit the task, request
parameters it parses, and a task the benchmarked model's capabilities allow. Another
project's service that the environment's patches rename is `benchmark_targets`', judged
once the environment is whole."""

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
# strconv.ParseFloat's syntax as Go's readFloat scans it (src/strconv/atof.go:173-308 at
# commit 0c9d2ef; OME builds with Go 1.25): a sign, then a mantissa of digits, underscores and
# at most one '.', holding a digit (:205-251); then an exponent, `e` (`p`, required after 0x:
# :192-198, :293-296), whose sign is followed by a digit (:279-281), then digits and
# underscores (:283-287). Where the underscores may sit is `_underscores_ok`'s (:302-304).
_GO_DECIMAL = re.compile(r"[+-]?(?=[0-9_.]*[0-9])[0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?")
_GO_HEX = re.compile(
    r"[+-]?0[xX](?=[0-9a-fA-F_.]*[0-9a-fA-F])[0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?[pP][+-]?[0-9][0-9_]*"
)
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
    hexadecimal = _GO_HEX.fullmatch(text) is not None
    if not (hexadecimal or _GO_DECIMAL.fullmatch(text)) or not _underscores_ok(text):
        return f"temperature {text!r} is not a number"
    digits = text.replace("_", "")  # placed as Go allows: separators only
    try:
        value = float.fromhex(digits) if hexadecimal else float(digits)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        return f"temperature {text!r} is beyond a 64-bit float: OME's webhook refuses it"
    return None


def _underscores_ok(text: str) -> bool:
    """Whether Go's underscoreOK (src/strconv/atoi.go:264-309 at commit 00a5bb1) accepts the
    underscores of a number readFloat scanned: each one right after a digit or the 0x
    prefix (:280-284, :293-300) and right before a digit (:301-304, :308), after an optional
    sign (:273-276); hex digits count as digits after 0x (:289)."""
    unsigned = text[1:] if text[:1] in ("+", "-") else text
    prefixed = unsigned[:2] in ("0x", "0X")
    digits = "0123456789abcdefABCDEF" if prefixed else "0123456789"
    body = "0" + unsigned[2:] if prefixed else unsigned  # the prefix counts as a digit
    return all(
        0 < at < len(body) - 1 and body[at - 1] in digits and body[at + 1] in digits
        for at, char in enumerate(body)
        if char == "_"
    )
