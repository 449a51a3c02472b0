"""InferenceService -> a project's service, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.ome.importing.components import Unsupported
from manifold.targets.ome.importing.entries import entry_of


def _service(spec: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "chat", "namespace": "team-a"}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "ome.io/v1beta1",
        "kind": "InferenceService",
        "metadata": metadata,
        "spec": spec,
    }


def test_a_service_maps_its_engine_runtime_and_accelerator() -> None:
    spec = {
        "model": {"name": "llama", "kind": "BaseModel"},
        "runtime": {"name": "srt", "kind": "ServingRuntime"},
        "acceleratorSelector": {"acceleratorClass": "h100"},
        "engine": {
            "minReplicas": 1,
            "maxReplicas": 2,
            "runner": {
                "resources": {"requests": {"nvidia.com/gpu": 1}, "limits": {"nvidia.com/gpu": 1}}
            },
        },
    }
    entry = entry_of(_service(spec)).entry
    assert entry == {
        "name": "chat",
        "model": "llama",
        "replicas": {"min": 1, "max": 2},
        "resources": {"gpu": {"count": 1, "type": "h100"}},
        "runtime": {"ref": "srt", "scope": "namespace"},
    }


KEDA = {
    "enableKeda": True,
    "promServerAddress": "http://prometheus:9090",
    "customPromQuery": "sum(x)",
    "scalingThreshold": "1",
}


def test_the_keda_annotation_goes_with_keda_scaling_only() -> None:
    engine = {"minReplicas": 1, "maxReplicas": 3, "kedaConfig": KEDA}
    annotation = {"ome.io/autoscalerClass": "keda"}
    assert entry_of(_service({"model": {"name": "m"}, "engine": engine}, annotation))
    with pytest.raises(Unsupported, match="exactly when"):
        entry_of(_service({"model": {"name": "m"}, "engine": engine}))


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"model": {"name": "m"}, "predictor": {}}, ("spec", "predictor")),
        ({"model": {"name": "m", "fineTunedWeights": ["a"]}}, ("spec", "model")),
        (
            {"model": {"name": "m"}, "decoder": {"acceleratorOverride": {}}},
            ("spec", "decoder", "acceleratorOverride"),
        ),
    ],
    ids=["the legacy predictor", "adapters", "a decoder's accelerator override"],
)
def test_what_a_service_cannot_take_is_refused(spec: dict[str, Any], path: tuple[str, ...]) -> None:
    with pytest.raises(Unsupported) as raised:
        entry_of(_service(spec))
    assert raised.value.path == path
