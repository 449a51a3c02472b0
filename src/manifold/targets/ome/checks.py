"""What OME itself would refuse, checked before anything is rendered: the rules of its
admission webhooks and of its runtime selector, applied offline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from manifold.compile.catalog import (
    Catalog,
    Found,
    find_model,
    find_serving_runtime,
)
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.project import InlineRuntime, Model, Service
from manifold.models.runtimes import RuntimeRef, ServingRuntime
from manifold.targets.ome.benchmark_checks import benchmark_problems
from manifold.targets.ome.class_placement import placement_problems
from manifold.targets.ome.class_resources import (
    runtime_node_resource_problems,
    unknown_class_warnings,
)
from manifold.targets.ome.components import component
from manifold.targets.ome.conflicts import (
    conflicts_with_installed,
    priorities_within,
    priority_conflicts,
)
from manifold.targets.ome.jobs import training_job_name
from manifold.targets.ome.keda import runtime_keda_problems, service_keda_problems
from manifold.targets.ome.render import placement, under_runtime
from manifold.targets.ome.routers import router_problems
from manifold.targets.ome.runtime_node_asks import unreached_resource_problems
from manifold.targets.ome.runtime_node_placement import runtime_node_placements
from manifold.targets.ome.runtimes import inline_supported_format
from manifold.targets.ome.scaling import runtime_scaling_problems, service_scaling_problems
from manifold.targets.ome.selection import (
    auto_select,
    format_mismatch,
    incompatibility,
    parameter_count,
)
from manifold.targets.ome.service_runtime import (
    accelerators,
    as_candidate,
    auto_selectable,
    candidates,
    multi_node_images,
    runtime_used,
)

MAX_NAME = 63


def check(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    yield from gpu_shares(instance.data)
    yield from _models(instance)
    yield from _runtime_definitions(instance)
    yield from _cluster_runtime_conflicts(instance, catalog)
    for index, service in enumerate(instance.spec.services):
        used = runtime_used(instance, catalog, service)
        yield from _service(instance, catalog, index, service, used)
        yield from service_keda_problems(service, ("services", index))
        yield from service_scaling_problems(service, ("services", index), used)
        yield from router_problems(service, ("services", index), used)
        below = under_runtime(instance, catalog, service)
        at: JsonPath = ("services", index)
        yield from unknown_class_warnings(instance, catalog, below, at, used)
        yield from runtime_node_resource_problems(instance, catalog, below, at, used)
        yield from unreached_resource_problems(below, at, used)
        yield from placement_problems(instance, catalog, below, at, placement(instance))
        placed = runtime_node_placements(instance, catalog, below, at, placement(instance), used)
        yield from (problem for _, problem in placed)
    yield from _fine_tunes(instance)
    for index, benchmark in enumerate(instance.spec.benchmarks):
        yield from benchmark_problems(instance, catalog, ("benchmarks", index), benchmark)
    yield from _datasets_read(instance)
    for index, notebook in enumerate(instance.spec.notebooks):
        yield Problem(
            ("notebooks", index),
            f"OME has no notebooks: notebook {notebook.name!r} cannot be rendered for OME",
            hint="remove it, or leave it out of an environment with `notebooks: null` in its "
            "override",
        )


def _models(instance: ProjectInstance) -> Iterator[Problem]:
    for index, declared in enumerate(instance.spec.models):
        if not declared.source.startswith("pvc://"):
            continue
        claim = declared.source.removeprefix("pvc://").split("/", 1)[0]
        if declared.scope == "cluster" and ":" not in claim:
            yield Problem(
                ("models", index, "source"),
                "a cluster-scoped model on a PVC names the PVC's namespace: "
                "pvc://<namespace>:<pvc>/<path>",
            )
        if declared.scope == "namespace" and ":" in claim:
            yield Problem(
                ("models", index, "source"),
                "a namespace-scoped model reads a PVC of its own namespace: "
                "pvc://<pvc>/<path>, without '<namespace>:'",
            )


def runtime_problems(runtime: ServingRuntime, at: JsonPath) -> Iterator[Problem]:
    """What OME refuses in a runtime definition itself."""
    if runtime.decoder is not None and runtime.engine is None:
        yield Problem((*at, "decoder"), "a runtime with a decoder needs an engine too")
    size = runtime.model_size_range
    if size is not None and parameter_count(size.min) > parameter_count(size.max):
        yield Problem((*at, "modelSizeRange"), f"min ({size.min}) is greater than max ({size.max})")
    yield from priorities_within(runtime, at)
    yield from runtime_keda_problems(runtime, at)
    yield from runtime_scaling_problems(runtime, at)


def cluster_runtime_problems(runtimes: Sequence[ServingRuntime]) -> Iterator[Problem]:
    """What OME refuses in a platform file's cluster runtimes, each and side by side."""
    placed = [(("servingRuntimes", index), runtime) for index, runtime in enumerate(runtimes)]
    for at, runtime in placed:
        yield from runtime_problems(runtime, at)
    yield from priority_conflicts(placed)


def _runtime_definitions(instance: ProjectInstance) -> Iterator[Problem]:
    spec = instance.spec
    for index, runtime in enumerate(spec.runtimes):
        yield from runtime_problems(runtime, ("runtimes", index))
    for scope in ("namespace", "cluster"):  # OME compares runtimes of one kind
        alike = [(("runtimes", i), r) for i, r in enumerate(spec.runtimes) if r.scope == scope]
        yield from priority_conflicts(alike)


def _cluster_runtime_conflicts(instance: ProjectInstance, catalog: Catalog) -> Iterator[Problem]:
    """OME's webhook compares a ClusterServingRuntime with every other one in the cluster:
    a project's cluster runtimes with the platform's."""
    platform = catalog.platform(instance.spec.platform)
    if platform is None:
        return
    for index, runtime in enumerate(instance.spec.runtimes):
        if runtime.scope == "cluster":
            yield from conflicts_with_installed(
                platform.spec.serving_runtimes, runtime, ("runtimes", index)
            )


# --------------------------------------------------------------------------- services


def _service(
    instance: ProjectInstance,
    catalog: Catalog,
    index: int,
    service: Service,
    used: ServingRuntime | InlineRuntime | None,
) -> Iterator[Problem]:
    """`used`: the runtime OME runs the service with, where manifold knows it
    (`runtime_used`): an auto-selection it made is not made again here."""
    at: JsonPath = ("services", index)
    if service.decoder is not None and not component(service, None):
        yield Problem(
            (*at, "decoder"),
            f"service {service.name!r} has a decoder but no engine settings (its replicas were "
            "removed): OME refuses a decoder without an engine",
            hint="give the service replicas (the engine's), or remove the decoder",
        )
    found = find_model(instance, catalog, service.model)
    if found is None:
        return  # reported with the references
    model = found.item
    if model.disabled:
        where = "the platform's" if found.shared else "this project's"
        yield Problem(
            (*at, "model"),
            f"model {model.name!r} ({where}) is disabled; OME refuses to serve a disabled model",
        )
    runtime = service.runtime
    if isinstance(runtime, InlineRuntime):
        yield from _inline_runtime(model, at)
        return
    if runtime is not None:
        yield from named_runtime_problems(instance, catalog, service, runtime, model, at)
        return
    if component(service, None).get("runner", {}).get("image") or multi_node_images(service):
        return  # a complete runner needs no runtime
    if used is not None or not auto_selectable(instance, catalog, model):
        # selected; or OME fills the format in after download / the runtimes are unknown
        return
    chosen, passed_over = auto_select(candidates(instance, catalog), model, accelerators(service))
    if chosen is None:
        reasons = "; ".join(f"{name}: {why}" for name, why in sorted(passed_over.items()))
        yield Problem(
            (*at, "runtime"),
            f"service {service.name!r} names no runtime and none can be auto-selected for "
            f"model {model.name!r}" + (f" ({reasons})" if reasons else " (no runtimes known)"),
            hint="name a runtime, or mark a fitting runtime's supported format autoSelect: true",
        )


def _inline_runtime(model: Model, at: JsonPath) -> Iterator[Problem]:
    """An inline runtime serves the format it is written for: the model must name one."""
    missing = [f for f in ("format", "framework") if getattr(model, f) is None]
    if missing:
        yield Problem(
            (*at, "runtime"),
            f"an inline OME runtime lists the model formats it serves; model "
            f"{model.name!r} needs {' and '.join(missing)} "
            "(for example format: {name: safetensors}, framework: {name: transformers})",
        )
    elif unserved := format_mismatch(inline_supported_format(model), model):
        yield Problem(
            (*at, "runtime"),
            f"OME will not serve model {model.name!r} with the inline runtime written for "
            f"it: {', '.join(unserved)}",
        )


def named_runtime_problems(
    instance: ProjectInstance,
    catalog: Catalog,
    service: Service,
    reference: str | RuntimeRef,
    model: Model,
    at: JsonPath,
) -> Iterator[Problem]:
    """What OME refuses of the runtime a service names: disabled, or unable to serve the
    model on the service's accelerators (pkg/runtimeselector/selector.go, ValidateRuntime)."""
    found: Found[ServingRuntime] | None = find_serving_runtime(instance, catalog, reference)
    if found is None:
        return  # unknown without a platform file; reported with the references otherwise
    definition = found.item
    if isinstance(definition, InlineRuntime):
        return  # written for its own service's model
    candidate = as_candidate(instance, catalog, definition.name, "cluster", definition, None)
    if candidate.disabled:
        yield Problem((*at, "runtime"), f"runtime {definition.name!r} is disabled")
        return
    if model.format is None:
        return  # OME fills the format in after download: compatibility is decided then
    reason = incompatibility(candidate, model, accelerators(service))
    if reason is not None:
        yield Problem(
            (*at, "runtime"),
            f"runtime {definition.name!r} cannot serve model {model.name!r}: {reason}",
        )


# --------------------------------------------------------------------------- fine-tunes


def _fine_tunes(instance: ProjectInstance) -> Iterator[Problem]:
    datasets = {dataset.name: dataset for dataset in instance.spec.datasets}
    adapters = {name for service in instance.spec.services for name in service.adapters or ()}
    for index, fine_tune in enumerate(instance.spec.fine_tunes):
        at: JsonPath = ("fineTunes", index)
        if fine_tune.name in adapters and fine_tune.source is None:
            yield Problem(
                (*at, "source"),
                f"fine-tune {fine_tune.name!r} is served as an adapter, so its weights need a "
                "place to be read from: add source",
            )
        if fine_tune.training is None:
            continue
        if fine_tune.training.runtime is None:
            yield Problem(
                (*at, "training", "runtime"),
                f"OME trains fine-tune {fine_tune.name!r} with a training runtime: name one",
                hint="a training runtime of this project (trainingRuntimes) or of the platform",
            )
        job = training_job_name(fine_tune.name)
        if len(job) > MAX_NAME:
            yield Problem(
                (*at, "name"),
                f"its TrainingJob {job!r} would be {len(job)} characters long (at most "
                f"{MAX_NAME}); OME names training jobs ft-<name>: shorten the name",
            )
        dataset = datasets.get(fine_tune.dataset or "")
        for label, options, path in (
            ("dataset", dataset.storage if dataset else None, None),
            ("output", fine_tune.storage, (*at, "storage", "downloadPolicy")),
        ):
            if options is not None and options.download_policy is not None:
                yield Problem(
                    path or (*at, "dataset"),
                    f"OME's TrainingJob reads its {label} without a download policy; remove "
                    "downloadPolicy",
                )


def _datasets_read(instance: ProjectInstance) -> Iterator[Problem]:
    """OME's jobs read a dataset from its storage: one they use needs a source."""
    users: dict[str, str] = {}
    for fine_tune in instance.spec.fine_tunes:
        if fine_tune.training is not None and fine_tune.dataset is not None:
            users.setdefault(fine_tune.dataset, f"the TrainingJob of fine-tune {fine_tune.name!r}")
    for benchmark in instance.spec.benchmarks:
        if benchmark.dataset is not None:
            users.setdefault(benchmark.dataset, f"benchmark {benchmark.name!r}")
    for index, dataset in enumerate(instance.spec.datasets):
        if dataset.source is None and dataset.name in users:
            yield Problem(
                ("datasets", index, "source"),
                f"dataset {dataset.name!r} has no source, and {users[dataset.name]} reads it "
                "from there: add source",
            )


# --------------------------------------------------------------------------- platform


def gpu_shares(data: Any, path: JsonPath = ()) -> list[Problem]:
    """GPU portions and GPU memory (Run:ai's GPU sharing), wherever resources are written:
    OME requests whole devices."""
    found: list[Problem] = []
    _collect_gpu_shares(data, path, found)
    return found


def _collect_gpu_shares(data: Any, path: JsonPath, found: list[Problem]) -> None:
    """Depth first into containers only: a generator per node, scalars included, made this
    walk a hot spot of compiling (hundreds of thousands of frames at 1,000 projects)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "gpu" and isinstance(value, dict):
                for share in ("portion", "memory"):
                    if value.get(share) is not None:
                        found.append(
                            Problem(
                                (*path, key, share),
                                f"OME requests whole GPUs; gpu.{share} (a share of a GPU) "
                                "needs Run:ai",
                                hint="request whole devices with gpu.count",
                            )
                        )
            if isinstance(value, dict | list):
                _collect_gpu_shares(value, (*path, key), found)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict | list):
                _collect_gpu_shares(item, (*path, index), found)


def check_platform(platform: PlatformInstance) -> Iterator[Problem]:
    yield from gpu_shares(platform.data)
    spec = platform.spec
    yield from cluster_runtime_problems(spec.serving_runtimes)
    for index, reservation in enumerate(spec.capacity.reservations):
        for group_index, group in enumerate(reservation.resource_groups):
            covered = list(group.covered_resources)
            for flavor_index, flavor in enumerate(group.flavors):
                names = [resource.name for resource in flavor.resources]
                if names != covered:
                    yield Problem(
                        (
                            "capacity",
                            "reservations",
                            index,
                            "resourceGroups",
                            group_index,
                            "flavors",
                            flavor_index,
                            "resources",
                        ),
                        f"flavor {flavor.name!r} lists {', '.join(names)}; each flavor lists "
                        f"the group's coveredResources in order: {', '.join(covered)}",
                    )
