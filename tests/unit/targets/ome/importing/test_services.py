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


PROMETHEUS = {"server": "http://prometheus:9090", "query": "sum(x)", "threshold": "1"}
KEDA_CLASS = {"ome.io/autoscalerClass": "keda"}
ROUTER = {"runner": {"name": "router", "image": "r:1"}}


def test_keda_settings_scale_every_component_when_the_service_is_marked() -> None:
    spec = {"model": {"name": "m"}, "kedaConfig": KEDA, "router": ROUTER}
    entry = entry_of(_service(spec, KEDA_CLASS)).entry
    assert entry["autoscaling"] == entry["router"]["autoscaling"] == {"prometheus": PROMETHEUS}
    with pytest.raises(Unsupported, match="exactly when"):  # settings nothing is marked for
        entry_of(_service(spec))


def test_keda_settings_scale_the_components_marked_alone() -> None:
    router = {**ROUTER, "annotations": KEDA_CLASS}
    entry = entry_of(_service({"model": {"name": "m"}, "kedaConfig": KEDA, "router": router})).entry
    assert "autoscaling" not in entry
    assert entry["router"] == {"image": "r:1", "autoscaling": {"prometheus": PROMETHEUS}}


def test_a_components_own_keda_settings_are_refused_as_read_by_no_one() -> None:
    engine = {"minReplicas": 1, "maxReplicas": 3, "kedaConfig": KEDA}
    with pytest.raises(Unsupported, match="no one reads") as raised:
        entry_of(_service({"model": {"name": "m"}, "engine": engine}, KEDA_CLASS))
    assert raised.value.path == ("spec", "engine", "kedaConfig")


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


MULTI_NODE_GPUS = {"requests": {"nvidia.com/gpu": 8}, "limits": {"nvidia.com/gpu": 8}}


@pytest.mark.parametrize(
    ("leader", "worker", "path"),
    [
        pytest.param(
            {"nodeSelector": {"pool": "a"}},
            {"size": 1, "nodeSelector": {"pool": "a"}},
            ("spec", "engine", "nodeSelector"),
            id="shared node labels",
        ),
        pytest.param(
            {"runner": {"name": "ome-container", "resources": MULTI_NODE_GPUS}},
            {"size": 1, "runner": {"name": "ome-container", "resources": MULTI_NODE_GPUS}},
            ("spec", "engine", "runner"),
            id="resources",
        ),
    ],
)
def test_a_multi_node_service_without_what_manifold_writes_beside_its_leader_says_why(
    leader: dict[str, Any], worker: dict[str, Any], path: tuple[str, ...]
) -> None:
    """Beside a leader, manifold writes the component's resources and shared node labels,
    which OME reads instead of the leader's and workers' when it applies the accelerator
    class (ome 17b77edad23b, components/base.go:192-226 and :308-344): an object without
    them runs otherwise than manifold would render it, and the refusal says so."""
    engine = {"minReplicas": 1, "maxReplicas": 1, "leader": leader, "worker": worker}
    with pytest.raises(Unsupported, match="beside a leader, manifold writes") as raised:
        entry_of(_service({"model": {"name": "m"}, "engine": engine}))
    assert raised.value.path == path


def test_a_multi_node_service_with_them_is_imported() -> None:
    selector = {"pool": "a"}
    engine = {
        "minReplicas": 1,
        "maxReplicas": 1,
        "nodeSelector": selector,
        "leader": {"nodeSelector": selector},
        "worker": {"size": 1, "nodeSelector": selector},
    }
    imported = entry_of(_service({"model": {"name": "m"}, "engine": engine}))
    assert imported.entry["nodeSelector"] == selector
