"""Kubernetes' container and pod fields (from `targets.kubernetes`) in Run:ai's shape: where
the replicas run, what they get as environment, compute, probes and storage, and how they
scale. What has no Run:ai form is refused through `Refusals`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from manifold.core.modelcheck import did_you_mean
from manifold.models.common import Resources
from manifold.models.platform import GpuType
from manifold.models.project import Model
from manifold.models.workload import Component
from manifold.targets import kubernetes as k8s
from manifold.targets.runai import kinds
from manifold.targets.runai.refusals import Refusals

DEFAULT_PORT = 8080
DEVICE_RESOURCE = "nvidia.com/gpu"
MODEL_MOUNT = "/mnt/models"
MODEL_PATH_VARIABLE = "MODEL_PATH"
METRICS = {"concurrency": "concurrency", "rps": "throughput"}
"""manifold's autoscaling metrics Run:ai has, by its names for them."""
PASSED_THROUGH = ("s3://", "gs://", "az://")
"""Object stores a serving container can read by itself (vLLM's Run:ai model streamer does)."""
PROBE_TIMINGS = (
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "successThreshold",
    "failureThreshold",
)


def place(
    spec: kinds.InferenceSpec,
    component: Component,
    gpu_types: dict[str, GpuType] | None,
    refusals: Refusals,
) -> None:
    """Where the GPU type the replicas need is: its node pools (they replace the
    environment's) and node type. Without a platform file the type is the node type."""
    gpu = component.resources.gpu if component.resources else None
    if gpu is None or gpu.type is None:
        return
    if gpu_types is None:
        spec["nodeType"] = gpu.type
        return
    gpu_type = gpu_types.get(gpu.type)
    if gpu_type is None:
        own = refusals.service.resources
        if own is None or own.gpu is None or own.gpu.type is None:
            # A type the service names itself is refused by the reference checks.
            known = sorted(gpu_types)
            refusals.add(
                "resources",
                f"GPU type {gpu.type!r} is not one of the platform's gpuTypes",
                hint=did_you_mean(gpu.type, known) or f"the platform has: {', '.join(known)}",
            )
        return
    if gpu_type.node_pools:
        spec["nodePools"] = list(gpu_type.node_pools)
    if gpu_type.node_type is not None:
        spec["nodeType"] = gpu_type.node_type


def environment_variables(env: list[k8s.EnvVarObject]) -> list[kinds.EnvironmentVariable]:
    converted: list[kinds.EnvironmentVariable] = []
    for variable in env:
        item: kinds.EnvironmentVariable = {"name": variable["name"]}
        source = variable.get("valueFrom") or {}
        if "value" in variable:
            item["value"] = variable["value"]
        elif "secretKeyRef" in source:
            item["secret"] = dict(source["secretKeyRef"])  # type: ignore[typeddict-item]
        elif "configMapKeyRef" in source:
            item["configMap"] = dict(source["configMapKeyRef"])  # type: ignore[typeddict-item]
        elif "fieldRef" in source:
            item["podFieldRef"] = {"path": source["fieldRef"]["fieldPath"]}
        converted.append(item)
    return converted


def model_access(model: Model) -> tuple[list[kinds.EnvironmentVariable], kinds.Pvc | None]:
    """MODEL_PATH for the serving container, and the claim to mount when there is one."""
    scheme, _, location = model.source.partition("://")
    if scheme == "pvc":
        claim, _, subpath = location.partition("/")
        path = f"{MODEL_MOUNT}/{subpath}".rstrip("/")
        pvc: kinds.Pvc = {
            "name": "model",
            "claimName": claim,
            "existingPvc": True,
            "readOnly": True,
            "path": MODEL_MOUNT,
        }
        return [{"name": MODEL_PATH_VARIABLE, "value": path}], pvc
    value = location if scheme == "hf" else model.source
    return [{"name": MODEL_PATH_VARIABLE, "value": value}], None


# --------------------------------------------------------------------------- compute


def _cores(quantity: Any) -> float | int:
    """A CPU quantity (2, 1.5, 500m) as cores."""
    text = str(quantity)
    number = Decimal(text[:-1]) / 1000 if text.endswith("m") else Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def compute(
    resources: Resources | None, requirements: k8s.ResourceRequirements, refusals: Refusals
) -> kinds.Compute:
    """GPUs from `gpu`; CPU and memory from Kubernetes' requests and limits (so limits equal
    requests unless given, as everywhere in manifold)."""
    compute: dict[str, Any] = {}
    gpu = resources.gpu if resources else None
    if gpu is not None:
        if gpu.resource != DEVICE_RESOURCE:
            refusals.add(
                "resources",
                f"Run:ai schedules {DEVICE_RESOURCE} devices itself; it cannot request "
                f"{gpu.resource}",
            )
        compute["gpuDevicesRequest"] = gpu.count
        if gpu.portion is not None:
            compute.update(gpuRequestType="portion", gpuPortionRequest=gpu.portion)
        elif gpu.memory is not None:
            compute.update(gpuRequestType="memory", gpuMemoryRequest=gpu.memory)
    sides = (
        (requirements.get("requests") or {}, "Request"),
        (requirements.get("limits") or {}, "Limit"),
    )
    others: set[str] = set()
    for quantities, suffix in sides:
        for name, quantity in quantities.items():
            if name == "cpu":
                compute[f"cpuCore{suffix}"] = _cores(quantity)
            elif name == "memory":
                compute[f"cpuMemory{suffix}"] = str(quantity)
            elif gpu is None or name != gpu.resource:
                others.add(name)
    for name in sorted(others):
        refusals.add(
            "resources", f"Run:ai requests cpu, memory and GPUs (gpu: {{count: ...}}), not {name}"
        )
    return cast(kinds.Compute, compute)


# --------------------------------------------------------------------------- probes, storage


def probe(
    probe: dict[str, Any], ports: list[k8s.ContainerPort], refusals: Refusals
) -> kinds.Probe | None:
    """Kubernetes' readiness probe in Run:ai's shape: an HTTP GET and its timings."""
    extra = sorted(set(probe) - {"httpGet", *PROBE_TIMINGS})
    get = probe.get("httpGet")
    if not isinstance(get, dict) or extra:
        what = ", ".join(extra) or "no httpGet"
        refusals.add(
            "readinessProbe", f"Run:ai probes readiness with an HTTP GET and timings only ({what})"
        )
        return None
    port = get.get("port", ports[0]["containerPort"] if ports else DEFAULT_PORT)
    if isinstance(port, str):
        named = [p["containerPort"] for p in ports if p.get("name") == port]
        if not named:
            refusals.add("readinessProbe", f"the probe's port {port!r} names no container port")
            return None
        port = named[0]
    unsupported = sorted(set(get) - {"path", "port", "host", "scheme"})
    if unsupported:
        refusals.add("readinessProbe", f"Run:ai's HTTP probe has no {', '.join(unsupported)}")
    handler = {**{k: get[k] for k in ("path", "host", "scheme") if k in get}, "port": port}
    timings = {key: probe[key] for key in PROBE_TIMINGS if key in probe}
    return cast(kinds.Probe, {"handler": {"httpGet": handler}, **timings})


def storage(
    mounts: list[k8s.VolumeMount], volumes: list[dict[str, Any]], refusals: Refusals
) -> kinds.Storage:
    """Kubernetes volumes, where they are mounted, as Run:ai's storage items."""
    by_name = {volume["name"]: volume for volume in volumes}
    storage: dict[str, list[dict[str, Any]]] = {}
    for mount in mounts:
        volume = by_name.pop(mount["name"], None)
        if volume is None:
            refusals.add("volumeMounts", f"volume {mount['name']!r} is mounted but not defined")
            continue
        item = _storage_item(volume, mount)
        if item is None:
            kinds_of = ", ".join(sorted(set(volume) - {"name"})) or "no source"
            refusals.add(
                "volumes",
                f"volume {mount['name']!r} ({kinds_of}): Run:ai mounts persistentVolumeClaim, "
                "configMap, secret, emptyDir, hostPath and nfs volumes",
            )
            continue
        if "subPath" in mount and item[0] != "configMapVolume":
            refusals.add("volumeMounts", f"Run:ai mounts volume {mount['name']!r} whole (subPath)")
        storage.setdefault(item[0], []).append(item[1])
    for name in by_name:
        refusals.add("volumes", f"volume {name!r} is not mounted; Run:ai mounts what it is given")
    return cast(kinds.Storage, storage)


def _storage_item(
    volume: dict[str, Any], mount: k8s.VolumeMount
) -> tuple[str, dict[str, Any]] | None:
    name, path = volume["name"], mount["mountPath"]
    read_only = {"readOnly": mount["readOnly"]} if "readOnly" in mount else {}
    if "persistentVolumeClaim" in volume:
        claim = volume["persistentVolumeClaim"]
        read_only = read_only or ({"readOnly": True} if claim.get("readOnly") else {})
        pvc = {"name": name, "claimName": claim.get("claimName"), "existingPvc": True}
        return "pvc", {**pvc, "path": path, **read_only}
    if "configMap" in volume:
        sub = {"subPath": mount["subPath"]} if "subPath" in mount else {}
        item = {"name": name, "configMap": volume["configMap"].get("name"), "mountPath": path}
        return "configMapVolume", {**item, **sub}
    if "secret" in volume:
        item = {"name": name, "secret": volume["secret"].get("secretName"), "mountPath": path}
        return "secretVolume", item
    if "emptyDir" in volume:
        options = {
            k: v for k, v in (volume["emptyDir"] or {}).items() if k in ("medium", "sizeLimit")
        }
        return "emptyDirVolume", {"name": name, "path": path, **options}
    if "hostPath" in volume:
        return "hostPath", {
            "name": name,
            "path": volume["hostPath"].get("path"),
            "mountPath": path,
            **read_only,
        }
    if "nfs" in volume:
        nfs = volume["nfs"]
        item = {
            "name": name,
            "server": nfs.get("server"),
            "path": nfs.get("path"),
            "mountPath": path,
        }
        return "nfs", {**item, **read_only}
    return None


# --------------------------------------------------------------------------- scheduling


def autoscaling(component: Component, refusals: Refusals) -> kinds.Autoscaling | None:
    scaling: kinds.Autoscaling = {}
    if component.replicas is not None:
        scaling["minReplicas"] = component.replicas.min
        scaling["maxReplicas"] = component.replicas.max
    autoscaling = component.autoscaling
    if autoscaling is not None and autoscaling.prometheus is not None:
        refusals.add("autoscaling", "Run:ai scales on its own metrics, not on Prometheus queries")
    elif autoscaling is not None and autoscaling.metric is not None:
        metric = METRICS.get(autoscaling.metric)
        if metric is None:
            refusals.add(
                "autoscaling",
                f"Run:ai does not scale on {autoscaling.metric}; use concurrency or rps "
                "(Run:ai's throughput)",
            )
        else:
            scaling["metric"] = metric
            if autoscaling.target is not None:
                scaling["metricThreshold"] = autoscaling.target
    return scaling or None


def node_affinity(selector: dict[str, str]) -> kinds.NodeAffinityRequired:
    """A node selector is one term requiring every label: the same nodes."""
    expressions: list[kinds.MatchExpression] = [
        {"key": key, "operator": "In", "values": [value]} for key, value in sorted(selector.items())
    ]
    return {"nodeSelectorTerms": [{"matchExpressions": expressions}]}


def tolerations(tolerations: list[k8s.Toleration]) -> list[kinds.Toleration]:
    """Kubernetes tolerations, each named (Run:ai's policies refer to them by name) after
    its key, with `tolerationSeconds` called `seconds`."""
    converted = []
    used: dict[str, int] = {}
    for toleration in tolerations:
        key = toleration.get("key") or "any"
        base = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "any"
        used[base] = used.get(base, 0) + 1
        item: dict[str, object] = {"name": base if used[base] == 1 else f"{base}-{used[base]}"}
        for field, value in toleration.items():
            item["seconds" if field == "tolerationSeconds" else field] = value
        converted.append(cast(kinds.Toleration, item))
    return converted
