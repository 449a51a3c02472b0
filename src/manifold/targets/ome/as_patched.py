"""OME's rules on an InferenceService against its runtimes and models as the environment's
patches leave them.

manifold decides which runtime a service runs with, checks the service against it and its
model, and renders it, from the runtimes and models as the project and the platform file
write them. A patch of a ServingRuntime, ClusterServingRuntime, BaseModel or
ClusterBaseModel changes what the cluster holds, and OME decides from that: it selects among
the runtimes it finds, never a disabled one nor one without an `autoSelect` format, by the
model's format and framework (pkg/runtimeselector/selector.go:218-278, evaluateRuntime),
refuses a named runtime that is disabled or cannot serve the model (selector.go:150-215,
ValidateRuntime), refuses a disabled model, and merges the runtime's component settings
under the service's (inferenceservice/utils/merging.go:105-143). So each InferenceService of
a project is checked again with the runtimes and models as the environment leaves them, and
what OME would do otherwise than with them as written is an error at the patch it is owed
to: another runtime selected or none, a named runtime refused, a model disabled, a
deployment mode or autoscaling the patched runtime brings, resources it gives that the
service's own runner overrides (so that the patch never reaches the pods), or a leader and
workers it gives or changes that run with fewer GPUs than the service asks, or without its
class's resources (`runtime_node_asks`, `class_resources`), or that select node labels the
class's would replace (`runtime_node_placement`): the errors only, where the service had
none with the runtime as written.

Only an environment that patches a runtime or a model pays anything: for every other one the
check stops at its first line. An object an import could not read back (fields manifold does
not model) keeps its written form here, as in `final`; so does a service's inline runtime,
which its service renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from manifold.compile.catalog import Catalog, find_model
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem, Severity
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.models.project import InlineRuntime, Model, Service
from manifold.models.runtimes import ServingRuntime
from manifold.targets.base import Refusal
from manifold.targets.ome.accelerators_as_patched import accelerator_refusals
from manifold.targets.ome.checks import named_runtime_problems
from manifold.targets.ome.class_resources import runtime_node_resource_problems
from manifold.targets.ome.final import read_back
from manifold.targets.ome.importing.render_checks import (
    RUNTIME_COMPONENT_FIELDS,
    service_refusals,
)
from manifold.targets.ome.renamed import renamed_refusals, unresolved_refusals
from manifold.targets.ome.render import placement, under_runtime
from manifold.targets.ome.runtime_node_asks import unreached_resource_problems
from manifold.targets.ome.runtime_node_placement import runtime_node_placements
from manifold.targets.ome.service_runtime import runtime_used

_KINDS = frozenset({"ServingRuntime", "ClusterServingRuntime", "BaseModel", "ClusterBaseModel"})
_AT_RUNTIME: JsonPath = ("spec", "runtime")
_AT_MODEL: JsonPath = ("spec", "model", "name")
Definition = ServingRuntime | Model
Key = tuple[str, str]


@dataclass(frozen=True)
class _Views:
    """The project and its catalog twice: with each patched runtime and model as an import
    reads it before the patches (`written`) and after (`left`); `owed`, the patched object
    each read-back definition (of either view) stands for, by the definition's id."""

    written: tuple[ProjectInstance, Catalog]
    left: tuple[ProjectInstance, Catalog]
    owed: Mapping[int, Manifest]
    definitions: tuple[Definition, ...]
    """The read-back definitions, kept alive while their ids are keys of `owed`."""

    def owed_to(self, *definitions: object) -> Manifest | None:
        return next((self.owed[id(d)] for d in definitions if id(d) in self.owed), None)


def dependency_refusals(
    instance: ProjectInstance, catalog: Catalog, final: Manifest
) -> list[Refusal]:
    """What OME would run otherwise for the InferenceService `final` with its runtimes,
    models and accelerator classes as the environment's patches leave them than with them
    as written (the classes: `accelerators_as_patched`), and whether it finds what an
    InferenceService or a BenchmarkJob names under the names the patches leave (`renamed`)."""
    if final.kind not in ("InferenceService", "BenchmarkJob") or not catalog.patched:
        return []
    if final.kind == "BenchmarkJob":
        return renamed_refusals(instance, catalog, final)
    return [
        *renamed_refusals(instance, catalog, final),
        *unresolved_refusals(instance, catalog, final),
        *_runtime_refusals(instance, catalog, final),
        *accelerator_refusals(catalog, final),
    ]


def _runtime_refusals(
    instance: ProjectInstance, catalog: Catalog, final: Manifest
) -> list[Refusal]:
    if not any(kind in _KINDS for kind, _ in catalog.patched):
        return []
    service = _service(instance, final)
    if service is None or isinstance(service.runtime, InlineRuntime):
        return []
    views = _views(instance, catalog)
    if views is None:
        return []
    models = [find_model(*view, service.model) for view in (views.written, views.left)]
    if models[0] is None or models[1] is None:
        return []
    model_before, model_after = models[0].item, models[1].item
    if model_after.disabled and not model_before.disabled:
        message = f"OME refuses to serve model {model_after.name!r}: this patch disables it"
        return [Refusal(_AT_MODEL, message, owed_to=views.owed_to(model_after))]
    before = runtime_used(*views.written, service)
    after = runtime_used(*views.left, service)
    if not isinstance(before, ServingRuntime):
        return []  # OME's choice is not known offline, or the service runs its own runner
    if service.runtime is None and _name(after) != before.name:
        owed = views.owed_to(after, before, model_after)
        return [_selection_changed(before.name, _name(after), owed or final)]
    owed = views.owed_to(after, model_after)
    if not isinstance(after, ServingRuntime) or owed is None:
        return []  # neither the runtime it runs nor its model is one a patch changed
    found = [*_named_refusals(views, service), *_scaling(service, before, after)]
    runtime = views.owed_to(after)
    if runtime is not None:
        rendered, _ = catalog.patched[(runtime.kind, runtime.name)]
        found += _resources_overridden(rendered.body, runtime.body, final.body, after.name)
        found += _node_resources(views, service, before, after)
        held = (rendered.body, runtime.body)
        found += _node_placement(views, service, (before, after), held)
    return [Refusal(path, message, owed_to=owed) for path, message in found]


def _service(instance: ProjectInstance, final: Manifest) -> Service | None:
    """The project's service the InferenceService renders (its `spec_path`)."""
    match final.spec_path:
        case ("services", int(index)) if index < len(instance.spec.services):
            return instance.spec.services[index]
    return None


def _name(runtime: ServingRuntime | InlineRuntime | None) -> str | None:
    return runtime.name if isinstance(runtime, ServingRuntime) else None


def _selection_changed(before: str, after: str | None, owed: Manifest) -> Refusal:
    if after is None:
        message = (
            "OME selects no runtime for this service once the environment's patches change "
            f"its runtimes or model (manifold selected {before!r} from them as written): OME "
            "will not run it; name a runtime for the service, or patch the runtimes so that "
            "one can be selected for its model"
        )
    else:
        message = (
            f"OME selects runtime {after!r} for this service, not {before!r}, which manifold "
            "selected, checked and rendered it for from the runtimes and model as written: "
            "name the runtime the service runs, or patch them so that OME selects that one"
        )
    return Refusal(_AT_RUNTIME, message, owed_to=owed)


def _named_refusals(views: _Views, service: Service) -> list[tuple[JsonPath, str]]:
    """What OME refuses of a runtime the service names, new with the patches."""
    reference = service.runtime
    if reference is None or isinstance(reference, InlineRuntime):
        return []
    found: list[list[str]] = []
    for instance, catalog in (views.written, views.left):
        model = find_model(instance, catalog, service.model)
        assert model is not None  # found in both views by the caller
        problems = named_runtime_problems(instance, catalog, service, reference, model.item, ())
        found.append([problem.message for problem in problems])
    said = "OME refuses the runtime this service names, as this patch leaves it: "
    return [(_AT_RUNTIME, said + message) for message in found[1] if message not in found[0]]


def _scaling(
    service: Service, before: ServingRuntime, after: ServingRuntime
) -> list[tuple[JsonPath, str]]:
    """How OME deploys and scales the service, refused with the patched runtime only."""
    earlier = set(service_refusals(service, before))
    said = f"with runtime {after.name!r} as this patch leaves it, "
    return [
        (path, said + message)
        for path, message in service_refusals(service, after)
        if (path, message) not in earlier
    ]


def _node_resources(
    views: _Views, service: Service, before: ServingRuntime, after: ServingRuntime
) -> list[tuple[JsonPath, str]]:
    """The errors of the service's resources against its runtime's leader and worker pods
    (`runtime_node_asks`, and `class_resources` for the class's) with the runtime as this
    patch leaves it, at a component whose resources were not in error with the runtime as
    written: a patch that gives the runtime a leader and workers, or changes theirs, decides
    what those pods run (utils/merging.go:105-143, components/engine.go:268-347)."""

    def errors(instance: ProjectInstance, catalog: Catalog, runtime: ServingRuntime) -> Errors:
        below = under_runtime(instance, catalog, service)
        problems = [
            *unreached_resource_problems(below, (), runtime),
            *runtime_node_resource_problems(instance, catalog, below, (), runtime),
        ]
        return [(_runner_resources(p.path), p) for p in problems]

    return _new_errors(views, (before, after), after.name, errors)


def _node_placement(
    views: _Views,
    service: Service,
    runtimes: tuple[ServingRuntime, ServingRuntime],
    bodies: tuple[dict[str, Any], dict[str, Any]],
) -> list[tuple[JsonPath, str]]:
    """The errors of the class's node labels against the runtime's leader and worker pods
    that are the service's (`runtime_node_placement`) with the runtime as this patch leaves
    it, at a component without one with the runtime as written: a patch that gives the
    runtime a leader and workers, or changes their node selectors, decides where those pods
    ask to run, and OME puts the class's selector over theirs (utils/merging.go:181-219,
    components/base.go:192-226). The leader and worker are read from the runtime's object
    before and after the patches (`bodies`), as OME reads them. Said at the component's node
    selector, where the service would select the label for every pod of it; the affinity
    warnings are not repeated."""

    def errors(instance: ProjectInstance, catalog: Catalog, side: _Side) -> Errors:
        runtime, body = side
        below = under_runtime(instance, catalog, service)
        placed = runtime_node_placements(
            instance, catalog, below, (), placement(instance), runtime, _configs(body)
        )
        return [(("spec", name, "nodeSelector"), problem) for name, problem in placed]

    sides = ((runtimes[0], bodies[0]), (runtimes[1], bodies[1]))
    return _new_errors(views, sides, runtimes[1].name, errors)


def _configs(body: dict[str, Any]) -> dict[str, Any]:
    """A runtime object's `engineConfig` and `decoderConfig`, by component name."""
    spec = body.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    return {name: spec.get(field) for name, field in RUNTIME_COMPONENT_FIELDS.items()}


Errors = list[tuple[JsonPath, Problem]]
_Side = tuple[ServingRuntime, dict[str, Any]]
"""A runtime and its object's body, before or after the patches."""
T = TypeVar("T")


def _new_errors(
    views: _Views,
    sides: tuple[T, T],
    name: str,
    errors: Callable[[ProjectInstance, Catalog, T], Errors],
) -> list[tuple[JsonPath, str]]:
    """The first error `errors` finds at each path of the InferenceService with runtime
    `name` as the patch leaves it (the second of `sides`), where it finds none with it as
    written (the first)."""
    found: list[dict[JsonPath, str]] = []
    for (instance, catalog), side in zip((views.written, views.left), sides, strict=True):
        first: dict[JsonPath, str] = {}
        for at, problem in errors(instance, catalog, side):
            if problem.severity is Severity.ERROR:
                first.setdefault(at, problem.message)  # the first: GPUs come first
        found.append(first)
    said = f"with runtime {name!r} as this patch leaves it, "
    return [(at, said + message) for at, message in found[1].items() if at not in found[0]]


def _runner_resources(path: JsonPath) -> JsonPath:
    """The InferenceService's runner resources a service's `resources` (its decoder's,
    `("decoder", "resources")`) are rendered in."""
    component = "decoder" if path[:1] == ("decoder",) else "engine"
    return ("spec", component, "runner", "resources")


def _resources_overridden(
    rendered: dict[str, Any], patched: dict[str, Any], service: dict[str, Any], name: str
) -> list[tuple[JsonPath, str]]:
    """Resources a patch gives a runtime's component that the InferenceService's own runner
    sets otherwise: OME merges the service's runner over the runtime's key by key
    (utils/merging.go:20-54, MergeRuntimeContainers, a strategic merge), so the patch
    never reaches the pods."""
    found: list[tuple[JsonPath, str]] = []
    for component, field in RUNTIME_COMPONENT_FIELDS.items():
        given = _resources(patched, field)
        before, own = _resources(rendered, field), _resources(service, component)
        for side, values in given.items():
            for resource, value in values.items():
                mine = own.get(side, {}).get(resource)
                if before.get(side, {}).get(resource) == value or mine in (None, value):
                    continue
                found.append(
                    (
                        ("spec", component, "runner", "resources", side, resource),
                        f"this patch sets {field}.runner.resources.{side}.{resource} of "
                        f"runtime {name!r} to {value}, but the InferenceService's {component} "
                        f"sets {mine}, and OME merges the service's runner over the runtime's, "
                        "key by key: the patch would never reach the pods; patch the "
                        "InferenceService, or set the resources on the service",
                    )
                )
    return found


def _resources(body: dict[str, Any], field: str) -> dict[str, dict[str, Any]]:
    """A component's runner resources (requests, limits) in an object's spec."""
    part: Any = body.get("spec")
    for step in (field, "runner", "resources"):
        part = part.get(step) if isinstance(part, dict) else None
    if not isinstance(part, dict):
        return {}
    return {side: v for side in ("requests", "limits") if isinstance(v := part.get(side), dict)}


def _views(instance: ProjectInstance, catalog: Catalog) -> _Views | None:
    """The two views, or None when no runtime or model the project sees was patched (or
    none could be read back)."""
    seen = _seen(instance, catalog)
    written: dict[Key, Definition] = {}
    left: dict[Key, Definition] = {}
    owed: dict[int, Manifest] = {}
    for key, (rendered, final) in catalog.patched.items():
        definition = seen.get(key)
        if definition is None:
            continue
        before, after = _read(definition, rendered.body), _read(definition, final.body)
        if before is None or after is None or before == after:
            continue
        written[key], left[key] = before, after
        owed[id(before)] = owed[id(after)] = final
    if not owed:
        return None
    return _Views(
        _with(instance, catalog, written),
        _with(instance, catalog, left),
        owed,
        (*written.values(), *left.values()),
    )


def _seen(instance: ProjectInstance, catalog: Catalog) -> dict[Key, Definition]:
    """The runtimes and models the project sees, by the kind and name of their objects:
    the platform's, then the project's over them (as OME looks in the namespace first)."""
    platform = catalog.platform(instance.spec.platform)
    seen: dict[Key, Definition] = {}
    if platform is not None:
        seen.update((("ClusterServingRuntime", r.name), r) for r in platform.spec.serving_runtimes)
        seen.update((("ClusterBaseModel", m.name), m) for m in platform.spec.models)
    seen.update((_key(definition), definition) for definition in _own(instance))
    return seen


def _own(instance: ProjectInstance) -> list[Definition]:
    return [*instance.spec.runtimes, *instance.spec.models]


def _key(definition: Definition) -> Key:
    cluster = getattr(definition, "scope", "namespace") == "cluster"
    if isinstance(definition, ServingRuntime):
        return ("ClusterServingRuntime" if cluster else "ServingRuntime", definition.name)
    return ("ClusterBaseModel" if cluster else "BaseModel", definition.name)


def _read(definition: Definition, body: dict[str, Any]) -> Definition | None:
    """The object read back as the model its definition has, in the same scope."""
    read = read_back(type(definition), body)
    scope = getattr(definition, "scope", None)
    if read is None or scope is None:
        return read
    return read.model_copy(update={"scope": scope})


def _with(
    instance: ProjectInstance, catalog: Catalog, definitions: Mapping[Key, Definition]
) -> tuple[ProjectInstance, Catalog]:
    """The project and catalog with `definitions` in place of those of the same objects."""
    spec = instance.spec
    if any(_key(d) in definitions for d in _own(instance)):
        runtimes = [definitions.get(_key(r), r) for r in spec.runtimes]
        models = [definitions.get(_key(m), m) for m in spec.models]
        spec = spec.model_copy(update={"runtimes": runtimes, "models": models})
        instance = replace(instance, spec=spec)
    platform = catalog.platform(spec.platform)
    if platform is not None:
        shared = platform.spec
        runtimes = [
            definitions.get(("ClusterServingRuntime", r.name), r) for r in shared.serving_runtimes
        ]
        models = [definitions.get(("ClusterBaseModel", m.name), m) for m in shared.models]
        shared = shared.model_copy(update={"serving_runtimes": runtimes, "models": models})
        platforms = {**catalog.platforms, spec.platform: replace(platform, spec=shared)}
        catalog = replace(catalog, platforms=platforms)
    return instance, catalog
