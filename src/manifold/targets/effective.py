"""What each platform will actually run, computed from the rendered objects.

A rendered InferenceService says little by itself: OME merges it over its ServingRuntime,
adds what the AcceleratorClass brings, and builds leader and worker pods by its own rules.
This module holds the platform-free model of the result, the *effective workload*: per pod
role, the image, command, args, environment variable names, resources, placement, volumes
and replicas, each value with the object and JSON path that set it (its `Source`). The merge
rules are each platform's (`targets/<platform>/effective.py`, reached through `compute`), and
they read only what manifold wrote to rendered/, so the model is an independent check of
the renderer rather than a restatement of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from manifold.compile.provenance import Named
from manifold.core.jsonpath import JsonPath, format_json_path
from manifold.targets.registry import effective_rules, platform_names

InputPath = tuple[str | int | Named, ...]
"""A path into a project's or platform's merged spec; named list items by name."""


@dataclass(frozen=True, slots=True)
class InputHint:
    """The input an effective value was rendered from: a project's (or platform's) merged
    spec, at a path that `manifold.commands.explain` traces back to a file and line."""

    owner: str
    """A project's name, or the name of a platform file (objects in its folder)."""
    path: InputPath
    platform_path: InputPath | None = None
    """The path instead, when the owner is a platform file (which words some lists
    differently from a project: `servingRuntimes`, not `runtimes`)."""
    instead: InputHint | None = None
    """Where the value came from when the input at `path` does not hold it (nor that value):
    the input manifold wrote it in from (an AcceleratorClass's, into an InferenceService)."""
    note: str | None = None
    """What the input is, said beside its place when the value is traced to it."""


@dataclass(frozen=True, slots=True)
class Source:
    """Which rendered object set a value, where in it, and from which input."""

    object: str
    """`Kind/name` of the rendered object, or `default of <platform>`."""
    path: JsonPath = ()
    hint: InputHint | None = None

    def describe(self) -> str:
        if not self.path:
            return self.object
        return f"{self.object} {format_json_path(self.path)}"


@dataclass(frozen=True, slots=True)
class Value:
    value: Any
    source: Source


Fields = dict[str, Value]
"""By effective field name: `image`, `command`, `args`, `env.NAME`, `requests.RESOURCE`,
`limits.RESOURCE`, `nodeSelector.KEY`, `tolerations`, `volumes.NAME`, `volumeMounts.NAME`,
`replicas.min`, `replicas.max`, `accelerator`, `gpuType`."""

GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu")


@dataclass(frozen=True)
class PodRole:
    """One kind of pod of a workload (engine, decoder, router, leader, worker, trainer...)."""

    role: str
    fields: Fields

    def get(self, name: str) -> Any:
        found = self.fields.get(name)
        return found.value if found is not None else None

    @property
    def gpus(self) -> float:
        """GPUs per pod: the limit, else the request, of a GPU resource."""
        for prefix in ("limits.", "requests."):
            for resource in GPU_RESOURCES:
                if (count := self.get(prefix + resource)) is not None:
                    return float(count)
        return 0.0

    def prefixed(self, prefix: str) -> dict[str, Any]:
        return {k[len(prefix) :]: v.value for k, v in self.fields.items() if k.startswith(prefix)}


@dataclass(frozen=True)
class EffectiveWorkload:
    platform: str
    environment: str
    project: str
    kind: str
    """service, fine-tune, benchmark or notebook."""
    name: str
    object: str
    """`Kind/name` of the rendered object the workload is."""
    roles: tuple[PodRole, ...]
    notes: tuple[str, ...] = ()
    """What the model cannot know (a runtime installed by other means), and choices the
    platform made (a runtime auto-selected)."""
    unknown: frozenset[str] = frozenset()
    """Effective fields the platform fills in from what is not in rendered/."""

    def role(self, name: str) -> PodRole | None:
        return next((r for r in self.roles if r.role == name), None)


@dataclass(frozen=True)
class RenderedObject:
    """One object (or API request) of rendered/<environment>/."""

    file: str
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        metadata = self.body.get("metadata")
        if isinstance(metadata, dict):
            return str(metadata.get("name", ""))
        return str(self.body.get("name", ""))

    @property
    def namespace(self) -> str:
        metadata = self.body.get("metadata")
        return str(metadata.get("namespace") or "") if isinstance(metadata, dict) else ""

    @property
    def project(self) -> str:
        """The project (or platform) folder the object is in."""
        parts = self.file.split("/")
        return parts[2] if parts[1].startswith("_") and len(parts) > 3 else parts[1]


@dataclass
class Objects:
    """The rendered objects of one environment, found by kind and name."""

    environment: str
    items: list[RenderedObject] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[RenderedObject]:
        return [o for o in self.items if o.kind in kinds]

    def find(self, kinds: Iterable[str], name: str, namespace: str = "") -> RenderedObject | None:
        wanted = tuple(kinds)
        for item in self.items:
            same_scope = not item.namespace or item.namespace == namespace
            if item.kind in wanted and item.name == name and same_scope:
                return item
        return None


# --------------------------------------------------------------------------- merge helpers


def container_fields(
    container: Mapping[str, Any], source: Callable[[JsonPath], Source], at: JsonPath
) -> Fields:
    """A Kubernetes container's effective fields, each sourced at `at` + its path."""
    found: Fields = {}
    for key in ("image", "command", "args"):
        if key in container and container[key] not in (None, [], ""):
            found[key] = Value(container[key], source((*at, key)))
    for index, variable in enumerate(_named_items(container.get("env"))):
        found[f"env.{variable['name']}"] = Value(_env_value(variable), source((*at, "env", index)))
    for index, mount in enumerate(_named_items(container.get("volumeMounts"))):
        found[f"volumeMounts.{mount['name']}"] = Value(
            mount.get("mountPath"), source((*at, "volumeMounts", index))
        )
    resources = container.get("resources")
    if isinstance(resources, dict):
        for kind in ("requests", "limits"):
            for name, quantity in sorted((resources.get(kind) or {}).items()):
                found[f"{kind}.{name}"] = Value(quantity, source((*at, "resources", kind, name)))
    return found


def pod_fields(
    pod: Mapping[str, Any], source: Callable[[JsonPath], Source], at: JsonPath
) -> Fields:
    """A pod's placement and volumes."""
    found: Fields = {}
    for key, value in sorted((pod.get("nodeSelector") or {}).items()):
        found[f"nodeSelector.{key}"] = Value(value, source((*at, "nodeSelector", key)))
    if pod.get("tolerations"):
        found["tolerations"] = Value(pod["tolerations"], source((*at, "tolerations")))
    for index, volume in enumerate(_named_items(pod.get("volumes"))):
        found[f"volumes.{volume['name']}"] = Value(
            {k: v for k, v in volume.items() if k != "name"}, source((*at, "volumes", index))
        )
    return found


def same_value(left: Any, right: Any) -> bool:
    """Whether an input's value and a rendered one are the same (a quantity may be written
    as a number in one and as text in the other)."""
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return bool(left == right)
    return str(left) == str(right)


def overlay(base: Fields, over: Fields) -> Fields:
    """Fields of `over` replace those of `base` (a strategic merge at the level of effective
    fields: maps merged by key, named lists by name, other values replaced)."""
    return {**base, **over}


def _named_items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict) and "name" in item]


def _env_value(variable: Mapping[str, Any]) -> Any:
    if "value" in variable:
        return variable["value"]
    return {k: v for k, v in variable.items() if k != "name"}


# --------------------------------------------------------------------------- dispatch


def compute(objects: Objects) -> list[EffectiveWorkload]:
    """Every workload of one environment's rendered objects, by each platform's rules."""
    workloads: list[EffectiveWorkload] = []
    for name in platform_names():
        workloads.extend(effective_rules(name).workloads(objects))
    return sorted(workloads, key=lambda w: (w.project, w.kind, w.name))


def read_objects(texts: Mapping[str, str]) -> dict[str, Objects]:
    """The objects of a rendered/ tree ({path relative to rendered/: text}) by environment;
    the controllers' folders (`_flux`, `_argocd`) are left out."""
    import json

    from manifold.core import yaml as yamlio

    by_environment: dict[str, Objects] = {}
    for path, text in sorted(texts.items()):
        environment = path.split("/", 1)[0]
        if environment.startswith("_") or path.count("/") < 2:
            continue
        bodies = [json.loads(text)] if path.endswith(".json") else yamlio.load_all(text)
        objects = by_environment.setdefault(environment, Objects(environment))
        objects.items.extend(RenderedObject(path, b) for b in bodies if isinstance(b, dict))
    return by_environment


def shown(field_name: str, value: Any) -> Any:
    """`value` fit to show people: an environment variable named like a secret, and any
    text shaped like a credential, masked (as `diff` masks objects)."""
    from manifold.core.secrets import MASK, is_secret_name, mask_text

    if field_name.startswith("env.") and is_secret_name(field_name[4:]) and isinstance(value, str):
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [shown("", item) for item in value]
    if isinstance(value, dict):
        return {key: shown("", item) for key, item in value.items()}
    return value
