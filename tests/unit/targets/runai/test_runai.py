"""The Run:ai target: one InferenceCreationRequest per service, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.compile.finalize import finalize
from manifold.compile.instances import ProjectInstance
from manifold.targets.registry import get_target
from tests.unit.helpers import lone_catalog
from tests.unit.targets.runai import inputs
from tests.unit.targets.runai.inputs import MODEL

TARGET = get_target("runai")
SETTINGS = inputs.SETTINGS + '    projectIds: {other: "99"}\n'


def _instance(spec: str, settings: str = SETTINGS) -> ProjectInstance:
    return inputs.instance(spec, settings)


_catalog = lone_catalog


def _specs(spec: str) -> dict[str, dict[str, Any]]:
    instance = _instance(spec)
    catalog = _catalog(instance)
    problems, manifests = TARGET.compile(instance, catalog)
    assert [p.message for p in problems] == [] and manifests is not None
    return {m.name: m.body["spec"] for m in manifests}


def _problems(spec: str, settings: str = SETTINGS) -> list[str]:
    instance = _instance(spec, settings)
    problems = TARGET.compile(instance, _catalog(instance))[0]
    return [f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems]


def _service(fields: str) -> dict[str, Any]:
    return _specs(f"{MODEL}\nservices: [{{name: s, model: m, image: i, {fields}}}]")["s"]


def test_request_envelope_from_the_environment() -> None:
    instance = _instance(f"{MODEL}\nservices: [{{name: s, model: m, image: i}}]")
    (manifest,) = TARGET.compile(instance, _catalog(instance))[1] or []
    assert manifest.form is not None and manifest.kind == "InferenceCreationRequest"
    assert {k: v for k, v in manifest.body.items() if k != "spec"} == {
        "name": "s",
        "projectId": "12",
        "clusterId": "3f1c9a6e-0b7d-4c52-9e8a-5d2f1b4c7a90",
    }
    assert manifest.body["spec"]["servingPort"] == {"container": 8080, "protocol": "http"}
    (final,) = finalize([manifest], instance)
    assert final.labels["app.kubernetes.io/managed-by"] == "manifold"
    assert final.identity[2] == "cluster 3f1c9a6e-0b7d-4c52-9e8a-5d2f1b4c7a90, project 12"


@pytest.mark.parametrize(
    ("gpu", "compute"),
    [
        ("{count: 2}", {"gpuDevicesRequest": 2}),
        (
            "{count: 1, portion: 0.25}",
            {"gpuDevicesRequest": 1, "gpuRequestType": "portion", "gpuPortionRequest": 0.25},
        ),
        (
            "{count: 1, memory: 20Gi}",
            {"gpuDevicesRequest": 1, "gpuRequestType": "memory", "gpuMemoryRequest": "20Gi"},
        ),
    ],
)
def test_gpus(gpu: str, compute: dict[str, Any]) -> None:
    assert _service(f"resources: {{gpu: {gpu}}}")["compute"] == compute


def test_cpu_in_cores_and_limits_equal_to_requests_unless_given() -> None:
    compute = _service("resources: {cpu: 1500m, memory: 4Gi, limits: {memory: 6Gi}}")["compute"]
    assert compute == {
        "cpuCoreRequest": 1.5,
        "cpuCoreLimit": 1.5,
        "cpuMemoryRequest": "4Gi",
        "cpuMemoryLimit": "6Gi",
    }
    assert _service("resources: {requests: {cpu: 2}}")["compute"] == {"cpuCoreRequest": 2}


def test_the_service_overrides_its_inline_runtime() -> None:
    spec = _specs(
        f"""
{MODEL}
services:
- name: s
  model: m
  runtime:
    image: base
    command: [python3, -m, server]
    args: [--model, $(MODEL_PATH), --name, "my model"]
    env: [{{name: A, value: "1"}}, {{name: B, value: "2"}}]
    resources: {{cpu: "2", memory: 8Gi}}
    port: 9000
  image: patched
  args: [--extra]
  env: [{{name: B, value: "3"}}, {{name: MODEL_PATH, value: /custom}}]
  resources: {{cpu: "4"}}
  readinessProbe: {{httpGet: {{path: /ready}}, timeoutSeconds: 3}}
"""
    )["s"]
    assert spec["image"] == "patched"
    assert spec["command"] == "python3 -m server"
    assert spec["args"] == "--model $(MODEL_PATH) --name 'my model' --extra"
    assert spec["environmentVariables"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "3"},
        {"name": "MODEL_PATH", "value": "/custom"},
    ]
    assert spec["compute"]["cpuCoreRequest"] == 4
    assert spec["compute"]["cpuMemoryRequest"] == "8Gi"
    assert spec["servingPort"]["container"] == 9000
    assert spec["probes"] == {
        "readiness": {"handler": {"httpGet": {"path": "/ready", "port": 9000}}, "timeoutSeconds": 3}
    }


def test_a_runtime_of_the_project_is_the_container() -> None:
    spec = _specs(
        f"""
{MODEL}
runtimes:
- name: vllm
  supports: [{{format: {{name: safetensors}}, framework: {{name: transformers}}}}]
  engine:
    image: vllm/vllm-openai
    args: [--model=$(MODEL_PATH)]
    ports: [{{containerPort: 8000, name: http}}]
    readinessProbe: {{httpGet: {{path: /health, port: http}}}}
services:
- {{name: s, model: m, runtime: vllm, args: [--max-model-len=4096]}}
"""
    )["s"]
    assert (spec["image"], spec["args"]) == (
        "vllm/vllm-openai",
        "--model=$(MODEL_PATH) --max-model-len=4096",
    )
    assert spec["servingPort"]["container"] == 8000
    assert spec["probes"]["readiness"]["handler"]["httpGet"] == {"path": "/health", "port": 8000}


def test_volumes_become_storage() -> None:
    spec = _service(
        """volumes: [
          {name: a, persistentVolumeClaim: {claimName: data, readOnly: true}},
          {name: b, secret: {secretName: keys}},
          {name: c, hostPath: {path: /raid}},
          {name: d, nfs: {server: nas, path: /export}}],
        volumeMounts: [
          {name: a, mountPath: /data}, {name: b, mountPath: /keys},
          {name: c, mountPath: /raid, readOnly: false}, {name: d, mountPath: /nfs}]"""
    )
    assert spec["storage"] == {
        "pvc": [
            {
                "name": "a",
                "claimName": "data",
                "existingPvc": True,
                "path": "/data",
                "readOnly": True,
            }
        ],
        "secretVolume": [{"name": "b", "secret": "keys", "mountPath": "/keys"}],
        "hostPath": [{"name": "c", "path": "/raid", "mountPath": "/raid", "readOnly": False}],
        "nfs": [{"name": "d", "server": "nas", "path": "/export", "mountPath": "/nfs"}],
    }


def test_scheduling() -> None:
    spec = _service(
        """replicas: {min: 0, max: 4}, autoscaling: {metric: rps, target: 30},
        nodeSelector: {b: "2", a: "1"}, priorityClassName: high,
        tolerations: [
          {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule},
          {key: nvidia.com/gpu, operator: Exists, effect: NoExecute, tolerationSeconds: 5},
          {operator: Exists}]"""
    )
    assert spec["autoscaling"] == {
        "minReplicas": 0,
        "maxReplicas": 4,
        "metric": "throughput",
        "metricThreshold": 30,
    }
    assert spec["nodeAffinityRequired"]["nodeSelectorTerms"] == [
        {
            "matchExpressions": [
                {"key": "a", "operator": "In", "values": ["1"]},
                {"key": "b", "operator": "In", "values": ["2"]},
            ]
        }
    ]
    assert spec["priorityClass"] == "high"
    assert [t["name"] for t in spec["tolerations"]] == ["nvidia-com-gpu", "nvidia-com-gpu-2", "any"]
    assert spec["tolerations"][1]["seconds"] == 5


GPU_TYPES = """
gpuTypes:
- {name: a100, nodePools: [a100, a100-spot]}
- {name: l4, nodeType: l4-nodes}
- {name: h100, nodePools: [h100], nodeType: sxm}
"""


def _with_gpu_types(instance: ProjectInstance) -> Catalog:
    return inputs.with_platform(instance, GPU_TYPES)


@pytest.mark.parametrize(
    ("gpu", "catalog", "placement"),
    [
        ("{count: 1}", _with_gpu_types, {"nodePools": ["default"]}),
        ("{count: 1, type: a100}", _with_gpu_types, {"nodePools": ["a100", "a100-spot"]}),
        (
            "{count: 1, type: l4}",
            _with_gpu_types,
            {"nodePools": ["default"], "nodeType": "l4-nodes"},
        ),
        ("{count: 1, type: h100}", _with_gpu_types, {"nodePools": ["h100"], "nodeType": "sxm"}),
        # Without a platform file manifold cannot know the GPU types: the name is the node type.
        ("{count: 1, type: a100}", lone_catalog, {"nodePools": ["default"], "nodeType": "a100"}),
    ],
)
def test_a_gpu_type_places_the_workload(gpu: str, catalog: Any, placement: dict[str, Any]) -> None:
    instance = _instance(
        f"{MODEL}\nservices: [{{name: s, model: m, image: i, resources: {{gpu: {gpu}}}}}]",
        SETTINGS + "    nodePools: [default]\n",
    )
    (manifest,) = TARGET.compile(instance, catalog(instance))[1] or []
    spec = manifest.body["spec"]
    assert {k: spec[k] for k in ("nodePools", "nodeType") if k in spec} == placement


def test_a_gpu_type_a_runtime_sets_must_be_declared() -> None:
    instance = _instance(
        f"""{MODEL}
runtimes: [{{name: r, supports: [{{format: {{name: safetensors, version: "1"}},
  framework: {{name: transformers, version: "4"}}}}], engine: {{image: i,
  resources: {{gpu: {{count: 1, type: b200}}}}}}}}]
services: [{{name: s, model: m, runtime: r}}]"""
    )
    problems = list(TARGET.compile(instance, _with_gpu_types(instance))[0])
    assert [(".".join(map(str, p.path)), p.message, p.hint) for p in problems] == [
        (
            "services.0.runtime",
            "GPU type 'b200' is not one of the platform's gpuTypes (its runtime sets resources)",
            "the platform has: a100, h100, l4",
        )
    ]


def test_refusals_point_at_the_runtime_when_it_sets_the_field() -> None:
    problems = _problems(
        f"""
{MODEL}
services:
- name: s
  model: m
  runtime: {{image: i, resources: {{ephemeralStorage: 1Gi}}}}
"""
    )
    assert problems == [
        "services.0.runtime: Run:ai requests cpu, memory and GPUs (gpu: {count: ...}), not "
        "ephemeral-storage (its runtime sets resources)"
    ]
