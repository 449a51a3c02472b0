"""Run:ai's rule: an inference workload runs the request's `spec` as one container.

The REST API (v2.22, `InferenceCreationRequest`) has no runtime or template to merge: the
pod is what `spec` says. Its words are translated back to Kubernetes' here: `compute`'s
`cpuCoreRequest` / `cpuMemoryRequest` (and limits) are requests and limits of `cpu` and
`memory`, `gpuDevicesRequest` is the `nvidia.com/gpu` count (a fraction when
`gpuPortionRequest` is set), `nodeAffinityRequired` terms of one `In` value are node
selector labels, and `autoscaling` (else `replicas`) gives the replicas. What only Run:ai
has (`preemptibility`, `migProfile`, `templateId`) shows under Run:ai's own names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manifold.compile.provenance import Named
from manifold.core.jsonpath import JsonPath
from manifold.targets.effective import (
    EffectiveWorkload,
    Fields,
    InputHint,
    InputPath,
    Objects,
    PodRole,
    RenderedObject,
    Source,
    Value,
)

PLATFORM = "runai"
_COMPUTE = {
    "cpuCoreRequest": ("requests.cpu", ("resources", "cpu")),
    "cpuCoreLimit": ("limits.cpu", ("resources", "cpu")),
    "cpuMemoryRequest": ("requests.memory", ("resources", "memory")),
    "cpuMemoryLimit": ("limits.memory", ("resources", "memory")),
    "gpuDevicesRequest": ("limits.nvidia.com/gpu", ("resources", "gpu", "count")),
}


def workloads(objects: Objects) -> list[EffectiveWorkload]:
    found: list[EffectiveWorkload] = []
    for obj in objects.items:
        parts = obj.file.split("/")
        if len(parts) == 4 and parts[1] == "_runai" and obj.file.endswith(".json"):
            found.append(_inference(obj, objects.environment))
    return found


def _inference(obj: RenderedObject, environment: str) -> EffectiveWorkload:
    spec: dict[str, Any] = obj.body.get("spec") or {}
    service: InputPath = ("services", Named(obj.name))

    def source(path: JsonPath, input_path: InputPath) -> Source:
        return Source(f"InferenceWorkload/{obj.name}", path, InputHint(obj.project, input_path))

    fields = _container(spec, source, service)
    fields.update(_placement(spec, source, service))
    fields.update(_replicas(spec, source, service))
    if "templateId" in obj.body:
        hint = (*service, "runai", "templateId")
        fields["templateId"] = Value(obj.body["templateId"], source(("templateId",), hint))
    return EffectiveWorkload(
        PLATFORM,
        environment,
        obj.project,
        "service",
        obj.name,
        f"InferenceWorkload/{obj.name}",
        (PodRole("inference", dict(sorted(fields.items()))),),
    )


Sourcer = Callable[[JsonPath, InputPath], Source]


def _container(spec: dict[str, Any], source: Sourcer, service: InputPath) -> Fields:
    fields: Fields = {}
    for key in ("image", "command", "args"):
        if spec.get(key):
            fields[key] = Value(spec[key], source(("spec", key), (*service, key)))
    for index, variable in enumerate(spec.get("environmentVariables") or []):
        name = str(variable.get("name"))
        value = variable.get("value", {k: v for k, v in variable.items() if k != "name"})
        at: JsonPath = ("spec", "environmentVariables", index)
        fields[f"env.{name}"] = Value(value, source(at, (*service, "env", Named(name))))
    compute = spec.get("compute") or {}
    for key, (name, input_path) in _COMPUTE.items():
        if key in compute:
            fields[name] = Value(
                compute[key], source(("spec", "compute", key), (*service, *input_path))
            )
    if "gpuPortionRequest" in compute:
        portion = compute["gpuPortionRequest"] * compute.get("gpuDevicesRequest", 1)
        hint = (*service, "resources", "gpu", "portion")
        where = source(("spec", "compute", "gpuPortionRequest"), hint)
        fields["limits.nvidia.com/gpu"] = Value(portion, where)
    return fields


def _placement(spec: dict[str, Any], source: Sourcer, service: InputPath) -> Fields:
    fields: Fields = {}
    affinity = spec.get("nodeAffinityRequired") or {}
    terms = affinity.get("nodeSelectorTerms") or []
    if len(terms) == 1:
        for index, expression in enumerate(terms[0].get("matchExpressions") or []):
            values = expression.get("values") or []
            if expression.get("operator") == "In" and len(values) == 1:
                at = (
                    "spec",
                    "nodeAffinityRequired",
                    "nodeSelectorTerms",
                    0,
                    "matchExpressions",
                    index,
                )
                key = str(expression["key"])
                hint = (*service, "nodeSelector", key)
                fields[f"nodeSelector.{key}"] = Value(values[0], source(at, hint))
    if spec.get("tolerations"):
        tolerations = [{k: v for k, v in t.items() if k != "name"} for t in spec["tolerations"]]
        fields["tolerations"] = Value(
            tolerations, source(("spec", "tolerations"), (*service, "tolerations"))
        )
    if spec.get("nodePools"):
        fields["nodePools"] = Value(spec["nodePools"], source(("spec", "nodePools"), ()))
    # Run:ai's own scheduling words (API 2.24's preemptibility, 2.22's MIG slice) have no
    # Kubernetes name: they show as Run:ai calls them.
    options: InputPath = (*service, "runai")
    if "preemptibility" in spec:
        where = source(("spec", "preemptibility"), (*options, "preemptibility"))
        fields["preemptibility"] = Value(spec["preemptibility"], where)
    compute = spec.get("compute") or {}
    if "migProfile" in compute:
        where = source(("spec", "compute", "migProfile"), (*options, "migProfile"))
        fields["migProfile"] = Value(compute["migProfile"], where)
    return fields


def _replicas(spec: dict[str, Any], source: Sourcer, service: InputPath) -> Fields:
    scaling = spec.get("autoscaling") or {}
    fields: Fields = {}
    for key, name in (("minReplicas", "replicas.min"), ("maxReplicas", "replicas.max")):
        if key in scaling:
            at = ("spec", "autoscaling", key)
            fields[name] = Value(scaling[key], source(at, (*service, "replicas", name[9:])))
        elif "replicas" in spec:
            fields[name] = Value(
                spec["replicas"], source(("spec", "replicas"), (*service, "replicas"))
            )
        else:
            fields[name] = Value(1, Source("default of Run:ai"))
    return fields
