"""OME component specs -> manifold components: each mapping, and each refusal with its path."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.models.lifecycle import Replication
from manifold.targets.ome.importing.components import (
    Unsupported,
    component,
    container,
    keda,
    validated,
)

MAPPED: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "resources alike on both sides become cpu, memory and gpu",
        {
            "resources": {
                "requests": {"cpu": 10, "memory": "30Gi", "nvidia.com/gpu": 1},
                "limits": {"cpu": 10, "memory": "30Gi", "nvidia.com/gpu": 1},
            }
        },
        {"resources": {"cpu": 10, "memory": "30Gi", "gpu": {"count": 1}}},
    ),
    (
        "one-sided resources stay requests or limits",
        {"resources": {"limits": {"cpu": "1", "memory": "2Gi"}}},
        {"resources": {"limits": {"cpu": "1", "memory": "2Gi"}}},
    ),
    (
        "differing sides stay as written",
        {"resources": {"requests": {"cpu": 1}, "limits": {"cpu": 2}}},
        {"resources": {"requests": {"cpu": 1}, "limits": {"cpu": 2}}},
    ),
    (
        "env fieldRef, secretKeyRef and configMapKeyRef",
        {
            "env": [
                {"name": "A", "value": "1"},
                {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                {"name": "C", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                {"name": "D", "valueFrom": {"configMapKeyRef": {"name": "m", "key": "k"}}},
            ]
        },
        {
            "env": [
                {"name": "A", "value": "1"},
                {"name": "B", "field": "metadata.namespace"},
                {"name": "C", "secret": {"name": "s", "key": "k"}},
                {"name": "D", "configMap": {"name": "m", "key": "k"}},
            ]
        },
    ),
    (
        "probes and security contexts pass through",
        {
            "readinessProbe": {"httpGet": {"path": "/h", "port": 8080}},
            "securityContext": {"privileged": True},
        },
        {
            "readinessProbe": {"httpGet": {"path": "/h", "port": 8080}},
            "securityContext": {"privileged": True},
        },
    ),
]


@pytest.mark.parametrize(
    ("runner", "expected"), [c[1:] for c in MAPPED], ids=[c[0] for c in MAPPED]
)
def test_runner_fields_map_onto_a_container(
    runner: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert container({"name": "ome-container", **runner}, "ome-container", ()) == expected


REFUSED: list[tuple[str, dict[str, Any], tuple[Any, ...], str]] = [
    (
        "a runner named otherwise",
        {"runner": {"name": "main", "image": "x"}},
        ("runner", "name"),
        "named 'main'",
    ),
    (
        "a container field manifold lacks",
        {"runner": {"name": "ome-container", "lifecycle": {}}},
        ("runner", "lifecycle"),
        "'lifecycle'",
    ),
    (
        "env from a resource field",
        {"runner": {"env": [{"name": "G", "valueFrom": {"resourceFieldRef": {"resource": "x"}}}]}},
        ("runner", "env", 0, "valueFrom", "resourceFieldRef"),
        "resourceFieldRef",
    ),
    (
        "a pod field manifold lacks",
        {"initContainers": []},
        ("initContainers",),
        "'initContainers'",
    ),
    ("one replica bound", {"minReplicas": 1}, (), "give both"),
    (
        # OME reads the InferenceService's spec.kedaConfig alone (targets/ome/keda.py)
        "a component's own KEDA config",
        {"kedaConfig": {"enableKeda": True}},
        ("kedaConfig",),
        "no one reads",
    ),
    (
        # OME picks the component's autoscaler from its annotations over the service's
        # (pkg/controller/v1beta1/inferenceservice/components/engine.go:213-222)
        "the autoscaler class in a component's annotations",
        {"annotations": {"ome.io/autoscalerClass": "hpa", "a": "b"}},
        ("annotations", "ome.io/autoscalerClass"),
        "manifold derives it",
    ),
]


@pytest.mark.parametrize(
    ("spec", "path", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_what_manifold_cannot_write_is_refused_at_its_path(
    spec: dict[str, Any], path: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(Unsupported) as raised:
        component(spec, ())
    assert raised.value.path == path
    assert message in raised.value.message


def test_a_multi_node_engine_keeps_leader_and_worker_apart() -> None:
    spec = {
        "annotations": {"a": "b"},
        "leader": {"hostNetwork": True, "runner": {"name": "ome-container", "image": "x"}},
        "worker": {"size": 2, "runner": {"name": "ome-container", "image": "x"}},
    }
    assert component(spec, ()) == {
        "annotations": {"a": "b"},
        "leader": {"hostNetwork": True, "image": "x"},
        "worker": {"image": "x", "size": 2},
    }


def test_keda_settings_become_scaling_on_a_prometheus_query() -> None:
    config = {
        "enableKeda": True,
        "promServerAddress": "http://prometheus:9090",
        "customPromQuery": "sum(x)",
        "scalingThreshold": "0.5",
        "authenticationRef": {"name": "auth"},
        "authModes": "bearer",
    }
    assert keda(config, ("spec", "kedaConfig")) == {
        "prometheus": {
            "server": "http://prometheus:9090",
            "query": "sum(x)",
            "threshold": "0.5",
            "authentication": {"name": "auth", "modes": "bearer"},
        }
    }
    with pytest.raises(Unsupported, match="does not enable") as raised:
        keda({**config, "enableKeda": False}, ("spec", "kedaConfig"))
    assert raised.value.path == ("spec", "kedaConfig", "enableKeda")


def test_an_entry_is_validated_with_its_platform_blocks() -> None:
    entry = {"name": "copy", "source": {"uri": "s3://a/b"}, "destination": {"uri": "s3://c/d"}}
    assert validated(Replication, {**entry, "ome": {"compartmentID": "ocid1.c"}}).name == "copy"
    with pytest.raises(Unsupported) as raised:
        validated(Replication, {**entry, "ome": {"compartmentID": 5}})
    assert raised.value.path == ("spec",)
    assert raised.value.message.startswith("manifold refuses it at ome.compartmentID: ")
