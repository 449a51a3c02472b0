"""OME's runtime selector, rule by rule (manifold.targets.ome.selection)."""

from __future__ import annotations

import pytest

from manifold.models.project import Model
from manifold.models.runtimes import FormatRequirement, SizeRange, SupportedFormat
from manifold.targets.ome.selection import (
    Candidate,
    auto_select,
    format_mismatch,
    incompatibility,
    parameter_count,
    versions_match,
)

LLAMA = Model.model_validate(
    {
        "name": "llama",
        "source": "hf://meta-llama/Llama-3.1-8B",
        "format": {"name": "safetensors", "version": "1.0.0"},
        "framework": {"name": "transformers", "version": "4.42.3"},
        "architecture": "LlamaForCausalLM",
        "parameterSize": "8B",
    }
)


def _supports(**overrides: object) -> SupportedFormat:
    data: dict[str, object] = {
        "format": {"name": "safetensors", "version": "1.0.0"},
        "framework": {"name": "transformers", "version": "4.42.3"},
        "architecture": "LlamaForCausalLM",
        "autoSelect": True,
        "priority": 1,
    }
    data.update(overrides)
    return SupportedFormat.model_validate(data)


def _candidate(name: str, *supports: SupportedFormat, **fields: object) -> Candidate:
    return Candidate(
        name,
        fields.get("scope", "cluster"),  # type: ignore[arg-type]
        bool(fields.get("disabled", False)),
        supports,
        fields.get("size_range"),  # type: ignore[arg-type]
        fields.get("accelerators"),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("size", "count"),
    [("7B", 7e9), ("335M", 335e6), ("1.5T", 1.5e12), ("8K", 8e3), ("12", 12.0), ("xB", 0.0)],
)
def test_parameter_counts(size: str, count: float) -> None:
    assert parameter_count(size) == count


@pytest.mark.parametrize(
    ("required", "operator", "found", "fits"),
    [
        ("1.0.0", None, "1.0.0", True),
        ("1.0.0", "Equal", "1.0.1", False),
        ("4.33.1", "GreaterThanOrEqual", "4.46.3", True),
        ("4.33.1", "GreaterThanOrEqual", "4.33.1", True),
        ("4.33.1", "GreaterThan", "4.33.1", False),
        ("4.33.1", "GreaterThanOrEqual", "4.33", False),  # precision differs
        ("v1.2", "GreaterThanOrEqual", "1.3", False),  # prefix differs
        ("1.0.0-rc1", "GreaterThanOrEqual", "1.0.0-rc1", True),  # unofficial: equality only
    ],
)
def test_versions(required: str, operator: str | None, found: str, fits: bool) -> None:
    requirement = FormatRequirement.model_validate(
        {"name": "x", "version": required, "operator": operator}
    )
    assert versions_match(requirement, found) is fits


def test_architecture_and_quantization_are_given_on_both_sides_or_neither() -> None:
    assert format_mismatch(_supports(), LLAMA) == []
    assert format_mismatch(_supports(architecture=None), LLAMA) == [
        "architecture given by the model only"
    ]
    assert format_mismatch(_supports(quantization="fp8"), LLAMA) == [
        "quantization given by the runtime only"
    ]


def test_a_version_on_one_side_only_does_not_fit() -> None:
    supports = _supports(format={"name": "safetensors"})
    assert format_mismatch(supports, LLAMA) == ["format version given by the model only"]


def test_incompatibility_reasons() -> None:
    assert incompatibility(_candidate("a", _supports()), LLAMA, ()) is None
    assert incompatibility(_candidate("a", _supports(), disabled=True), LLAMA, ()) == (
        "it is disabled"
    )
    small = SizeRange(min="1B", max="3B")
    assert "outside the runtime's range 1B to 3B" in str(
        incompatibility(_candidate("a", _supports(), size_range=small), LLAMA, ())
    )
    assert "accelerator class h100" in str(
        incompatibility(_candidate("a", _supports(), accelerators=("a100",)), LLAMA, ("h100",))
    )


def test_auto_selection_prefers_namespaced_then_priority() -> None:
    low = _candidate("low", _supports(priority=1))
    high = _candidate("high", _supports(priority=5))
    mine = _candidate("mine", _supports(priority=1), scope="namespace")
    manual = _candidate("manual", _supports(autoSelect=False, priority=9))
    chosen, passed_over = auto_select([low, high, manual], LLAMA, ())
    assert chosen is high
    assert passed_over == {"manual": "no supported format is marked autoSelect"}
    chosen, _ = auto_select([low, high, mine], LLAMA, ())
    assert chosen is mine


def test_auto_selection_says_why_nothing_fits() -> None:
    other = _candidate("other", _supports(architecture="MistralForCausalLM"))
    chosen, passed_over = auto_select([other], LLAMA, ())
    assert chosen is None
    assert passed_over["other"].startswith("no supported format fits: architecture mismatch")
