"""Stage 5: references resolve, and names are unique.

Checks every platform needs: a service's model, adapters and runtime, a fine-tune's base
model, dataset and training runtime, a benchmark's target service (in any project of the
environment), a pipeline's steps, a notebook's model and dataset; in the platform file,
tenancy and capacity references. The references that resolve within the spec itself are
rows of one table (`compile.reference_table`); this module adds those that go through the
environment's `Catalog`. What only one platform refuses lives with its target.

References to what the cluster shares (runtimes, accelerator classes) are checked when a
platform file describes the cluster; without one, manifold cannot know what is installed.
"""

from __future__ import annotations

from collections.abc import Iterator

from manifold.compile.catalog import (
    Catalog,
    find_model,
    find_serving_runtime,
    find_training_runtime,
)
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.reference_table import (
    ReferenceKind,
    ReferenceSite,
    duplicates,
    missing,
    platform_reference_problems,
    project_reference_problems,
)
from manifold.core.diagnostics import Problem, Severity
from manifold.core.jsonpath import JsonPath
from manifold.core.modelcheck import did_you_mean
from manifold.models.benchmarks import ServiceTarget
from manifold.models.project import InlineRuntime
from manifold.models.runtimes import ServingRuntime
from manifold.models.workload import Component, Pod
from manifold.targets.registry import get_target


def check_references(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    spec = instance.spec
    for field, names in (
        ("models", [model.name for model in spec.models]),
        ("services", [service.name for service in spec.services]),
        ("runtimes", [runtime.name for runtime in spec.runtimes]),
        ("trainingRuntimes", [runtime.name for runtime in spec.training_runtimes]),
        ("datasets", [dataset.name for dataset in spec.datasets]),
        ("fineTunes", [fine_tune.name for fine_tune in spec.fine_tunes]),
        ("benchmarks", [benchmark.name for benchmark in spec.benchmarks]),
        ("replications", [replication.name for replication in spec.replications]),
        ("pipelines", [pipeline.name for pipeline in spec.pipelines]),
        ("notebooks", [notebook.name for notebook in spec.notebooks]),
    ):
        yield from duplicates(field, names, _SINGULAR.get(field))
    yield from project_reference_problems(spec)
    yield from _services(instance, catalog)
    yield from _runtime_accelerators(instance, catalog)
    yield from _fine_tunes(instance, catalog)
    yield from _benchmarks(instance, catalog)
    yield from _pipelines(instance)
    yield from _notebooks(instance, catalog)


_SINGULAR = {"trainingRuntimes": "training runtime", "fineTunes": "fine-tune"}


def relies_on_broken(instance: ProjectInstance, catalog: Catalog) -> bool:
    """Whether the instance refers to a project or platform file with errors of its own: its
    references to them were not checked, so it is not rendered either."""
    if catalog.platform_broken(instance.spec.platform):
        return True
    return any(
        isinstance(benchmark.target, ServiceTarget)
        and (benchmark.target.project or instance.name) in catalog.broken
        for benchmark in instance.spec.benchmarks
    )


def _model_problem(
    instance: ProjectInstance, catalog: Catalog, name: str, path: JsonPath, user: str
) -> Problem | None:
    if find_model(instance, catalog, name) is not None:
        return None
    platform = catalog.platform(instance.spec.platform)
    if catalog.platform_broken(instance.spec.platform):
        return None
    choices = [model.name for model in instance.spec.models]
    if platform is None:
        where = "which this project does not define"
        hint = did_you_mean(name, choices) or (
            f"models defined: {', '.join(choices)}" if choices else "add it under models"
        )
    else:
        where = "which neither this project nor the platform defines"
        shared = [model.name for model in platform.spec.models]
        hint = did_you_mean(name, choices + shared) or "add it under models here or in the platform"
    return Problem(path, f"{user} model {name!r}, {where}", hint=hint)


def _strict(instance: ProjectInstance, catalog: Catalog) -> bool:
    """Whether the cluster's shared objects are known (a valid platform file describes them)."""
    target = instance.spec.platform
    return catalog.describes_platform(target) and not catalog.platform_broken(target)


def _services(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    spec = instance.spec
    fine_tunes = {fine_tune.name: fine_tune for fine_tune in spec.fine_tunes}
    for index, service in enumerate(spec.services):
        at: JsonPath = ("services", index)
        problem = _model_problem(
            instance, catalog, service.model, (*at, "model"), f"service {service.name!r} serves"
        )
        if problem is not None:
            yield problem
        for position, adapter in enumerate(service.adapters or ()):
            fine_tune = fine_tunes.get(adapter)
            if fine_tune is not None and fine_tune.base_model != service.model:
                yield Problem(
                    (*at, "adapters", position),
                    f"adapter {adapter!r} is a fine-tune of {fine_tune.base_model!r}; it cannot "
                    f"be served on {service.model!r}",
                )
        runtime = service.runtime
        if (
            runtime is not None
            and not isinstance(runtime, InlineRuntime)
            and _strict(instance, catalog)
            and find_serving_runtime(instance, catalog, runtime) is None
        ):
            name = runtime if isinstance(runtime, str) else runtime.ref
            yield Problem(
                (*at, "runtime"),
                f"service {service.name!r} uses runtime {name!r}, which neither this project "
                "nor the platform defines",
                hint="define it under runtimes, or in the platform file's servingRuntimes "
                "(external: true if it is installed by other means)",
            )
        if _strict(instance, catalog):
            yield from _accelerators(instance, catalog, service, at)
        replicas = service.replicas
        if (
            service.autoscaling is not None
            and replicas is not None
            and replicas.min == replicas.max
        ):
            yield Problem(
                (*at, "autoscaling"),
                f"autoscaling has no room: replicas.min and replicas.max are both {replicas.max}",
                severity=Severity.WARNING,
            )


def _declared_accelerators(platform: PlatformInstance) -> tuple[str, str, list[str]]:
    """What `resources.gpu.type` names on the file's platform: the platform file's field that
    declares them, what one is called, and the names it declares."""
    field = get_target(platform.spec.platform).accelerators
    spec = platform.spec
    if field == "gpuTypes":
        return field, "GPU type", [gpu_type.name for gpu_type in spec.gpu_types]
    return (
        field,
        "accelerator class",
        [accelerator.name for accelerator in spec.accelerator_classes],
    )


def _accelerators(
    instance: ProjectInstance, catalog: Catalog, service: Component, at: JsonPath
) -> Iterator[Problem]:
    platform = catalog.platform(instance.spec.platform)
    assert platform is not None
    field, what, known = _declared_accelerators(platform)
    decoder = getattr(service, "decoder", None)
    parts: list[tuple[JsonPath, Component | Pod | None]] = [
        (at, service),
        ((*at, "leader"), service.leader),
        ((*at, "worker"), service.worker),
        ((*at, "decoder"), decoder),
    ]
    kind = ReferenceKind(
        what, "the platform has", f"{{reference}} is not one of the platform's {field}"
    )
    yield from kind.unresolved(
        ReferenceSite((*path, "resources", "gpu", "type"), "", gpu.type, known)
        for path, part in parts
        if part is not None and part.resources and (gpu := part.resources.gpu) is not None
    )


def _runtime_accelerators(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    platform = catalog.platform(instance.spec.platform)
    if platform is None or not _strict(instance, catalog):
        return
    field, what, known = _declared_accelerators(platform)
    for index, runtime in enumerate(instance.spec.runtimes):
        undeclared = f"is not one of the platform's {field}"
        yield from _unknown_accelerators(runtime, ("runtimes", index), what, known, undeclared)


def _unknown_accelerators(
    runtime: ServingRuntime, at: JsonPath, what: str, known: list[str], undeclared: str
) -> Iterator[Problem]:
    kind = ReferenceKind(what, "declared", f"{{owner}} runs on {{reference}}, which {undeclared}")
    owner = f"runtime {runtime.name!r}"
    yield from kind.unresolved(
        ReferenceSite((*at, "accelerators", position), owner, accelerator, known)
        for position, accelerator in enumerate(runtime.accelerators or ())
    )


def _fine_tunes(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    for index, fine_tune in enumerate(instance.spec.fine_tunes):
        at: JsonPath = ("fineTunes", index)
        problem = _model_problem(
            instance,
            catalog,
            fine_tune.base_model,
            (*at, "baseModel"),
            f"fine-tune {fine_tune.name!r} starts from",
        )
        if problem is not None:
            yield problem
        training = fine_tune.training
        if training is None:
            continue
        reference = training.runtime
        if (
            reference is not None
            and _strict(instance, catalog)
            and find_training_runtime(instance, catalog, reference) is None
        ):
            name = reference if isinstance(reference, str) else reference.ref
            platform = catalog.platform(instance.spec.platform)
            known = [runtime.name for runtime in instance.spec.training_runtimes] + [
                runtime.name for runtime in (platform.spec.training_runtimes if platform else ())
            ]
            message, hint = missing("training runtime", name, known, "training runtimes")
            yield Problem(
                (*at, "training", "runtime"),
                f"fine-tune {fine_tune.name!r} trains with {message}, which neither this "
                "project nor the platform defines",
                hint=hint,
            )


def _benchmarks(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    for index, benchmark in enumerate(instance.spec.benchmarks):
        if isinstance(benchmark.target, ServiceTarget):
            yield from _benchmark_target(instance, catalog, benchmark.target, ("benchmarks", index))


def _benchmark_target(
    instance: ProjectInstance, catalog: Catalog, target: ServiceTarget, at: JsonPath
) -> Iterator[Problem]:
    project_name = target.project or instance.name
    environment = catalog.environment.name
    if project_name in catalog.broken:
        return
    project = catalog.projects.get(project_name)
    if project is None:
        if project_name in catalog.declared:
            message = f"project {project_name!r} is not rendered in environment {environment!r}"
            yield Problem((*at, "target", "project"), f"the benchmark's target {message}")
        else:
            _, hint = missing("project", project_name, sorted(catalog.declared), "projects")
            yield Problem(
                (*at, "target", "project"),
                f"the benchmark targets project {project_name!r}, which does not exist",
                hint=hint,
            )
        return
    services = [service.name for service in project.spec.services]
    if target.service not in services:
        where = (
            "this project does not serve"
            if project is instance
            else f"project {project_name!r} does not serve in environment {environment!r}"
        )
        message, hint = missing("service", target.service, services, "its services")
        yield Problem(
            (*at, "target", "service"), f"the benchmark targets {message}, which {where}", hint=hint
        )


def _pipelines(instance: ProjectInstance) -> Iterator[Problem]:
    for index, pipeline in enumerate(instance.spec.pipelines):
        at: JsonPath = ("pipelines", index)
        if "root" not in pipeline.nodes:
            yield Problem(
                (*at, "nodes"),
                f"pipeline {pipeline.name!r} has no `root` node, where requests enter",
            )
        for node_name, node in pipeline.nodes.items():
            if node.router == "Splitter":
                total = sum(step.weight or 0 for step in node.steps)
                if total != 100:
                    yield Problem(
                        (*at, "nodes", node_name, "steps"),
                        f"the weights of a Splitter's steps add up to 100, not {total}",
                    )


def _notebooks(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    fine_tunes = [fine_tune.name for fine_tune in instance.spec.fine_tunes]
    platform = catalog.platform(instance.spec.platform)
    for index, notebook in enumerate(instance.spec.notebooks):
        at: JsonPath = ("notebooks", index)
        model = notebook.model
        if (
            model is not None
            and model not in fine_tunes
            and find_model(instance, catalog, model) is None
            and not catalog.platform_broken(instance.spec.platform)
        ):
            choices = [m.name for m in instance.spec.models] + fine_tunes
            shared = [m.name for m in platform.spec.models] if platform else []
            message, hint = missing("model", model, choices + shared, "models and fine-tunes")
            yield Problem(
                (*at, "model"),
                f"notebook {notebook.name!r} opens {message}, which is neither a model nor a "
                "fine-tune of this project" + (" nor a model of the platform" if platform else ""),
                hint=hint,
            )


# --------------------------------------------------------------------------- platform


def check_platform_references(platform: PlatformInstance) -> Iterator[Problem]:
    spec = platform.spec
    tenancy = spec.tenancy
    capacity = spec.capacity
    for field, names, what in (
        ("models", [m.name for m in spec.models], "model"),
        ("servingRuntimes", [r.name for r in spec.serving_runtimes], "serving runtime"),
        ("trainingRuntimes", [r.name for r in spec.training_runtimes], "training runtime"),
        ("acceleratorClasses", [a.name for a in spec.accelerator_classes], "accelerator class"),
        ("gpuTypes", [gpu_type.name for gpu_type in spec.gpu_types], "GPU type"),
        ("tenancy.organizations", [o.name for o in tenancy.organizations], "organization"),
        ("tenancy.projects", [p.name for p in tenancy.projects], "project"),
        ("tenancy.users", [u.name for u in tenancy.users], "user"),
        ("tenancy.serviceAccounts", [a.name for a in tenancy.service_accounts], "account"),
        ("tenancy.rateLimits", [r.name for r in tenancy.rate_limits], "rate limit"),
        ("capacity.profiles", [p.name for p in capacity.profiles], "profile"),
        ("capacity.dedicatedClusters", [c.name for c in capacity.dedicated_clusters], "cluster"),
        ("capacity.reservations", [r.name for r in capacity.reservations], "reservation"),
    ):
        yield from duplicates(field, names, what)

    yield from platform_reference_problems(spec)
    for index, reservation in enumerate(capacity.reservations):
        if reservation.scope == "cluster" and reservation.namespace is not None:
            yield Problem(
                ("capacity", "reservations", index, "namespace"),
                "a cluster-scoped reservation has no namespace; set scope: namespace",
            )

    field, what, known = _declared_accelerators(platform)
    for index, runtime in enumerate(spec.serving_runtimes):
        undeclared = f"{field} does not define"
        yield from _unknown_accelerators(
            runtime, ("servingRuntimes", index), what, known, undeclared
        )
    if field != "gpuTypes" and spec.gpu_types:
        yield Problem(
            ("gpuTypes",),
            f"gpuTypes name Run:ai's node pools and node types; on {spec.platform} GPUs are "
            "selected by acceleratorClasses",
            hint="declare the GPUs under acceleratorClasses",
            at_key=True,
        )
