"""Kubernetes' container and pod fields in Run:ai's shape, one translation a table: compute,
probes, storage, scaling, placement and tolerations, and what each refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core.jsonpath import format_json_path
from manifold.models.common import Resources
from manifold.models.platform import GpuType
from manifold.models.project import Model
from manifold.models.workload import Component
from manifold.targets.runai import fields
from manifold.targets.runai.refusals import Refusals
from tests.unit.targets.runai.inputs import MODEL, instance

_SERVICE = instance(f"{MODEL}\nservices: [{{name: s, model: m, image: i}}]").spec.services[0]


def _refusals() -> Refusals:
    return Refusals(_SERVICE, ("services", 0))


def _messages(refusals: Refusals) -> list[str]:
    return [f"{format_json_path(p.path)}: {p.message}" for p in refusals.found]


# --------------------------------------------------------------------------- compute


@pytest.mark.parametrize(
    ("resources", "requirements", "expected", "refused"),
    [
        ({"gpu": {"count": 2}}, {}, {"gpuDevicesRequest": 2}, []),
        (
            {"gpu": {"count": 1, "portion": 0.5}},
            {},
            {"gpuDevicesRequest": 1, "gpuRequestType": "portion", "gpuPortionRequest": 0.5},
            [],
        ),
        (
            {"gpu": {"count": 1, "memory": "10Gi"}},
            {},
            {"gpuDevicesRequest": 1, "gpuRequestType": "memory", "gpuMemoryRequest": "10Gi"},
            [],
        ),
        (
            None,
            {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": 2}},
            {"cpuCoreRequest": 0.5, "cpuMemoryRequest": "1Gi", "cpuCoreLimit": 2},
            [],
        ),
        (
            None,
            {"requests": {"ephemeral-storage": "1Gi", "example.com/fpga": 1}},
            {},
            [
                "services[0].resources: Run:ai requests cpu, memory and GPUs "
                "(gpu: {count: ...}), not ephemeral-storage",
                "services[0].resources: Run:ai requests cpu, memory and GPUs "
                "(gpu: {count: ...}), not example.com/fpga",
            ],
        ),
        (
            {"gpu": {"count": 1, "resource": "amd.com/gpu"}},
            {"limits": {"amd.com/gpu": 1}},
            {"gpuDevicesRequest": 1},
            [
                "services[0].resources: Run:ai schedules nvidia.com/gpu devices itself; it "
                "cannot request amd.com/gpu"
            ],
        ),
    ],
)
def test_compute(
    resources: dict[str, Any] | None,
    requirements: dict[str, Any],
    expected: dict[str, Any],
    refused: list[str],
) -> None:
    refusals = _refusals()
    given_resources = Resources.model_validate(resources) if resources else None
    assert fields.compute(given_resources, requirements, refusals) == expected  # type: ignore[arg-type]
    assert _messages(refusals) == refused


@given(st.integers(min_value=1, max_value=10**7))
def test_cores_are_millicores_over_a_thousand(millicores: int) -> None:
    compute = fields.compute(None, {"requests": {"cpu": f"{millicores}m"}}, _refusals())
    assert Decimal(str(compute["cpuCoreRequest"])) * 1000 == millicores
    whole = millicores % 1000 == 0
    assert isinstance(compute["cpuCoreRequest"], int) is whole


# --------------------------------------------------------------------------- probes, storage

PORTS: list[Any] = [{"containerPort": 8000, "name": "http"}]


@pytest.mark.parametrize(
    ("probe", "expected", "refused"),
    [
        (
            {"httpGet": {"path": "/ready"}, "periodSeconds": 5},
            {"handler": {"httpGet": {"path": "/ready", "port": 8000}}, "periodSeconds": 5},
            [],
        ),
        (
            {"httpGet": {"path": "/ready", "port": "http"}},
            {"handler": {"httpGet": {"path": "/ready", "port": 8000}}},
            [],
        ),
        (
            {"httpGet": {"port": "metrics"}},
            None,
            ["services[0].readinessProbe: the probe's port 'metrics' names no container port"],
        ),
        (
            {"exec": {"command": ["true"]}},
            None,
            [
                "services[0].readinessProbe: Run:ai probes readiness with an HTTP GET and "
                "timings only (exec)"
            ],
        ),
        (
            {"httpGet": {"path": "/", "httpHeaders": []}},
            {"handler": {"httpGet": {"path": "/", "port": 8000}}},
            ["services[0].readinessProbe: Run:ai's HTTP probe has no httpHeaders"],
        ),
    ],
)
def test_probe(probe: dict[str, Any], expected: dict[str, Any] | None, refused: list[str]) -> None:
    refusals = _refusals()
    assert fields.probe(probe, PORTS, refusals) == expected
    assert _messages(refusals) == refused


def test_a_probe_without_ports_is_on_the_default_port() -> None:
    probe = fields.probe({"httpGet": {}}, [], _refusals())
    assert probe == {"handler": {"httpGet": {"port": fields.DEFAULT_PORT}}}


@pytest.mark.parametrize(
    ("volume", "mount", "expected"),
    [
        (
            {"persistentVolumeClaim": {"claimName": "c", "readOnly": True}},
            {},
            {
                "pvc": [
                    {
                        "name": "v",
                        "claimName": "c",
                        "existingPvc": True,
                        "path": "/m",
                        "readOnly": True,
                    }
                ]
            },
        ),
        (
            {"configMap": {"name": "cm"}},
            {"subPath": "a.txt"},
            {
                "configMapVolume": [
                    {"name": "v", "configMap": "cm", "mountPath": "/m", "subPath": "a.txt"}
                ]
            },
        ),
        (
            {"secret": {"secretName": "s"}},
            {},
            {"secretVolume": [{"name": "v", "secret": "s", "mountPath": "/m"}]},
        ),
        (
            {"emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
            {},
            {
                "emptyDirVolume": [
                    {"name": "v", "path": "/m", "medium": "Memory", "sizeLimit": "1Gi"}
                ]
            },
        ),
        (
            {"hostPath": {"path": "/raid"}},
            {"readOnly": True},
            {"hostPath": [{"name": "v", "path": "/raid", "mountPath": "/m", "readOnly": True}]},
        ),
        (
            {"nfs": {"server": "nas", "path": "/x"}},
            {},
            {"nfs": [{"name": "v", "server": "nas", "path": "/x", "mountPath": "/m"}]},
        ),
    ],
)
def test_storage(volume: dict[str, Any], mount: dict[str, Any], expected: dict[str, Any]) -> None:
    refusals = _refusals()
    mounts: list[Any] = [{"name": "v", "mountPath": "/m", **mount}]
    found = fields.storage(mounts, [{"name": "v", **volume}], refusals)
    assert found == expected
    assert refusals.found == []


@pytest.mark.parametrize(
    ("mounts", "volumes", "refused"),
    [
        (
            [{"name": "v", "mountPath": "/m"}],
            [],
            ["services[0].volumeMounts: volume 'v' is mounted but not defined"],
        ),
        (
            [],
            [{"name": "v", "emptyDir": {}}],
            ["services[0].volumes: volume 'v' is not mounted; Run:ai mounts what it is given"],
        ),
        (
            [{"name": "v", "mountPath": "/m"}],
            [{"name": "v", "iscsi": {}}],
            [
                "services[0].volumes: volume 'v' (iscsi): Run:ai mounts persistentVolumeClaim, "
                "configMap, secret, emptyDir, hostPath and nfs volumes"
            ],
        ),
        (
            [{"name": "v", "mountPath": "/m", "subPath": "x"}],
            [{"name": "v", "secret": {"secretName": "s"}}],
            ["services[0].volumeMounts: Run:ai mounts volume 'v' whole (subPath)"],
        ),
    ],
)
def test_storage_refusals(mounts: list[Any], volumes: list[Any], refused: list[str]) -> None:
    refusals = _refusals()
    fields.storage(mounts, volumes, refusals)
    assert _messages(refusals) == refused


@pytest.mark.parametrize(
    ("source", "variable", "claim"),
    [
        ("hf://org/repo", "org/repo", None),
        ("gs://bucket/m", "gs://bucket/m", None),
        ("pvc://claim/sub/dir", "/mnt/models/sub/dir", "claim"),
        ("pvc://claim", "/mnt/models", "claim"),
    ],
)
def test_model_access(source: str, variable: str, claim: str | None) -> None:
    env, pvc = fields.model_access(Model.model_validate({"name": "m", "source": source}))
    assert env == [{"name": "MODEL_PATH", "value": variable}]
    assert (pvc["claimName"] if pvc else None) == claim
    assert pvc is None or (pvc["readOnly"], pvc["path"]) == (True, "/mnt/models")


def test_environment_variables_by_source() -> None:
    env: list[Any] = [
        {"name": "A", "value": "1"},
        {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
        {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}},
        {"name": "D", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]
    assert fields.environment_variables(env) == [
        {"name": "A", "value": "1"},
        {"name": "B", "secret": {"name": "s", "key": "k"}},
        {"name": "C", "configMap": {"name": "c", "key": "k"}},
        {"name": "D", "podFieldRef": {"path": "metadata.name"}},
    ]


# --------------------------------------------------------------------------- scheduling


@pytest.mark.parametrize(
    ("component", "expected", "refused"),
    [
        ({}, None, []),
        ({"replicas": {"min": 0, "max": 3}}, {"minReplicas": 0, "maxReplicas": 3}, []),
        (
            {"autoscaling": {"metric": "rps", "target": 20}},
            {"metric": "throughput", "metricThreshold": 20},
            [],
        ),
        (
            {
                "replicas": {"min": 1, "max": 2},
                "autoscaling": {"metric": "concurrency", "target": 4},
            },
            {"minReplicas": 1, "maxReplicas": 2, "metric": "concurrency", "metricThreshold": 4},
            [],
        ),
        (
            {"autoscaling": {"metric": "cpu", "target": 80}},
            None,
            [
                "services[0].autoscaling: Run:ai does not scale on cpu; use concurrency or rps "
                "(Run:ai's throughput)"
            ],
        ),
        (
            {
                "autoscaling": {
                    "prometheus": {"query": "up", "threshold": "1", "server": "http://p"}
                }
            },
            None,
            [
                "services[0].autoscaling: Run:ai scales on its own metrics, "
                "not on Prometheus queries"
            ],
        ),
    ],
)
def test_autoscaling(component: dict[str, Any], expected: Any, refused: list[str]) -> None:
    refusals = _refusals()
    assert fields.autoscaling(Component.model_validate(component), refusals) == expected
    assert _messages(refusals) == refused


def test_a_node_selector_is_one_term_of_every_label_in_order() -> None:
    assert fields.node_affinity({"b": "2", "a": "1"}) == {
        "nodeSelectorTerms": [
            {
                "matchExpressions": [
                    {"key": "a", "operator": "In", "values": ["1"]},
                    {"key": "b", "operator": "In", "values": ["2"]},
                ]
            }
        ]
    }


_TOLERATIONS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "key": st.sampled_from(["nvidia.com/gpu", "NVIDIA.com/GPU", "pool", "--", "a.b"]),
            "tolerationSeconds": st.integers(min_value=0, max_value=600),
        },
    ),
    max_size=8,
)


@given(_TOLERATIONS)
def test_tolerations_get_distinct_names_and_keep_their_fields(tolerations: list[Any]) -> None:
    converted = fields.tolerations(tolerations)
    names = [item["name"] for item in converted]
    assert len(set(names)) == len(names)
    assert all(name and name == name.lower() for name in names)
    for before, after in zip(tolerations, converted, strict=True):
        assert after.get("seconds") == before.get("tolerationSeconds")
        assert after.get("key") == before.get("key")


@pytest.mark.parametrize(
    ("gpu_types", "resources", "placement", "refused"),
    [
        (None, {"gpu": {"count": 1, "type": "a100"}}, {"nodeType": "a100"}, []),
        ({}, {"gpu": {"count": 1}}, {}, []),
        (
            {"a100": {"name": "a100", "nodePools": ["p1", "p2"], "nodeType": "t"}},
            {"gpu": {"count": 1, "type": "a100"}},
            {"nodePools": ["p1", "p2"], "nodeType": "t"},
            [],
        ),
        (
            {"a100": {"name": "a100", "nodePools": ["p1"]}},
            {"gpu": {"count": 1, "type": "a10"}},
            {},
            ["services[0].resources: GPU type 'a10' is not one of the platform's gpuTypes"],
        ),
    ],
)
def test_place(
    gpu_types: dict[str, Any] | None,
    resources: dict[str, Any],
    placement: dict[str, Any],
    refused: list[str],
) -> None:
    types = (
        None
        if gpu_types is None
        else {name: GpuType.model_validate(value) for name, value in gpu_types.items()}
    )
    spec: dict[str, Any] = {}
    refusals = _refusals()
    fields.place(spec, Component.model_validate({"resources": resources}), types, refusals)  # type: ignore[arg-type]
    assert spec == placement
    assert _messages(refusals) == refused
