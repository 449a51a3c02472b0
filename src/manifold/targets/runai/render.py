"""A project instance -> one Run:ai `InferenceCreationRequest` per service.

Run:ai runs one container per replica and knows nothing of models or serving runtimes. The
container is the service's runtime (an inline runtime, or the engine of a runtime the project
or the platform file defines) with the service's own fields over it: image and command
replace the runtime's, args follow the runtime's, env merges by name, resources field by
field. It is turned into Kubernetes' container and pod shapes by the helpers every target
uses, then into Run:ai's. The model reaches the container as `MODEL_PATH`: a Hugging Face
repository id, a `pvc://` claim mounted read-only at /mnt/models, or an object store URI the
server reads itself.

`request` gives the request and what Run:ai cannot express in the service; the checks
report the latter, so `render` only runs on services that have none.
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from typing import Any, cast

from pydantic.alias_generators import to_camel

from manifold.compile.catalog import Catalog, find_model, find_serving_runtime
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.core.modelcheck import did_you_mean
from manifold.models.common import Resources
from manifold.models.env import EnvVar
from manifold.models.platform import GpuType
from manifold.models.project import InlineRuntime, Model, Service
from manifold.models.workload import Component, ContainerPort
from manifold.targets import kubernetes as k8s
from manifold.targets.defaults import below_runtime, own_resources
from manifold.targets.runai import kinds
from manifold.targets.runai.form import FORM, PLATFORM
from manifold.targets.runai.options import Options
from manifold.targets.runai.settings import RunaiSettings

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
UNSUPPORTED = {
    "livenessProbe": "Run:ai checks readiness only; it has no liveness probe",
    "startupProbe": "Run:ai checks readiness only; it has no startup probe",
    "securityContext": "manifold does not translate security contexts to Run:ai's yet",
    "affinity": "Run:ai takes node selectors, not affinity (use nodeSelector)",
    "serviceAccountName": "Run:ai runs workloads under its own service account",
    "schedulerName": "Run:ai schedules its workloads itself",
    "hostNetwork": "Run:ai inference workloads cannot use the host's network",
    "hostIPC": "Run:ai inference workloads cannot use the host's IPC",
    "dnsPolicy": "Run:ai sets the DNS policy of its workloads",
    "enableServiceLinks": "Run:ai sets the service links of its workloads",
}
"""Container and pod fields Run:ai has no place for, with why."""
_NEEDS_QUOTES = re.compile(r"[\s'\"\\]")
_COMPONENT_FIELDS = frozenset(Component.model_fields)


def settings_of(instance: ProjectInstance) -> RunaiSettings | None:
    return instance.environment.settings(PLATFORM, RunaiSettings)


def render(instance: ProjectInstance, catalog: Catalog) -> list[Manifest]:
    manifests = []
    for index, service in enumerate(instance.spec.services):
        body, problems = request(instance, catalog, index, service)
        assert body is not None and not problems, "refused by the checks"
        origin = ("services", index)
        level = settings.api_level if (settings := settings_of(instance)) else None
        manifests.append(
            Manifest(
                dict(body),
                False,
                instance.name,
                instance.sources,
                "inference",
                origin,
                schema_variant=level,
                form=FORM,
            )
        )
    return manifests


class _Refusals:
    """Problems of one service, at the service's field when it sets it, else at its runtime
    (the field came from there)."""

    def __init__(self, service: Service, at: JsonPath) -> None:
        self.service = service
        self.at = at
        self.found: list[Problem] = []

    def add(self, field: str, message: str, *, hint: str | None = None) -> None:
        fields = type(self.service).model_fields
        own = {fields[name].alias or to_camel(name) for name in self.service.model_fields_set}
        if field in own or self.service.runtime is None:
            self.found.append(Problem((*self.at, field), message, hint=hint))
        else:
            message = f"{message} (its runtime sets {field})"
            self.found.append(Problem((*self.at, "runtime"), message, hint=hint))


def request(
    instance: ProjectInstance, catalog: Catalog, index: int, service: Service
) -> tuple[kinds.InferenceCreationRequest | None, list[Problem]]:
    """The service's request, and what in it Run:ai cannot express."""
    refusals = _Refusals(service, ("services", index))
    for field, message in (
        ("decoder", "Run:ai serves with one kind of replica: it has no decoder"),
        ("router", "Run:ai balances requests across replicas itself; it has no router"),
        ("adapters", "manifold does not serve fine-tuned adapters on Run:ai"),
    ):
        if getattr(service, field):
            refusals.add(field, message)
    settings = settings_of(instance)
    container = _container(instance, catalog, service, refusals)
    found = find_model(instance, catalog, service.model)
    if settings is None or container is None or found is None:
        return None, refusals.found
    for field in ("leader", "worker"):
        if getattr(container, field):
            refusals.add(
                field, "multi-node inference is Run:ai's distributed-inference API, not this one"
            )
    spec = _spec(container, found.item, settings, refusals)
    _place(spec, container, _gpu_types(instance, catalog), refusals)
    body: kinds.InferenceCreationRequest = {
        "name": service.name,
        "projectId": settings.project_of(instance.name),
        "clusterId": settings.cluster_id,
        "spec": spec,
    }
    if service.runai is not None:
        options = Options(refusals.at, instance.environment.name, settings.api_level)
        options.apply(service.runai, body)
        refusals.found.extend(options.found)
    return body, refusals.found


# --------------------------------------------------------------------------- container


def _container(
    instance: ProjectInstance, catalog: Catalog, service: Service, refusals: _Refusals
) -> Component | None:
    """The service's runtime with the service's own fields over it."""
    runtime = service.runtime
    if runtime is None:
        base = None
    elif isinstance(runtime, InlineRuntime):
        base = _inline(runtime)
    else:
        found = find_serving_runtime(instance, catalog, runtime)
        definition = found.item if found is not None else None
        name = runtime if isinstance(runtime, str) else runtime.ref
        if definition is None:
            refusals.add(
                "runtime",
                f"Run:ai has no runtimes of its own: {name!r} must be a runtime this project "
                "(or the Run:ai platform file) defines, or define the container inline",
            )
            return None
        if getattr(definition, "external", False) or definition.engine is None:
            refusals.add("runtime", f"runtime {name!r} has no engine for Run:ai to run")
            return None
        if definition.decoder is not None or definition.router is not None:
            refusals.add("runtime", f"runtime {name!r} has a decoder or a router; Run:ai has none")
        base = definition.engine
    own = {f: getattr(service, f) for f in service.model_fields_set & _COMPONENT_FIELDS}
    if base is None:
        merged = Component.model_construct(**own)
    else:
        merged = base.model_copy(update={f: v for f, v in own.items() if v is not None})
        merged = merged.model_copy(
            update={
                "args": [*(base.args or []), *(service.args or [])] or None,
                "env": _merged_env(base.env, service.env) or None,
                "resources": _merged_resources(
                    base.resources,
                    below_runtime(
                        service.resources, own_resources(instance, service.name), base.resources
                    ),
                ),
            }
        )
    if merged.image is None:
        refusals.add(
            "image",
            f"service {service.name!r} needs a container image on Run:ai: an inline runtime "
            "(runtime: {image: ..., port: ...}) or image",
        )
        return None
    return merged


def _inline(runtime: InlineRuntime) -> Component:
    fields: dict[str, Any] = {
        "image": runtime.image,
        "command": runtime.command,
        "args": runtime.args,
        "env": runtime.env,
        "resources": runtime.resources,
        "ports": [ContainerPort.model_construct(container_port=runtime.port)]
        if runtime.port
        else None,
    }
    return Component.model_construct(**{k: v for k, v in fields.items() if v is not None})


def _merged_env(runtime: list[EnvVar] | None, service: list[EnvVar] | None) -> list[EnvVar]:
    """The runtime's variables, then the service's: a service variable replaces the
    runtime's of the same name."""
    merged = {variable.name: variable for variable in runtime or ()}
    merged.update((variable.name, variable) for variable in service or ())
    return list(merged.values())


def _merged_resources(runtime: Resources | None, service: Resources | None) -> Resources | None:
    """The service's resources, each missing field taken from the runtime's."""
    if runtime is None or service is None:
        return service or runtime
    given = {f: v for f in service.model_fields_set if (v := getattr(service, f)) is not None}
    return runtime.model_copy(update=given)


def _one_string(words: list[str]) -> str:
    """Run:ai takes a command or its arguments as one string that it splits like a shell.
    Words with blanks, quotes or backslashes (and empty ones) are quoted; `$(VAR)`, which
    Kubernetes expands, stays as it is."""
    return " ".join(
        shlex.quote(word) if _NEEDS_QUOTES.search(word) or not word else word for word in words
    )


# --------------------------------------------------------------------------- spec


def _spec(
    component: Component, model: Model, settings: RunaiSettings, refusals: _Refusals
) -> kinds.InferenceSpec:
    container: k8s.ContainerFields = {}
    k8s.add_container_fields(container, component)
    pod: k8s.PodFields = {}
    k8s.add_pod_fields(pod, component)
    for field, why in UNSUPPORTED.items():
        if field in container or field in pod:
            refusals.add(field, why)
    ports = container.get("ports") or []
    if len(ports) > 1:
        refusals.add("ports", "Run:ai serves one port; give the service one")
    port = ports[0]["containerPort"] if ports else DEFAULT_PORT
    spec: kinds.InferenceSpec = {
        "image": container["image"],
        "servingPort": {"container": port, "protocol": "http"},
    }
    if "imagePullPolicy" in container:
        spec["imagePullPolicy"] = container["imagePullPolicy"]
    if "workingDir" in container:
        spec["workingDir"] = container["workingDir"]
    if container.get("command"):
        spec["command"] = _one_string(container["command"])
    if container.get("args"):
        spec["args"] = _one_string(container["args"])
    variables, model_claim = _model_access(model)
    env = _environment_variables(container.get("env") or [])
    if not any(variable["name"] == MODEL_PATH_VARIABLE for variable in env):
        env.extend(variables)
    spec["environmentVariables"] = env
    if compute := _compute(component.resources, container.get("resources") or {}, refusals):
        spec["compute"] = compute
    if "readinessProbe" in container:
        probe = _probe(container["readinessProbe"], ports, refusals)
        if probe is not None:
            spec["probes"] = {"readiness": probe}
    storage = _storage(container.get("volumeMounts") or [], pod.get("volumes") or [], refusals)
    if model_claim is not None:
        storage.setdefault("pvc", []).insert(0, model_claim)
    if storage:
        spec["storage"] = storage
    if (scaling := _autoscaling(component, refusals)) is not None:
        spec["autoscaling"] = scaling
    if settings.node_pools:
        spec["nodePools"] = list(settings.node_pools)
    if "nodeSelector" in pod:
        spec["nodeAffinityRequired"] = _node_affinity(pod["nodeSelector"])
    if "tolerations" in pod:
        spec["tolerations"] = _tolerations(pod["tolerations"])
    if "priorityClassName" in pod:
        spec["priorityClass"] = pod["priorityClassName"]
    if component.labels:
        spec["labels"] = [{"name": k, "value": v} for k, v in sorted(component.labels.items())]
    if component.annotations:
        annotations = sorted(component.annotations.items())
        spec["annotations"] = [{"name": k, "value": v} for k, v in annotations]
    return spec


def _gpu_types(instance: ProjectInstance, catalog: Catalog) -> dict[str, GpuType] | None:
    """The GPU types the platform file declares, by name; None without a (valid) platform
    file, when manifold cannot know the cluster's node pools and node types."""
    platform = catalog.platform(instance.spec.platform)
    if platform is None or catalog.platform_broken(instance.spec.platform):
        return None
    return {gpu_type.name: gpu_type for gpu_type in platform.spec.gpu_types}


def _place(
    spec: kinds.InferenceSpec,
    component: Component,
    gpu_types: dict[str, GpuType] | None,
    refusals: _Refusals,
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


def _environment_variables(env: list[k8s.EnvVarObject]) -> list[kinds.EnvironmentVariable]:
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


def _model_access(model: Model) -> tuple[list[kinds.EnvironmentVariable], kinds.Pvc | None]:
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


def _compute(
    resources: Resources | None, requirements: k8s.ResourceRequirements, refusals: _Refusals
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


def _probe(
    probe: dict[str, Any], ports: list[k8s.ContainerPort], refusals: _Refusals
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


def _storage(
    mounts: list[k8s.VolumeMount], volumes: list[dict[str, Any]], refusals: _Refusals
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


def _autoscaling(component: Component, refusals: _Refusals) -> kinds.Autoscaling | None:
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


def _node_affinity(selector: dict[str, str]) -> kinds.NodeAffinityRequired:
    """A node selector is one term requiring every label: the same nodes."""
    expressions: list[kinds.MatchExpression] = [
        {"key": key, "operator": "In", "values": [value]} for key, value in sorted(selector.items())
    ]
    return {"nodeSelectorTerms": [{"matchExpressions": expressions}]}


def _tolerations(tolerations: list[k8s.Toleration]) -> list[kinds.Toleration]:
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
