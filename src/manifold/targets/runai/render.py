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
from collections.abc import Sequence

from manifold.compile.catalog import Catalog, find_model
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.manifest import Manifest
from manifold.models.platform import GpuType
from manifold.models.project import Model, Service
from manifold.models.workload import Component
from manifold.targets import kubernetes as k8s
from manifold.targets.runai import fields, kinds
from manifold.targets.runai.container import container as service_container
from manifold.targets.runai.fields import DEFAULT_PORT, MODEL_PATH_VARIABLE
from manifold.targets.runai.form import FORM, PLATFORM
from manifold.targets.runai.option_models import options_of
from manifold.targets.runai.options import Options
from manifold.targets.runai.refusals import Refusals
from manifold.targets.runai.settings import RunaiSettings

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
    requests = [request(instance, catalog, i, s) for i, s in enumerate(instance.spec.services)]
    assert not any(problems for _, problems in requests), "refused by the checks"
    return rendered(instance, [body for body, _ in requests])


def rendered(
    instance: ProjectInstance, bodies: Sequence[kinds.InferenceCreationRequest | None]
) -> list[Manifest]:
    """The services' requests (`request`, one per service, in order) as manifests."""
    manifests = []
    for index, body in enumerate(bodies):
        assert body is not None, "refused by the checks"
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


def request(
    instance: ProjectInstance, catalog: Catalog, index: int, service: Service
) -> tuple[kinds.InferenceCreationRequest | None, list[Problem]]:
    """The service's request, and what in it Run:ai cannot express."""
    refusals = Refusals(service, ("services", index))
    for field, message in (
        ("decoder", "Run:ai serves with one kind of replica: it has no decoder"),
        ("router", "Run:ai balances requests across replicas itself; it has no router"),
        ("adapters", "manifold does not serve fine-tuned adapters on Run:ai"),
        ("metadata", "a service's object labels and annotations are OME's (its InferenceService)"),
    ):
        if getattr(service, field):
            refusals.add(field, message)
    settings = settings_of(instance)
    container = service_container(instance, catalog, service, refusals)
    found = find_model(instance, catalog, service.model)
    if settings is None or container is None or found is None:
        return None, refusals.found
    for field in ("leader", "worker"):
        if getattr(container, field):
            refusals.add(
                field, "multi-node inference is Run:ai's distributed-inference API, not this one"
            )
    spec = _spec(container, found.item, settings, refusals)
    fields.place(spec, container, _gpu_types(instance, catalog), refusals)
    body: kinds.InferenceCreationRequest = {
        "name": service.name,
        "projectId": settings.project_of(instance.name),
        "clusterId": settings.cluster_id,
        "spec": spec,
    }
    if (given := options_of(service)) is not None:
        options = Options(refusals.at, instance.environment.name, settings.api_level)
        options.apply(given, body)
        refusals.found.extend(options.found)
    return body, refusals.found


def _one_string(words: list[str]) -> str:
    """Run:ai takes a command or its arguments as one string that it splits like a shell.
    Words with blanks, quotes or backslashes (and empty ones) are quoted; `$(VAR)`, which
    Kubernetes expands, stays as it is."""
    return " ".join(
        shlex.quote(word) if _NEEDS_QUOTES.search(word) or not word else word for word in words
    )


# --------------------------------------------------------------------------- spec


def _spec(
    component: Component, model: Model, settings: RunaiSettings, refusals: Refusals
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
    variables, model_claim = fields.model_access(model)
    env = fields.environment_variables(container.get("env") or [])
    if not any(variable["name"] == MODEL_PATH_VARIABLE for variable in env):
        env.extend(variables)
    spec["environmentVariables"] = env
    if compute := fields.compute(component.resources, container.get("resources") or {}, refusals):
        spec["compute"] = compute
    if "readinessProbe" in container:
        probe = fields.probe(container["readinessProbe"], ports, refusals)
        if probe is not None:
            spec["probes"] = {"readiness": probe}
    storage = fields.storage(
        container.get("volumeMounts") or [], pod.get("volumes") or [], refusals
    )
    if model_claim is not None:
        storage.setdefault("pvc", []).insert(0, model_claim)
    if storage:
        spec["storage"] = storage
    if (scaling := fields.autoscaling(component, refusals)) is not None:
        spec["autoscaling"] = scaling
    if settings.node_pools:
        spec["nodePools"] = list(settings.node_pools)
    if "nodeSelector" in pod:
        spec["nodeAffinityRequired"] = fields.node_affinity(pod["nodeSelector"])
    if "tolerations" in pod:
        spec["tolerations"] = fields.tolerations(pod["tolerations"])
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
