"""OME's runtime selector, rule by rule, each row derived from OME's source.

Every row names where upstream states the rule: sgl-project/ome at commit
17b77edad23bae262e0c9adb7f12039397a5d33d (the commit of ../shared/reference/ome), as
`path:line` of the source or of the upstream test case whose expectation the row restates.
A row gives the model (changes to a Llama 8B made with transformers 4.43.1), the runtimes
(changes to one auto-selected safetensors/transformers entry for it), the accelerator classes
the service asks for, and which runtime OME picks (None: none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from manifold.models.project import Model
from manifold.models.runtimes import SizeRange, SupportedFormat
from manifold.targets.ome.selection import Candidate, auto_select, parameter_count

MATCHER = "pkg/runtimeselector/matcher.go"
MATCHER_TEST = "pkg/runtimeselector/matcher_test.go"
SCORER = "pkg/runtimeselector/scorer.go"
SELECTOR = "pkg/runtimeselector/selector.go"
SELECTOR_TEST = "pkg/runtimeselector/selector_test.go"
MODELVER = "pkg/modelver/util.go"
MODELVER_TEST = "pkg/modelver/util_test.go"


def _model(**changes: Any) -> Model:
    data: dict[str, Any] = {
        "name": "llama",
        "source": "hf://meta-llama/Llama-3.1-8B-Instruct",
        "format": {"name": "safetensors", "version": "1.0.0"},
        "framework": {"name": "transformers", "version": "4.43.1"},
        "architecture": "LlamaForCausalLM",
        "parameterSize": "8B",
    }
    data.update(changes)
    return Model.model_validate({k: v for k, v in data.items() if v is not None})


def _entry(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": {"name": "safetensors", "version": "1.0.0"},
        "framework": {"name": "transformers", "version": "4.43.1"},
        "architecture": "LlamaForCausalLM",
        "autoSelect": True,
        "priority": 1,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _framework(version: str, operator: str | None = None) -> dict[str, Any]:
    result = {"name": "transformers", "version": version}
    return result if operator is None else {**result, "operator": operator}


def _format(version: str, operator: str | None = None) -> dict[str, Any]:
    result = {"name": "safetensors", "version": version}
    return result if operator is None else {**result, "operator": operator}


@dataclass(frozen=True)
class Runtime:
    name: str = "rt"
    supports: tuple[dict[str, Any], ...] = field(default_factory=lambda: (_entry(),))
    size: tuple[str, str] | None = None
    accelerators: tuple[str, ...] | None = None
    scope: str = "cluster"
    disabled: bool = False

    def candidate(self) -> Candidate:
        return Candidate(
            self.name,
            "namespace" if self.scope == "namespace" else "cluster",
            self.disabled,
            tuple(SupportedFormat.model_validate(entry) for entry in self.supports),
            SizeRange(min=self.size[0], max=self.size[1]) if self.size else None,
            self.accelerators,
        )


@dataclass(frozen=True)
class Rule:
    id: str
    upstream: str
    model: dict[str, Any]
    runtimes: tuple[Runtime, ...]
    pick: str | None
    asks: tuple[str, ...] = ()


def _version_rule(
    id: str, upstream: str, runtime: str, operator: str | None, model: str, fits: bool
) -> Rule:
    """A framework version row: the runtime states `runtime` with `operator`."""
    return Rule(
        id,
        upstream,
        {"framework": _framework(model)},
        (Runtime(supports=(_entry(framework=_framework(runtime, operator)),)),),
        "rt" if fits else None,
    )


GTE, GT, EQ = "GreaterThanOrEqual", "GreaterThan", "Equal"

VERSION_RULES = [
    # Defect 1 of issue 12: the runtime's version is the ceiling, not the floor.
    _version_rule("gte-runtime-above-model", f"{MATCHER}:574-575", "4.40.0", GTE, "4.39.0", True),
    _version_rule("gte-runtime-below-model", f"{MATCHER}:574-575", "4.40.0", GTE, "4.43.1", False),
    _version_rule(
        "gte-equal",
        f"{MATCHER_TEST}:1192 GreaterThanOrEqual - equal versions",
        "1.8.0",
        GTE,
        "1.8.0",
        True,
    ),
    _version_rule(
        "gte-supported-greater",
        f"{MATCHER_TEST}:1205 GreaterThanOrEqual - supported version is greater",
        "1.9.0",
        GTE,
        "1.8.0",
        True,
    ),
    _version_rule(
        "gte-supported-less",
        f"{MATCHER_TEST}:1218 GreaterThanOrEqual - supported version is less",
        "1.7.0",
        GTE,
        "1.8.0",
        False,
    ),
    _version_rule(
        "gt-supported-greater",
        f"{MATCHER_TEST}:1166 GreaterThan - supported version is greater",
        "1.8.0",
        GT,
        "1.7.0",
        True,
    ),
    _version_rule(
        "gt-supported-not-greater",
        f"{MATCHER_TEST}:1179 GreaterThan - supported version is not greater",
        "1.7.0",
        GT,
        "1.8.0",
        False,
    ),
    _version_rule(
        "gt-equal",
        f"{MATCHER_TEST}:1153 Equal versions with GreaterThan operator",
        "1.0.0",
        GT,
        "1.0.0",
        False,
    ),
    _version_rule(
        "equal-operator",
        f"{MATCHER_TEST}:1140 Equal versions with Equal operator",
        "1.0.0",
        EQ,
        "1.0.0",
        True,
    ),
    _version_rule(
        "no-operator-is-equal",
        f"{MATCHER_TEST}:1283 Nil operator defaults to Equal",
        "v2.0.0",
        None,
        "v2.0.0",
        True,
    ),
    _version_rule("equal-differs", f"{MATCHER}:600-601", "4.43.1", None, "4.43.2", False),
    _version_rule(
        "equal-ignores-precision",
        f"{MATCHER_TEST}:1064 and {MODELVER}:177-199",
        "1",
        EQ,
        "1.0.0",
        True,
    ),
    _version_rule(
        "unofficial-forces-equality",
        f"{MATCHER_TEST}:1231 Unofficial version forces equality check",
        "1.8.0-dev",
        GT,
        "1.8.0-dev",
        True,
    ),
    _version_rule(
        "unofficial-not-equal",
        f"{MATCHER_TEST}:1244 Unofficial version not equal",
        "1.8.0-dev",
        GT,
        "1.8.0-alpha",
        False,
    ),
    _version_rule(
        "dev-tag-forces-equality",
        f"{MODELVER}:104-108 and {MATCHER}:594-601",
        "4.44.0",
        GTE,
        "4.43.0.dev0",
        False,
    ),
    _version_rule(
        "precision-mismatch", f"{MATCHER_TEST}:1257 Precision mismatch", "1.0", GT, "1.0.0", False
    ),
    _version_rule(
        "prefix-mismatch",
        f"{MATCHER_TEST}:1270 Major prefix mismatch",
        "v1.0.0",
        GT,
        "1.0.0",
        False,
    ),
    _version_rule("prefix-on-both", f"{MODELVER_TEST}:123", "v1.2.0", GTE, "v1.1.0", True),
    _version_rule(
        "leading-zero-unreadable",
        f"{MODELVER}:226-228 and {MATCHER}:583-586",
        "4.043.1",
        None,
        "4.043.1",
        False,
    ),
    _version_rule(
        "words-unreadable",
        f"{MODELVER}:222-225 and {MATCHER}:583-586",
        "latest",
        None,
        "latest",
        False,
    ),
    Rule(
        "format-version-same-rule",
        f"{MATCHER_TEST}:1025 GreaterThanOrEqual - supported version is less (formats)",
        {"format": _format("1.8.0")},
        (Runtime(supports=(_entry(format=_format("1.7.0", GTE)),)),),
        None,
    ),
    Rule(
        "format-version-up-to",
        f"{MATCHER_TEST}:1012 GreaterThanOrEqual - supported version is greater (formats)",
        {"format": _format("1.8.0")},
        (Runtime(supports=(_entry(format=_format("1.9.0", GTE)),)),),
        "rt",
    ),
]

MATCH_RULES = [
    Rule("exact", f"{MATCHER_TEST}:29 supported model format", {}, (Runtime(),), "rt"),
    Rule(
        "format-name",
        f"{MATCHER_TEST}:488 non-matching model format names",
        {},
        (Runtime(supports=(_entry(format={"name": "pytorch", "version": "1.0.0"}),)),),
        None,
    ),
    Rule(
        "framework-name",
        f"{MATCHER_TEST}:646 framework comparison - non-matching name",
        {},
        (Runtime(supports=(_entry(framework={"name": "vllm", "version": "4.43.1"}),)),),
        None,
    ),
    Rule(
        "framework-version-runtime-only",
        f"{MATCHER}:350-351",
        {"framework": {"name": "transformers"}},
        (Runtime(),),
        None,
    ),
    Rule(
        "format-version-model-only",
        f"{MATCHER}:334-335",
        {},
        (Runtime(supports=(_entry(format={"name": "safetensors"}),)),),
        None,
    ),
    Rule(
        "no-versions-either-side",
        f"{MATCHER}:330-336",
        {"format": {"name": "safetensors"}, "framework": {"name": "transformers"}},
        (
            Runtime(
                supports=(
                    _entry(format={"name": "safetensors"}, framework={"name": "transformers"}),
                )
            ),
        ),
        "rt",
    ),
    Rule(
        "model-without-framework",
        f"{MATCHER}:353-354",
        {"framework": None},
        (Runtime(),),
        None,
    ),
    Rule(
        "architecture-differs",
        f"{MATCHER_TEST}:1305 TestGetFormatMismatchReason",
        {},
        (Runtime(supports=(_entry(architecture="MistralForCausalLM"),)),),
        None,
    ),
    Rule(
        "architecture-model-only",
        f"{MATCHER}:312-313",
        {},
        (Runtime(supports=(_entry(architecture=None),)),),
        None,
    ),
    Rule(
        "architecture-runtime-only",
        f"{MATCHER}:312-313",
        {"architecture": None},
        (Runtime(),),
        None,
    ),
    Rule(
        "quantization-match",
        f"{MATCHER_TEST}:505 matching quantization",
        {"quantization": "fp8"},
        (Runtime(supports=(_entry(quantization="fp8"),)),),
        "rt",
    ),
    Rule(
        "quantization-differs",
        f"{MATCHER_TEST}:524 non-matching quantization",
        {"quantization": "fp8"},
        (Runtime(supports=(_entry(quantization="int4"),)),),
        None,
    ),
    Rule(
        "quantization-runtime-only",
        f"{MATCHER}:321-322",
        {},
        (Runtime(supports=(_entry(quantization="fp8"),)),),
        None,
    ),
    Rule(
        "quantization-model-only",
        f"{MATCHER}:321-322",
        {"quantization": "fp8"},
        (Runtime(),),
        None,
    ),
    Rule(
        "any-entry-may-fit",
        f"{MATCHER}:45-53",
        {},
        (Runtime(supports=(_entry(architecture="Qwen2ForCausalLM"), _entry())),),
        "rt",
    ),
    Rule(
        "size-out-of-range",
        f"{MATCHER_TEST}:98 model size out of range",
        {},
        (Runtime(size=("30B", "34B")),),
        None,
    ),
    Rule(
        "size-at-minimum",
        f"{MATCHER_TEST}:210 model size at minimum boundary",
        {},
        (Runtime(size=("8B", "9B")),),
        "rt",
    ),
    Rule(
        "size-at-maximum",
        f"{MATCHER_TEST}:241 model size at maximum boundary",
        {},
        (Runtime(size=("7B", "8B")),),
        "rt",
    ),
    Rule(
        "model-without-size",
        f"{MATCHER_TEST}:152 model with nil parameter size",
        {"parameterSize": None},
        (Runtime(size=("30B", "34B")),),
        "rt",
    ),
    Rule(
        "runtime-without-size",
        f"{MATCHER_TEST}:183 runtime with nil size range",
        {},
        (Runtime(),),
        "rt",
    ),
    Rule(
        "thousands-read-as-zero",
        f"{MATCHER}:654-674 (no K suffix)",
        {"parameterSize": "335K"},
        (Runtime(size=("1M", "9B")),),
        None,
    ),
    Rule(
        "disabled",
        f"{MATCHER_TEST}:890 TestIsCompatible_DisabledAndAcceleratorErrors",
        {},
        (Runtime(disabled=True),),
        None,
    ),
    Rule(
        "accelerator-listed",
        f"{SELECTOR_TEST}:1343 select with inference service ac",
        {},
        (Runtime(accelerators=("a100", "h100")),),
        "rt",
        asks=("h100",),
    ),
    Rule(
        "accelerator-not-listed",
        f"{MATCHER}:292-296",
        {},
        (Runtime(accelerators=("a100",)),),
        None,
        asks=("h100",),
    ),
    Rule(
        "accelerator-runtime-lists-none",
        f"{MATCHER}:287-289",
        {},
        (Runtime(),),
        None,
        asks=("h100",),
    ),
    Rule(
        "every-accelerator-asked",
        f"{MATCHER}:267-279 and {MATCHER}:292-296",
        {},
        (Runtime(accelerators=("a100",)),),
        None,
        asks=("a100", "h100"),
    ),
    Rule(
        "no-accelerator-asked",
        f"{MATCHER}:281-284",
        {},
        (Runtime(accelerators=("a100",)),),
        "rt",
    ),
]

RANKING_RULES = [
    Rule(
        "needs-auto-select",
        f"{SELECTOR_TEST}:834 TestGetCompatibleRuntimes_ExcludeNoAutoSelect",
        {},
        (Runtime(supports=(_entry(autoSelect=False),)),),
        None,
    ),
    Rule(
        "unmarked-is-not-auto-select",
        f"{SELECTOR}:242-253",
        {},
        (Runtime(supports=(_entry(autoSelect=None),)),),
        None,
    ),
    Rule(
        "score-from-open-entries-only",
        f"{SELECTOR_TEST}:802 autoselect false - should get 0 score, and {SELECTOR}:262-266",
        {},
        (
            Runtime(
                supports=(
                    _entry(autoSelect=False),
                    _entry(architecture="Qwen2ForCausalLM", format={"name": "pytorch"}),
                )
            ),
        ),
        None,
    ),
    Rule(
        "higher-priority-wins",
        f"{SCORER}:104-164 (weights times priority)",
        {},
        (Runtime("low"), Runtime("high", supports=(_entry(priority=2),))),
        "high",
    ),
    Rule(
        "weights-count",
        f"{SELECTOR_TEST}:513 sort by score - higher score wins",
        {},
        (
            Runtime("plain", supports=(_entry(priority=2),)),
            Runtime("weighted", supports=(_entry(format={**_format("1.0.0"), "weight": 40}),)),
        ),
        "weighted",
    ),
    Rule(
        "unmarked-entry-scores",
        f"{SCORER}:39-41 (only autoSelect: false is skipped)",
        {},
        (
            Runtime("a", supports=(_entry(priority=2),)),
            Runtime(
                "b",
                supports=(
                    _entry(),
                    _entry(autoSelect=None, priority=3, architecture="Qwen2ForCausalLM"),
                ),
            ),
        ),
        "b",
    ),
    Rule(
        "closest-size-range",
        f"{SELECTOR_TEST}:557 sort by model size range when scores are equal",
        {},
        (Runtime("a-wide", size=("1B", "70B")), Runtime("b-close", size=("7B", "9B"))),
        "b-close",
    ),
    Rule(
        "no-range-is-closest",
        f"{SCORER}:168-171",
        {},
        (Runtime("a-ranged", size=("7B", "9B")), Runtime("b-open")),
        "b-open",
    ),
    Rule(
        "namespace-first",
        f"{SELECTOR}:135-140",
        {},
        (Runtime("cluster", supports=(_entry(priority=5),)), Runtime("mine", scope="namespace")),
        "mine",
    ),
    Rule(
        "name-breaks-ties",
        f"{SCORER}:93-97",
        {},
        (Runtime("zeta"), Runtime("alpha")),
        "alpha",
    ),
]


@pytest.mark.parametrize(
    "rule",
    [pytest.param(r, id=r.id) for r in VERSION_RULES + MATCH_RULES + RANKING_RULES],
)
def test_selection_rule(rule: Rule) -> None:
    assert rule.upstream  # every row says where upstream states it
    candidates = [runtime.candidate() for runtime in rule.runtimes]
    chosen, passed_over = auto_select(candidates, _model(**rule.model), rule.asks)
    assert (chosen.name if chosen else None) == rule.pick, passed_over
    if chosen is None:
        assert set(passed_over) == {runtime.name for runtime in rule.runtimes}


@pytest.mark.parametrize(
    ("size", "count"),
    [
        pytest.param("7B", 7e9, id=f"{SELECTOR_TEST}:103 billions"),
        pytest.param("1T", 1e12, id=f"{SELECTOR_TEST}:98 terabytes"),
        pytest.param("1.5B", 1.5e9, id=f"{SELECTOR_TEST}:113 decimal billions"),
        pytest.param("350M", 350e6, id=f"{SELECTOR_TEST}:108 millions"),
        pytest.param("1000", 1000.0, id=f"{SELECTOR_TEST}:118 no suffix"),
        pytest.param("8K", 0.0, id=f"{MATCHER}:654-674 no K suffix"),
    ],
)
def test_model_sizes(size: str, count: float) -> None:
    assert parameter_count(size) == count
