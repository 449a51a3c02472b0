"""OME's ServingRuntime webhook priority rules (manifold.targets.ome.conflicts), each row
derived from OME's source, and OME's own catalogue of shipped runtimes passing them.

Citations are `path:line` in sgl-project/ome at commit
17b77edad23bae262e0c9adb7f12039397a5d33d, the commit of ../shared/reference/ome.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from manifold.models.platform import PlatformSpec
from manifold.models.runtimes import ServingRuntime
from manifold.targets.ome import checks
from manifold.targets.ome.conflicts import priorities_within, priority_conflicts

WEBHOOK = "pkg/webhook/admission/servingruntime/servingruntime_webhook.go"
WEBHOOK_TEST = "pkg/webhook/admission/servingruntime/servingruntime_webhook_test.go"
CATALOG_RUNTIMES = 207


def _entry(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": {"name": "safetensors"},
        "framework": {"name": "transformers"},
        "architecture": "LlamaForCausalLM",
        "autoSelect": True,
        "priority": 1,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _runtime(name: str, *supports: dict[str, Any], **fields: Any) -> ServingRuntime:
    data: dict[str, Any] = {"name": name, "supports": list(supports) or [_entry()]}
    data.setdefault("protocols", ["openAI"])
    data.update(fields)
    return ServingRuntime.model_validate({k: v for k, v in data.items() if v is not None})


SIZE_8B = {"min": "7B", "max": "9B"}
VERSIONED = {"format": {"name": "safetensors", "version": "1.0.0"}}

PAIRS = [
    pytest.param(
        _runtime("a"),
        _runtime("b"),
        True,
        id=f"{WEBHOOK_TEST}:461 model version is nil in both, priority same",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(priority=2)),
        False,
        id=f"{WEBHOOK_TEST}:532 model version is nil in both, priority not same",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(architecture="Qwen2ForCausalLM")),
        False,
        id=f"{WEBHOOK_TEST}:820 same format, different architecture",
    ),
    pytest.param(
        _runtime("a", model_size_range=SIZE_8B),
        _runtime("b"),
        False,
        id=f"{WEBHOOK_TEST}:970 same format, different size",
    ),
    pytest.param(
        _runtime("a", model_size_range=SIZE_8B),
        _runtime("b", model_size_range=SIZE_8B),
        True,
        id=f"{WEBHOOK}:151-173 equal size ranges",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(autoSelect=False)),
        False,
        id=f"{WEBHOOK_TEST}:243 autoselect false in the new runtime",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(autoSelect=None)),
        False,
        id=f"{WEBHOOK_TEST}:316 autoselect not specified in the new runtime",
    ),
    pytest.param(
        _runtime("a", disabled=True),
        _runtime("b"),
        False,
        id=f"{WEBHOOK_TEST}:32 existing runtime disabled",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("a"),
        False,
        id=f"{WEBHOOK_TEST}:101 new and existing runtime are the same",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(format={"name": "pytorch"})),
        False,
        id=f"{WEBHOOK_TEST}:170 model format is different",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(framework={"name": "vllm"})),
        False,
        id=f"{WEBHOOK_TEST}:893 different framework",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(quantization="fp8")),
        False,
        id=f"{WEBHOOK}:142 quantization compared",
    ),
    pytest.param(
        _runtime("a"),
        _runtime("b", _entry(version="2")),
        False,
        id=f"{WEBHOOK_TEST}:603 entry version on one side only",
    ),
    pytest.param(
        _runtime("a", protocols=["openAI"]),
        _runtime("b", protocols=["openInference-v2"]),
        False,
        id=f"{WEBHOOK}:207-215 no shared protocol",
    ),
    pytest.param(
        _runtime("a", protocols=None),
        _runtime("b", protocols=None),
        False,
        id=f"{WEBHOOK}:209-215 no protocols at all",
    ),
    pytest.param(
        _runtime("a", _entry(priority=None)),
        _runtime("b", _entry(priority=None)),
        False,
        id=f"{WEBHOOK}:222 priorities not both given",
    ),
    pytest.param(
        _runtime("a", _entry(**VERSIONED)),
        _runtime("b", _entry(**VERSIONED)),
        False,
        id=f"{WEBHOOK}:144 versioned modelFormat compared as pointers",
    ),
    pytest.param(
        _runtime("a", _entry(framework={"name": "transformers", "weight": 2})),
        _runtime("b", _entry(framework={"name": "transformers", "weight": 3})),
        False,
        id=f"{WEBHOOK}:143 framework weight compared",
    ),
]


@pytest.mark.parametrize(("earlier", "later", "refused"), PAIRS)
def test_priority_conflict_between_runtimes(
    earlier: ServingRuntime, later: ServingRuntime, refused: bool
) -> None:
    problems = list(priority_conflicts([(("a",), earlier), (("b",), later)]))
    assert bool(problems) is refused, problems
    if refused:
        assert problems[0].path == ("b", "supports", 0, "priority")


WITHIN = [
    pytest.param(_runtime("a", _entry(), _entry(priority=2)), True, id=f"{WEBHOOK}:182-200"),
    pytest.param(
        _runtime("a", _entry(), _entry(format={"name": "pytorch"}, priority=2)),
        True,
        id=f"{WEBHOOK}:190 grouped by the entry name manifold never writes",
    ),
    pytest.param(
        _runtime("a", _entry(priority=None), _entry(priority=2)),
        False,
        id=f"{WEBHOOK}:191 first priority not given",
    ),
    pytest.param(
        _runtime("a", _entry(), _entry(priority=2, autoSelect=False)),
        False,
        id=f"{WEBHOOK}:189 only auto-selected entries",
    ),
    pytest.param(
        _runtime("a", _entry(), _entry(priority=2), disabled=True),
        False,
        id=f"{WEBHOOK}:62-64 disabled runtimes are not checked",
    ),
]


@pytest.mark.parametrize(("runtime", "refused"), WITHIN)
def test_priorities_within_one_runtime(runtime: ServingRuntime, refused: bool) -> None:
    assert bool(list(priorities_within(runtime, ("a",)))) is refused


# --------------------------------------------------------------------------- OME's catalogue


def _platform_form(runtime: dict[str, Any]) -> dict[str, Any]:
    """A shipped ClusterServingRuntime as a platform file declares it (installed by OME's
    chart, so `external`)."""
    spec = runtime["spec"]
    supports = []
    for entry in spec["supportedModelFormats"]:
        fields = {
            "format": entry["modelFormat"],
            "framework": entry["modelFramework"],
            "architecture": entry.get("modelArchitecture"),
            "quantization": entry.get("quantization"),
            "autoSelect": entry.get("autoSelect"),
            "priority": entry.get("priority"),
            "version": entry.get("version"),
        }
        supports.append({k: v for k, v in fields.items() if v is not None})
    result: dict[str, Any] = {
        "name": runtime["metadata"]["name"],
        "external": True,
        "disabled": spec.get("disabled"),
        "supports": supports,
        "modelSizeRange": spec.get("modelSizeRange"),
        "protocols": spec.get("protocolVersions"),
        "accelerators": (spec.get("acceleratorRequirements") or {}).get("acceleratorClasses"),
    }
    return {k: v for k, v in result.items() if v is not None}


@functools.cache
def _catalog(shared: Path) -> list[dict[str, Any]]:
    folder = shared / "reference" / "ome" / "catalog" / "runtimes"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    paths = sorted(folder.rglob("*.yaml"))
    documents = [yaml.load(path.read_text(encoding="utf-8"), Loader=loader) for path in paths]
    return [d for d in documents if d and d.get("kind") == "ClusterServingRuntime"]


def _platform_problems(runtimes: list[dict[str, Any]]) -> list[str]:
    spec = PlatformSpec.model_validate({"platform": "ome", "servingRuntimes": runtimes})
    return [p.message for p in checks.cluster_runtime_problems(spec.serving_runtimes)]


def test_omes_shipped_runtimes_are_expressible_without_conflicts(shared: Path) -> None:
    runtimes = [_platform_form(runtime) for runtime in _catalog(shared)]
    assert len(runtimes) == CATALOG_RUNTIMES
    assert _platform_problems(runtimes) == []


def test_a_genuinely_equal_pair_from_the_catalogue_is_refused(shared: Path) -> None:
    auto = [r for r in _catalog(shared) if r["spec"]["supportedModelFormats"][0].get("autoSelect")]
    first = _platform_form(auto[0])
    first["supports"] = [
        {
            **entry,
            "format": {"name": entry["format"]["name"]},
            "framework": {"name": entry["framework"]["name"]},
        }
        for entry in first["supports"]
    ]
    twin = {**first, "name": f"{first['name']}-twin"}
    problems = _platform_problems([first, twin])
    assert len(problems) == 1
    assert problems[0].startswith(f"runtime {first['name']!r} already auto-selects format")
