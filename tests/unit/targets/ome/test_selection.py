"""manifold's own account of OME's runtime selector: the reasons it gives (the rules
themselves, row by row from upstream, are in tests/unit/targets/ome/test_selection_rules.py)."""

from __future__ import annotations

from manifold.models.project import Model, NamedVersion
from manifold.models.runtimes import SizeRange, SupportedFormat
from manifold.targets.ome.selection import (
    Candidate,
    auto_select,
    format_mismatch,
    incompatibility,
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


def test_a_version_ome_cannot_read_is_named_on_its_side() -> None:
    unreadable_runtime = _supports(framework={"name": "transformers", "version": "4.042.3"})
    assert format_mismatch(unreadable_runtime, LLAMA) == [
        "the runtime's framework version '4.042.3' is not one OME can read (numbers such as "
        "4.43.1, optionally after a v and before -pre, +build or .dev tags)"
    ]
    nightly = LLAMA.model_copy(update={"format": NamedVersion(name="safetensors", version="x")})
    assert format_mismatch(_supports(), nightly)[0].startswith(
        "the model's format version 'x' is not one OME can read"
    )
