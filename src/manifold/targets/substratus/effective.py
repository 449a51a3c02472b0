"""Substratus's rule: a Server, Notebook or (training) Model is one container.

At API level v0.10 (upstream 7352fb0) the controller runs each of these kinds as a single
container made from the object's own `image` (or the one its `build` made), `command`, `env`
and `resources` (whole CPUs; memory and disk in gibibytes; GPUs by count and type), as its
CRDs define them: server_controller.go:150-155, notebook_controller.go:360-373,
model_controller.go:330-336. Nothing is merged from another object: the Model and Dataset it
names are mounted as files once ready, never read into the container. So the effective
workload is the object read as one pod, plus what the controller itself adds (`controller`):
the resources it or the CRD defaults, and a notebook's default command and NOTEBOOK_TOKEN.
On GCP it also adds a node selector and a spot toleration for a GPU's type, which are left
out here (`gpuType` stands for them). API levels before v0.10 (v0.3, v0.4.0) name no image:
the controller picks one, which this model says it cannot know, and their defaults are not
the ones read here.
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
from manifold.targets.substratus import controller

PLATFORM = "substratus"
_WORKLOADS = {"server": "service", "training": "fine-tune", "notebook": "notebook"}
_LISTS = {"service": "services", "fine-tune": "fineTunes", "notebook": "notebooks"}
_ROLES = {"service": "server", "fine-tune": "trainer", "notebook": "notebook"}


def workloads(objects: Objects) -> list[EffectiveWorkload]:
    found: list[EffectiveWorkload] = []
    for obj in objects.of_kind("Server", "ModelServer", "Model", "Notebook"):
        if not str(obj.body.get("apiVersion", "")).startswith("substratus.ai/"):
            continue
        labels = (obj.body.get("metadata") or {}).get("labels") or {}
        kind = _WORKLOADS.get(str(labels.get("app.kubernetes.io/component", "")))
        if kind is None:
            continue  # a model imported, not trained: no workload of the project's
        found.append(_workload(obj, kind, objects.environment))
    return found


def _workload(obj: RenderedObject, kind: str, environment: str) -> EffectiveWorkload:
    spec: dict[str, Any] = obj.body.get("spec") or {}
    item: InputPath = (_LISTS[kind], Named(obj.name))
    resources_at: InputPath = (*item, "training") if kind == "fine-tune" else item

    def source(path: JsonPath, input_path: InputPath) -> Source:
        return Source(f"{obj.kind}/{obj.name}", path, InputHint(obj.project, input_path))

    fields = _container(spec, source, item, resources_at)
    notes: list[str] = []
    unknown: set[str] = set()
    if "image" not in fields:
        notes.append("no image in the object: Substratus builds or picks it")
        unknown.add("image")
    if obj.kind == "ModelServer" or "modelName" in spec or "compute" in spec:
        notes.append("API level v0.3: Substratus sizes the pod (GPUs) by itself")
        unknown.add("gpus")
    else:
        notes.extend(_controller_defaults(spec, kind, fields))
    return EffectiveWorkload(
        PLATFORM,
        environment,
        obj.project,
        kind,
        obj.name,
        f"{obj.kind}/{obj.name}",
        (PodRole(_ROLES[kind], dict(sorted(fields.items()))),),
        tuple(notes),
        frozenset(unknown),
    )


def _container(
    spec: dict[str, Any],
    source: Callable[[JsonPath, InputPath], Source],
    item: InputPath,
    resources_at: InputPath,
) -> Fields:
    fields: Fields = {}
    for key in ("image", "command"):
        if spec.get(key):
            fields[key] = Value(spec[key], source(("spec", key), (*item, key)))
    if isinstance(spec.get("build"), dict):
        fields["image"] = Value(
            {"build": spec["build"]}, source(("spec", "build"), (*item, "build"))
        )
    for name, value in sorted((spec.get("env") or {}).items()):
        fields[f"env.{name}"] = Value(
            value, source(("spec", "env", name), (*item, "env", Named(name)))
        )
    resources = spec.get("resources") or {}
    units = {"cpu": "", "memory": "Gi", "disk": "Gi"}
    for key, unit in units.items():
        if key in resources:
            at: JsonPath = ("spec", "resources", key)
            value = f"{resources[key]}{unit}" if unit else resources[key]
            fields[f"requests.{key}"] = Value(value, source(at, (*resources_at, "resources", key)))
    gpu = resources.get("gpu") or {}
    if gpu.get("count"):
        at = ("spec", "resources", "gpu", "count")
        hint = (*resources_at, "resources", "gpu", "count")
        fields["limits.nvidia.com/gpu"] = Value(gpu["count"], source(at, hint))
    if gpu.get("type"):
        at = ("spec", "resources", "gpu", "type")
        hint = (*resources_at, "resources", "gpu", "type")
        fields["gpuType"] = Value(gpu["type"], source(at, hint))
    return fields


def _controller_defaults(spec: dict[str, Any], kind: str, fields: Fields) -> list[str]:
    """What the v0.10 controller (or its CRD) adds to `fields`; a note where it depends on the
    cloud."""
    notes: list[str] = []
    default = Source(f"default of {controller.PLATFORM_NAME}")
    if "resources" in spec:
        amounts = controller.CRD_DEFAULTS
    else:
        amounts = controller.NO_RESOURCES
        notes.append(
            "no resources: Substratus asks for 2 CPUs, 4Gi and 100Gi of disk (on kind, none)"
        )
    for key, amount in amounts.items():
        fields.setdefault(f"requests.{key}", Value(amount, default))
    gpu = (spec.get("resources") or {}).get("gpu") or {}
    if gpu.get("count") and not gpu.get("type"):
        notes.append("a GPU without a type: Substratus on GCP refuses it; only kind takes any GPU")
    if kind == "notebook":
        fields.setdefault("command", Value(list(controller.NOTEBOOK_COMMAND), default))
        fields[f"env.{controller.NOTEBOOK_TOKEN}"] = Value(controller.NOTEBOOK_TOKEN_VALUE, default)
    return notes
