"""Environment defaults fill gaps; they never outrank a service's runtime.

`expand` merges an environment's `defaults.services` as the weakest layer under each service,
so by render time a default cpu looks like one the project wrote. On OME the
InferenceService's values win over its ServingRuntime's, and on Run:ai the service's win
over its runtime's container: a default of 2 CPUs would replace a runtime's 10. This module
tells which resource values came only from defaults, so a target drops those where the
runtime gives its own (docs/precedence.md has the whole order).
"""

from __future__ import annotations

from typing import Any

from manifold.compile import overlay
from manifold.compile.instances import ProjectInstance
from manifold.models.common import Resources
from manifold.targets import kubernetes as k8s

DEFAULTS_BASE = ("spec", "defaults", "services")
"""Where the defaults layers of `expand` sit; every other layer is the project's."""

_SCALARS = (
    ("cpu", "cpu", "cpu"),
    ("memory", "memory", "memory"),
    ("ephemeral_storage", "ephemeralStorage", "ephemeral-storage"),
)
"""Each quantity field: its model name, how the project writes it, its Kubernetes name."""


def own_resources(instance: ProjectInstance, service: str) -> dict[str, Any]:
    """The service's `resources` as the project's own layers write them (its spec and its
    overrides per environment), without any defaults."""
    written: list[Any] = []
    for layer in instance.layers:
        if layer.base == DEFAULTS_BASE or not isinstance(layer.data, dict):
            continue
        services = layer.data.get("services")
        for entry in services if isinstance(services, list) else ():
            if isinstance(entry, dict) and entry.get("name") == service and "resources" in entry:
                written.append({"resources": entry["resources"]})
    resources = overlay.merge_all(written).get("resources")
    return resources if isinstance(resources, dict) else {}


def below_runtime(
    resources: Resources | None, own: dict[str, Any], runtime: Resources | None
) -> Resources | None:
    """`resources` without what only defaults gave where `runtime` gives its own: values
    the project wrote stay, values of resources the runtime does not name stay."""
    if resources is None or runtime is None:
        return resources
    given = k8s.resource_requirements(runtime)
    named: dict[str, set[str]] = {
        "requests": set(given.get("requests", {})),
        "limits": set(given.get("limits", {})),
    }
    taken = named["requests"] | named["limits"]
    update: dict[str, Any] = {}
    for field, written, key in _SCALARS:
        if getattr(resources, field) is not None and written not in own and key in taken:
            update[field] = None
    gpu = resources.gpu
    if gpu is not None and "gpu" not in own and gpu.resource in taken:
        update["gpu"] = None
    for side in ("requests", "limits"):
        values: dict[str, Any] | None = getattr(resources, side)
        if values:
            written_side = own.get(side)
            mine = written_side if isinstance(written_side, dict) else {}
            kept = {k: v for k, v in values.items() if k in mine or k not in named[side]}
            update[side] = kept or None
    return resources.model_copy(update=update) if update else resources
