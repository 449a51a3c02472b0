"""The runtime a service runs with, as OME's runtime selector would choose it offline: the
one it names, the inline one it defines, or the one auto-selected for its model."""

from __future__ import annotations

from manifold.compile.catalog import Catalog, find_model, find_serving_runtime, project_runtimes
from manifold.compile.instances import ProjectInstance
from manifold.models.project import InlineRuntime, Model, Service
from manifold.models.runtimes import ServingRuntime
from manifold.targets.ome.components import component
from manifold.targets.ome.runtimes import inline_supported_format
from manifold.targets.ome.selection import Candidate, auto_select


def accelerator_class(service: Service) -> str | None:
    gpu = service.resources.gpu if service.resources else None
    return gpu.type if gpu is not None else None


def accelerators(service: Service) -> tuple[str, ...]:
    """The accelerator classes a service asks for: its engine's and its decoder's."""
    classes = [accelerator_class(service)]
    decoder = service.decoder
    if decoder is not None and decoder.resources and decoder.resources.gpu:
        classes.append(decoder.resources.gpu.type)
    return tuple(sorted({c for c in classes if c is not None}))


def as_candidate(
    instance: ProjectInstance,
    catalog: Catalog,
    name: str,
    scope: str,
    definition: ServingRuntime | InlineRuntime,
    service_index: int | None,
) -> Candidate:
    if isinstance(definition, InlineRuntime):
        assert service_index is not None
        service = instance.spec.services[service_index]
        found = find_model(instance, catalog, service.model)
        model = found.item if found is not None else None
        supports = (
            (inline_supported_format(model),)
            if model is not None and model.format and model.framework
            else ()
        )
        accelerator = accelerator_class(service)
        return Candidate(
            name,
            "cluster" if scope == "cluster" else "namespace",
            False,
            supports,
            None,
            (accelerator,) if accelerator else None,
        )
    return Candidate(
        name,
        "cluster" if scope == "cluster" else "namespace",
        bool(definition.disabled),
        tuple(definition.supports),
        definition.model_size_range,
        tuple(definition.accelerators) if definition.accelerators else None,
    )


def runtimes_seen(
    instance: ProjectInstance, catalog: Catalog
) -> list[tuple[Candidate, ServingRuntime | InlineRuntime]]:
    """Every runtime the service's namespace sees, as the selector sees it and as defined:
    the project's, then the platform's."""
    seen = [
        (as_candidate(instance, catalog, name, scope, definition, service_index), definition)
        for name, scope, definition, service_index in project_runtimes(instance)
    ]
    platform = catalog.platform(instance.spec.platform)
    if platform is not None:
        seen.extend(
            (as_candidate(instance, catalog, runtime.name, "cluster", runtime, None), runtime)
            for runtime in platform.spec.serving_runtimes
        )
    return seen


def candidates(instance: ProjectInstance, catalog: Catalog) -> list[Candidate]:
    return [candidate for candidate, _ in runtimes_seen(instance, catalog)]


def auto_selectable(instance: ProjectInstance, catalog: Catalog, model: Model) -> bool:
    """Whether manifold can decide OME's auto-selection for the model offline."""
    target = instance.spec.platform
    return (
        model.format is not None
        and catalog.describes_platform(target)
        and not catalog.platform_broken(target)
    )


def runtime_used(
    instance: ProjectInstance, catalog: Catalog, service: Service
) -> ServingRuntime | InlineRuntime | None:
    """The runtime OME will run the service with, or None when manifold cannot know it
    (installed by other means, not rendered, or not decidable offline)."""
    runtime = service.runtime
    if isinstance(runtime, InlineRuntime):
        return runtime
    if runtime is not None:
        found = find_serving_runtime(instance, catalog, runtime)
        definition = found.item if found is not None else None
        return None if getattr(definition, "external", False) else definition
    found_model = find_model(instance, catalog, service.model)
    if found_model is None or not auto_selectable(instance, catalog, found_model.item):
        return None
    if component(service, None).get("runner", {}).get("image") or multi_node_images(service):
        return None  # OME runs the service's own runner: no runtime is needed
    seen = runtimes_seen(instance, catalog)
    chosen, _ = auto_select([c for c, _ in seen], found_model.item, accelerators(service))
    return next((d for c, d in seen if c is chosen), None)


def multi_node_images(service: Service) -> bool:
    return bool(
        service.leader is not None
        and service.worker is not None
        and service.leader.image
        and service.worker.image
    )
