"""A service's one container on Run:ai: its runtime (an inline runtime, or the engine of a
runtime the project or the platform file defines) with the service's own fields over it.
Image and command replace the runtime's, args follow the runtime's, env merges by name,
resources field by field."""

from __future__ import annotations

from typing import Any

from manifold.compile.catalog import Catalog, find_serving_runtime
from manifold.compile.instances import ProjectInstance
from manifold.models.common import Resources
from manifold.models.env import EnvVar
from manifold.models.project import InlineRuntime, Service
from manifold.models.workload import Component, ContainerPort
from manifold.targets.defaults import below_runtime, own_resources
from manifold.targets.runai.refusals import Refusals

_COMPONENT_FIELDS = frozenset(Component.model_fields)


def container(
    instance: ProjectInstance, catalog: Catalog, service: Service, refusals: Refusals
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
