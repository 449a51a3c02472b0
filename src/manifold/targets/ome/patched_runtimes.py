"""OME's rules on an InferenceService against its runtimes as the environment's patches
leave them.

manifold decides which runtime a service runs with, checks the service against it and
renders it, from the runtimes as the project and the platform file write them. A patch of a
ServingRuntime or ClusterServingRuntime changes what the cluster holds, and OME decides from
that: it selects among the runtimes it finds, never a disabled one nor one without an
`autoSelect` format (pkg/runtimeselector/selector.go:218-278, evaluateRuntime), refuses a
named runtime that is disabled or cannot serve the model (selector.go:150-215,
ValidateRuntime), and merges the runtime's component settings under the service's
(inferenceservice/utils/merging.go). So each InferenceService of a project is checked again
with the runtimes as the environment leaves them, and what OME would do otherwise than with
the runtimes as written is an error at the patch of the runtime it is owed to: another
runtime selected or none, a named runtime refused, or a deployment mode or autoscaling the
patched runtime brings.

Only an environment that patches a runtime pays anything: the check stops at the first line
for every other one. A runtime an import could not read back (fields manifold does not
model) keeps its written form here, as in `final`; so does a service's inline runtime, which
its service renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from manifold.compile.catalog import Catalog, find_model
from manifold.compile.instances import ProjectInstance
from manifold.core.manifest import Manifest
from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import ProjectServingRuntime, ServingRuntime
from manifold.targets.base import Refusal
from manifold.targets.ome.checks import named_runtime_problems
from manifold.targets.ome.final import read_back
from manifold.targets.ome.importing.render_checks import service_refusals
from manifold.targets.ome.service_runtime import runtime_used

_RUNTIME_KINDS = ("ServingRuntime", "ClusterServingRuntime")
_AT_RUNTIME = ("spec", "runtime")


@dataclass(frozen=True)
class _Views:
    """The project and its catalog twice: with each patched runtime as an import reads it
    before the patches (`written`) and after (`left`), and the patched object by name."""

    written: tuple[ProjectInstance, Catalog]
    left: tuple[ProjectInstance, Catalog]
    patched: Mapping[str, Manifest]


def dependency_refusals(
    instance: ProjectInstance, catalog: Catalog, final: Manifest
) -> list[Refusal]:
    """What OME would run otherwise for the InferenceService `final` with its runtimes as
    the environment's patches leave them than with them as written."""
    if final.kind != "InferenceService" or not any(
        kind in _RUNTIME_KINDS for kind, _ in catalog.patched
    ):
        return []
    views = _views(instance, catalog)
    if views is None:
        return []
    service = _service(instance, final)
    if service is None or isinstance(service.runtime, InlineRuntime):
        return []
    before = runtime_used(*views.written, service)
    after = runtime_used(*views.left, service)
    if before is None or isinstance(before, InlineRuntime):
        return []  # OME's choice is not known offline, or the service runs its own runner
    if service.runtime is None and _named(after) != before.name:
        return [_selection_changed(views, before.name, after)]
    if not isinstance(after, ServingRuntime) or (owed := views.patched.get(after.name)) is None:
        return []  # the runtime it runs is not one a patch changed
    return [
        Refusal(path, message, owed_to=owed)
        for path, message in _named_refusals(views, service) + _scaling(service, before, after)
    ]


def _service(instance: ProjectInstance, final: Manifest) -> Service | None:
    """The project's service the InferenceService renders (its `spec_path`)."""
    match final.spec_path:
        case ("services", int(index)) if index < len(instance.spec.services):
            return instance.spec.services[index]
    return None


def _named(runtime: ServingRuntime | InlineRuntime | None) -> str | None:
    return runtime.name if isinstance(runtime, ServingRuntime) else None


def _selection_changed(
    views: _Views, before: str, after: ServingRuntime | InlineRuntime | None
) -> Refusal:
    name = _named(after)
    owed = views.patched.get(name or "") or views.patched.get(before)
    if name is None:
        message = (
            f"OME selects no runtime for this service once the environment's patches change "
            f"the runtimes (manifold selected {before!r} from them as written): OME will "
            "not run it; name a runtime for the service, or patch the runtimes so that one "
            "can be selected for its model"
        )
    else:
        message = (
            f"OME selects runtime {name!r} for this service, not {before!r}, which manifold "
            "selected, checked and rendered it for from the runtimes as written: name the "
            "runtime the service runs, or patch the runtimes so that OME selects that one"
        )
    return Refusal(_AT_RUNTIME, message, owed_to=owed or next(iter(views.patched.values())))


def _named_refusals(views: _Views, service: Service) -> list[tuple[Any, str]]:
    """What OME refuses of a runtime the service names, new with the patches."""
    reference = service.runtime
    if reference is None or isinstance(reference, InlineRuntime):
        return []
    found: list[list[str]] = []
    for instance, catalog in (views.written, views.left):
        model = find_model(instance, catalog, service.model)
        problems = (
            named_runtime_problems(instance, catalog, service, reference, model.item, ())
            if model is not None
            else ()
        )
        found.append([problem.message for problem in problems])
    said = "OME refuses the runtime this service names, as this patch leaves it: "
    return [(_AT_RUNTIME, said + message) for message in found[1] if message not in found[0]]


def _scaling(
    service: Service, before: ServingRuntime, after: ServingRuntime
) -> list[tuple[Any, str]]:
    """How OME deploys and scales the service, refused with the patched runtime only."""
    earlier = set(service_refusals(service, before))
    said = f"with runtime {after.name!r} as this patch leaves it, "
    return [
        (path, said + message)
        for path, message in service_refusals(service, after)
        if (path, message) not in earlier
    ]


def _views(instance: ProjectInstance, catalog: Catalog) -> _Views | None:
    """The two views, or None when no runtime the project sees was patched (or none could
    be read back)."""
    platform = catalog.platform(instance.spec.platform)
    own = {(_kind(runtime), runtime.name): runtime for runtime in instance.spec.runtimes}
    shared = {
        ("ClusterServingRuntime", runtime.name): runtime
        for runtime in (platform.spec.serving_runtimes if platform is not None else ())
    }
    written: dict[tuple[str, str], ServingRuntime] = {}
    left: dict[tuple[str, str], ServingRuntime] = {}
    patched: dict[str, Manifest] = {}
    for key, (rendered, final) in catalog.patched.items():
        definition = own.get(key) or shared.get(key)
        if key[0] not in _RUNTIME_KINDS or definition is None:
            continue
        pair = (_read(definition, rendered.body), _read(definition, final.body))
        if pair[0] is None or pair[1] is None or pair[0] == pair[1]:
            continue
        written[key], left[key], patched[key[1]] = pair[0], pair[1], final
    if not patched:
        return None
    return _Views(
        _with(instance, catalog, written, own, shared),
        _with(instance, catalog, left, own, shared),
        patched,
    )


def _kind(runtime: ProjectServingRuntime) -> str:
    return "ServingRuntime" if runtime.scope == "namespace" else "ClusterServingRuntime"


def _read(definition: ServingRuntime, body: dict[str, Any]) -> ServingRuntime | None:
    """The runtime object read back as the model its definition has, in the same scope."""
    read = read_back(type(definition), body)
    if read is None or not isinstance(definition, ProjectServingRuntime):
        return read
    return read.model_copy(update={"scope": definition.scope})


def _with(
    instance: ProjectInstance,
    catalog: Catalog,
    runtimes: Mapping[tuple[str, str], ServingRuntime],
    own: Mapping[tuple[str, str], ServingRuntime],
    shared: Mapping[tuple[str, str], ServingRuntime],
) -> tuple[ProjectInstance, Catalog]:
    """The project and catalog with `runtimes` in place of the definitions of those names."""
    if any(key in own for key in runtimes):
        mine = [runtimes.get((_kind(r), r.name), r) for r in instance.spec.runtimes]
        instance = replace(instance, spec=instance.spec.model_copy(update={"runtimes": mine}))
    platform = catalog.platform(instance.spec.platform)
    if platform is not None and any(key in shared for key in runtimes):
        serving = [
            runtimes.get(("ClusterServingRuntime", r.name), r)
            for r in platform.spec.serving_runtimes
        ]
        spec = platform.spec.model_copy(update={"serving_runtimes": serving})
        platforms = {**catalog.platforms, instance.spec.platform: replace(platform, spec=spec)}
        catalog = replace(catalog, platforms=platforms)
    return instance, catalog
