"""OME's benchmark webhook applied offline (`manifold.targets.ome.benchmark_checks`), row by
row from sgl-project/ome at 17b77edad23b, pkg/webhook/admission/benchmark/benchmark_webhook.go:
the scenario patterns per task (:135-139; text-to-text's alternatives anchored as a whole,
as meant), `temperature` parsed as a float (:159-163) and `ignore_eos` (:168-170). The
problems as a whole project reports them are in tests/unit/targets/rules/ome/benchmarks.yaml."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core.diagnostics import Problem
from manifold.targets.ome.benchmark_checks import (
    SCENARIO_EXAMPLES,
    SCENARIOS,
    TASK_CAPABILITIES,
    benchmark_problems,
    temperature_problem,
)
from tests.unit.helpers import lone_catalog, project_instance

BASE = """\
models: [{name: m, source: "hf://a/b", capabilities: [CAPABILITY]}]
services: [{name: s, model: m}]
"""


@pytest.mark.parametrize(
    ("task", "scenario", "fits"),
    [
        ("text-to-text", "D(100,100)", True),
        ("text-to-text", "N(480,240)/(300,150)", True),
        ("text-to-text", "U(50,100)", True),
        ("text-to-text", "U(50,100)/(10,20)", True),
        ("text-to-text", "N(480,240)", False),
        ("text-to-text", "D(100,100)x", False),  # upstream's unanchored middle would take it
        ("text-to-text", "xU(50,100)", False),
        ("text-to-text", "D(1.5,2)", False),
        ("text-to-embeddings", "E(64,1)", True),
        ("text-to-embeddings", "E(64)", False),
        ("image-to-text", "I(512,512)", True),
        ("image-to-text", "I(1024,512,2)", True),
        ("image-to-text", "I(1,2,3,4)", False),
        ("image-to-embeddings", "I(512,512)", True),
        ("image-to-embeddings", "D(1,1)", False),
    ],
)
def test_scenario_patterns(task: str, scenario: str, fits: bool) -> None:
    assert bool(SCENARIOS[task].fullmatch(scenario)) is fits


@pytest.mark.parametrize("task", sorted(SCENARIOS))
def test_every_example_given_in_a_message_fits_its_task(task: str) -> None:
    examples = SCENARIO_EXAMPLES[task].split(", ")
    assert all(SCENARIOS[task].fullmatch(example) for example in examples)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_any_deterministic_scenario_fits_text_to_text(first: int, second: int) -> None:
    assert SCENARIOS["text-to-text"].fullmatch(f"D({first},{second})")
    assert not SCENARIOS["text-to-embeddings"].fullmatch(f"D({first},{second})")


def test_the_tasks_are_the_same_in_every_table() -> None:
    assert set(SCENARIOS) == set(SCENARIO_EXAMPLES) == set(TASK_CAPABILITIES)


def _problems(benchmark: str, capability: str = "CHAT") -> list[tuple[str, ...]]:
    spec = BASE.replace("CAPABILITY", capability) + "benchmarks:\n- " + benchmark
    instance = project_instance("ome", spec)
    (entry,) = instance.spec.benchmarks
    found: list[Problem] = list(
        benchmark_problems(instance, lone_catalog(instance), ("benchmarks", 0), entry)
    )
    return [tuple(str(step) for step in problem.path[2:]) for problem in found]


def _benchmark(task: str = "text-to-text", extra: str = "") -> str:
    return (
        f"{{name: b, target: {{service: s}}, task: {task}, maxTimePerIteration: 10,"
        f' maxRequestsPerIteration: 10, output: {{uri: "s3://b/p"}}{extra}}}'
    )


@pytest.mark.parametrize(
    ("extra", "problems"),
    [
        (", requestParams: {temperature: '0.7', ignore_eos: 'false'}", []),
        (", requestParams: {temperature: '1e400'}", [("requestParams", "temperature")]),
        (", requestParams: {temperature: nan}", [("requestParams", "temperature")]),
        (", requestParams: {temperature: warm}", [("requestParams", "temperature")]),
        (", requestParams: {ignore_eos: 'True'}", [("requestParams", "ignore_eos")]),
        (", trafficScenarios: ['D(1,1)', 'E(1,1)']", [("trafficScenarios", "1")]),
    ],
)
def test_request_parameters_and_scenarios(extra: str, problems: list[tuple[str, ...]]) -> None:
    assert _problems(_benchmark(extra=extra)) == problems


@pytest.mark.parametrize(
    ("task", "capability", "fits"),
    [
        ("text-to-text", "TEXT_GENERATION", True),
        ("image-to-text", "VISION", True),
        ("image-to-embeddings", "EMBEDDING", True),
        ("image-to-text", "CHAT", False),
        ("text-to-embeddings", "CHAT", False),
    ],
)
def test_the_task_must_fit_the_benchmarked_models_capabilities(
    task: str, capability: str, fits: bool
) -> None:
    scenarios = ", trafficScenarios: ['E(1,1)']" if task == "text-to-embeddings" else ""
    found = _problems(_benchmark(task, scenarios), capability)
    assert found == ([] if fits else [("task",)])


NOT_A_NUMBER = "is not a number"
UNDERSCORES = [
    # Go's src/strconv/atof.go (commit 0c9d2ef) readFloat skips an underscore in the
    # mantissa (:207-209) and in the exponent's digits (:283-287), then asks
    # underscoreOK (:302-304; src/strconv/atoi.go:264-309, commit 00a5bb1) where it sits
    ("1_0", None),  # between digits, with or without a base prefix (atoi.go:293-304)
    ("1_000.000_1", None),
    ("1_23.50_0_0e+1_2", None),  # Go's own atof_test.go row: 1.235e+14
    ("1e1_0", None),  # in the exponent too (atof.go:283-287)
    ("0_1", None),  # a leading zero is a digit, not a prefix
    ("0x_1p0", None),  # the 0x prefix counts as a digit (atoi.go:280-284)
    ("0X_1P0", None),
    ("0x1_0p0", None),  # hex digits are digits after 0x (atoi.go:289)
    ("0xa_bp0", None),
    ("-0x_1.8p1_0", None),  # after a sign (atoi.go:273-276)
    ("0x1__0p0", NOT_A_NUMBER),  # an underscore after an underscore (atoi.go:293-300)
    ("1__0", NOT_A_NUMBER),
    ("_1", NOT_A_NUMBER),  # nothing before it (atoi.go:293-300)
    ("-_1", NOT_A_NUMBER),
    ("_0x1p0", NOT_A_NUMBER),
    ("0x__1p0", NOT_A_NUMBER),
    ("1_", NOT_A_NUMBER),  # nothing after it (atoi.go:308)
    ("0x1p0_", NOT_A_NUMBER),
    ("1_.5", NOT_A_NUMBER),  # a '.' after it (atoi.go:301-304)
    ("1._5", NOT_A_NUMBER),  # a '.' before it (atoi.go:293-300, saw '!')
    ("1_e5", NOT_A_NUMBER),
    ("0x1_p0", NOT_A_NUMBER),
    ("0x1._8p0", NOT_A_NUMBER),
    ("1e_5", NOT_A_NUMBER),  # the exponent starts with a digit (atof.go:279-281)
    ("1e+_5", NOT_A_NUMBER),
    ("0x1p_1", NOT_A_NUMBER),
    ("0_x1p0", NOT_A_NUMBER),  # not a prefix: x is no decimal digit (atof.go:192, :247)
    ("_", NOT_A_NUMBER),  # no digit at all (atof.go:249-251)
    ("0x_p0", NOT_A_NUMBER),
    ("1_0e400", "beyond a 64-bit float"),  # read as 10e400: ErrRange
]


@pytest.mark.parametrize(
    ("text", "refused_because"),
    [
        # strconv.ParseFloat's syntax, read by OME's webhook (benchmark_webhook.go:177-183)
        ("0.7", None),
        (".5", None),
        ("1.", None),
        ("+2e-1", None),
        ("0x1p-2", None),  # Go's hex floats parse
        ("1e400", "beyond a 64-bit float"),  # ParseFloat's ErrRange: the webhook refuses
        ("0x1p2000", "beyond a 64-bit float"),
        ("warm", "is not a number"),
        (" 0.5", "is not a number"),  # Python's float() strips blanks, Go does not
        # the webhook lets these through, OME never reads the value: meaningless, refused
        ("NaN", "NaN or infinity is meaningless"),
        ("-Inf", "NaN or infinity is meaningless"),
        ("infinity", "NaN or infinity is meaningless"),
        *UNDERSCORES,
    ],
)
def test_temperature_as_go_parses_it(text: str, refused_because: str | None) -> None:
    why = temperature_problem(text)
    if refused_because is None:
        assert why is None
    else:
        assert why is not None and refused_because in why
