"""The resources of a service's accelerator class, where OME would give its pods none.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d. OME gives the
runner of each pod of an engine or a decoder its class's `resources`, each replacing the
runner's value in requests and limits (utils/merging.go:221-281), but only when the
InferenceService's own `spec.engine.runner` (`spec.decoder.runner`) sets no resources
(components/base.go:308-344); the leader's and workers' runners of a multi-node component are
held to that same test (components/engine.go:268-347, decoder.go:264-345), so
`components.component` writes resources on the component's runner beside a leader whose pods
ask for some. A pod whose runner sets resources of its own therefore gets nothing from the
class: a service that sets cpu and memory and leaves the GPU count to its class (`gpu.count:
0` with a `type`, or a decoder without a `gpu` on the service's class) would run without
GPUs. What such a project means is the class's resources where it sets none, so:

- where manifold knows the class (the platform file's, not `external`, as the environment's
  patches leave it), each pod's runner gets the class's resources it sets on neither side,
  as both request and limit (what OME would have given it), and OME's skipped merge then
  changes nothing;
- where it does not, `unknown_class_warnings` warns at the resources the pods would run with.

A runtime's own resources (its `engineConfig`, or containers) are not weighed: OME merges
them under the class's, and they reach the pods the same way with or without it.

A leader or workers only the runtime has are the pods' when the service's component writes
neither, and the runtime's leader is when it writes only workers: OME merges the runtime's
`engineConfig` (`decoderConfig`) under the InferenceService's component, a leader or worker
the InferenceService writes over the runtime's field by field and one it leaves out kept as
it is (utils/merging.go:59-81, 105-143), and builds the leader and worker pods from the
merged leader and worker alone (engine.go:268-347). Its gate is still the
InferenceService's own runner (base.go:323-344): where the service's resources set some,
OME gives none of the runtime's pods the class's, and the service's own reach none of them
either. Each kind of those pods whose runner lacks what the class gives is then an error at
the service's resources where manifold knows the class, a warning for its GPUs where it
does not (`runtime_node_resource_problems`): manifold cannot write into the runtime's pods
from the InferenceService without writing them a leader or workers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem, Severity
from manifold.core.jsonpath import JsonPath
from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import ServingRuntime
from manifold.models.workload import Component
from manifold.targets import kubernetes as k8s
from manifold.targets.ome.class_choice import class_quantities, selected_classes
from manifold.targets.ome.components import RUNNER_NAME, component

Quantities = dict[str, k8s.QuantityValue]


def known_class(instance: ProjectInstance, catalog: Catalog, name: str) -> dict[str, Any] | None:
    """The spec of the class `name` as the environment's cluster will have it, in OME's
    field names; None when manifold does not know the class (no platform file defines it,
    or it is installed by other means)."""
    platform = catalog.platform(instance.spec.platform)
    classes = platform.spec.accelerator_classes if platform is not None else []
    declared = next((c for c in classes if c.name == name), None)
    if declared is None or declared.external:
        return None
    patched = catalog.patched.get(("AcceleratorClass", name))
    if patched is None:
        return declared.spec_data
    spec = patched[1].body.get("spec")
    return spec if isinstance(spec, dict) else {}


def known_resources(instance: ProjectInstance, catalog: Catalog, name: str) -> Quantities | None:
    """The resources of the class `name` as the environment's cluster will have it, by
    resource name (a quantity left out is the CRD's default, 1: accelerator_class.go:173);
    None when manifold does not know the class (`known_class`)."""
    spec = known_class(instance, catalog, name)
    if spec is None:
        return None
    return class_quantities(spec)


def _pods(spec: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """Where the runner of each kind of pod of the component is written: the component
    itself for a single pod, or for a leader pod without a `leader` (engine.go:276-291,
    decoder.go:271-286), else the leader; the worker."""
    found: list[tuple[str | None, dict[str, Any]]] = []
    leader = spec.get("leader")
    found.append(("leader", leader) if isinstance(leader, dict) else (None, spec))
    if isinstance(worker := spec.get("worker"), dict):
        found.append(("worker", worker))
    return found


def runner_resources(part: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The resources a runner sets, or None when it sets none (no requests, no limits, no
    claims: what OME tests before it adds a class's, components/base.go:308-311)."""
    runner = part.get("runner")
    resources = runner.get("resources") if isinstance(runner, dict) else None
    if not isinstance(resources, dict):
        return None
    given = resources.get("requests") is not None or resources.get("limits") is not None
    return resources if given or resources.get("claims") else None


def _resources(holder: Mapping[str, Any]) -> Mapping[str, Any]:
    """The resources a pod's runner sets, empty where it sets none (`runner_resources`)."""
    return runner_resources(holder) or {}


def _unset(resources: Mapping[str, Any], names: list[str]) -> list[str]:
    sides = [resources.get(side) or {} for side in ("requests", "limits")]
    return [name for name in names if not any(name in side for side in sides)]


def complete(spec: dict[str, Any], given: Quantities) -> None:
    """Write the class's resources `given` into each pod's runner of the InferenceService's
    component `spec`, for those it sets on neither side, where some pod's runner sets
    resources (OME then gives none of them the class's, or, for workers without a leader
    whose component sets none, replaces the workers' with them: the leader pod's runner,
    the component's, then sets them and OME does neither)."""
    pods = _pods(spec)
    if not given or not any(_resources(holder) for _, holder in pods):
        return
    if "leader" in spec:  # the component's own, beside it: what the project asks of them
        pods.append((None, spec))
    for role, holder in pods:
        runner: dict[str, Any] = holder.setdefault("runner", {})
        if role is not None and "name" not in runner:
            holder["runner"] = runner = {"name": RUNNER_NAME, **runner}
        # the pods' runners may share one resources mapping (components._folded): copied
        resources = {
            side: dict(v) if isinstance(v, dict) else v
            for side, v in runner.get("resources", {}).items()
        }
        for name in _unset(resources, list(given)):
            for side in ("requests", "limits"):
                resources.setdefault(side, {})[name] = given[name]
        runner["resources"] = resources


def with_class_resources(
    isvc: dict[str, Any], service: Service, instance: ProjectInstance, catalog: Catalog
) -> None:
    """The InferenceService `isvc` rendered for `service`, with the resources of the classes
    manifold knows written where OME would give the pods none (`complete`)."""
    spec = isvc["spec"]
    for name, _, class_name in selected_classes(service):
        given = known_resources(instance, catalog, class_name)
        if given is not None and isinstance(spec.get(name), dict):
            complete(spec[name], given)


def unknown_class_warnings(
    instance: ProjectInstance,
    catalog: Catalog,
    service: Service,
    at: JsonPath,
    runtime: ServingRuntime | InlineRuntime | None = None,
) -> Iterator[Problem]:
    """A warning for each kind of pod of `service` (at `at`) that sets resources of its own
    but no GPUs where manifold does not know the component's class: OME gives it none of
    the class's, whose GPUs the project leaves the count to. A component whose pods are
    its runtime's leader and workers (`runtime` is the one it runs with), and a pod the
    runtime's leader makes, is weighed by `runtime_node_resource_problems`."""
    engine_gpu = service.resources.gpu if service.resources else None
    for name, part, class_name in selected_classes(service):
        if known_resources(instance, catalog, class_name) is not None:
            continue
        if runtime_nodes(part, runtime, name) is not None:
            continue
        spec: dict[str, Any] = dict(component(part, None, of_service=True))
        if not _resources(spec):
            continue  # OME gives every pod the class's resources
        theirs = runtime_only_nodes(part, runtime, name) or {}
        gpu = part.resources.gpu if part.resources and part.resources.gpu else engine_gpu
        resource = gpu.resource if gpu is not None else "nvidia.com/gpu"
        where: JsonPath = at if name == "engine" else (*at, "decoder")
        for role, holder in _pods(spec):
            if role is None and "leader" in theirs:
                continue  # the leader pods are the runtime's leader's
            if _unset(_resources(holder), [resource]):
                at_resources = _resources_at(part, where, role)
                # workers without a leader: the component's own pod is their group's leader
                shown = role or ("leader" if "worker" in spec else None)
                yield _no_gpus(at_resources, name, shown, class_name, resource)


def _resources_at(part: Component, at: JsonPath, role: str | None) -> JsonPath:
    """Where the project sets the resources a pod's runner has (the leader's or worker's
    own, else the component's), or the leader or worker that sets none."""
    node = getattr(part, role) if role is not None else None
    if node is not None and node.resources is not None:
        return (*at, str(role), "resources")
    if part.resources is not None or role is None:
        return (*at, "resources")
    return (*at, role)


def _no_gpus(at: JsonPath, name: str, role: str | None, class_name: str, gpu: str) -> Problem:
    pods = f"the {name}'s pods" if role is None else f"the {name}'s {role} pods"
    return Problem(
        at,
        f"{pods} get no {gpu} from accelerator class {class_name!r}: OME gives a pod none "
        f"of its class's resources when the {name}'s own runner sets resources, as here, and "
        "manifold cannot write them in, since it does not know the class (no platform file "
        "defines it, or it is installed by other means)",
        hint=f"set resources.gpu.count (or {gpu} in requests and limits)",
        severity=Severity.WARNING,
    )


def _multi_node(runtime: ServingRuntime | InlineRuntime | None, name: str) -> dict[str, Any] | None:
    """The runtime's `engineConfig` (`decoderConfig`, by `name`) as rendered, where it has a
    leader or workers; None otherwise, and where manifold does not know the runtime
    (`runtime` None) or it is an inline one, which has no leader or workers."""
    if runtime is None or isinstance(runtime, InlineRuntime):
        return None
    theirs: Component | None = getattr(runtime, name)
    if theirs is None or (theirs.leader is None and theirs.worker is None):
        return None
    return dict(component(theirs, RUNNER_NAME))


def runtime_nodes(
    part: Component, runtime: ServingRuntime | InlineRuntime | None, name: str
) -> dict[str, Any] | None:
    """The runtime's `engineConfig` (`decoderConfig`, by `name`) as rendered, where its
    leader or workers are the component's pods: the service's component `part` writes
    neither, and OME merges the runtime's under it (utils/merging.go:105-143). None
    otherwise (`_multi_node`)."""
    if part.leader is not None or part.worker is not None:
        return None
    return _multi_node(runtime, name)


def runtime_only_nodes(
    part: Component, runtime: ServingRuntime | InlineRuntime | None, name: str
) -> dict[str, dict[str, Any]] | None:
    """The runtime's leader and worker (as rendered, by role) that the component's pods are
    built from alone: each one the runtime has and the service's component `part` does not
    write. OME merges the InferenceService's component over the runtime's as a strategic
    merge patch (utils/merging.go:59-81, 105-143): a leader or worker the InferenceService
    writes goes over the runtime's field by field, and one it leaves out is the runtime's
    as it is, which the InferenceService's runner never reaches (engine.go:268-347). None
    where there is none (`_multi_node`)."""
    return nodes_not_written(part, _multi_node(runtime, name))


def nodes_not_written(part: Component, config: object) -> dict[str, dict[str, Any]] | None:
    """The leader and worker of a runtime's component `config` (rendered, or as an object
    holds it) that the service's component `part` does not write, by role; None for none."""
    if not isinstance(config, dict):
        return None
    nodes = {
        role: config[role]
        for role in ("leader", "worker")
        if getattr(part, role) is None and isinstance(config.get(role), dict)
    }
    return nodes or None


def runtime_line(service: Service, at: JsonPath, name: str) -> JsonPath:
    """The project's line that gives the component its runtime's pods: the service's
    `runtime` where it names one, else (auto-selected) the `gpu.type` naming its class."""
    if service.runtime is not None:
        return (*at, "runtime")
    decoder = service.decoder
    own = decoder.resources.gpu if decoder and decoder.resources else None
    if name == "decoder" and own is not None and own.type is not None:
        return (*at, "decoder", "resources", "gpu", "type")
    return (*at, "resources", "gpu", "type")


def runtime_node_resource_problems(
    instance: ProjectInstance,
    catalog: Catalog,
    service: Service,
    at: JsonPath,
    runtime: ServingRuntime | InlineRuntime | None,
) -> Iterator[Problem]:
    """For each component of `service` (at `at`) some of whose pods are its runtime's leader
    or workers (`runtime_only_nodes`) and whose own runner sets resources: one problem,
    naming each kind of those pods without the class's resources (an error), or without
    GPUs where manifold does not know the class (a warning). OME gives them none of the
    class's (base.go:323-344)."""
    engine_gpu = service.resources.gpu if service.resources else None
    for name, part, class_name in selected_classes(service):
        own: dict[str, Any] = dict(component(part, None, of_service=True))
        if not isinstance(runtime, ServingRuntime) or not _resources(own):
            continue  # without resources of its own, OME gives every pod the class's
        given = known_resources(instance, catalog, class_name)
        if given is not None:
            complete(own, given)  # what the InferenceService's runner is rendered with
        gpu = part.resources.gpu if part.resources and part.resources.gpu else engine_gpu
        wanted = list(given) if given is not None else [gpu.resource if gpu else "nvidia.com/gpu"]
        where: JsonPath = (*at, "resources") if name == "engine" else (*at, "decoder", "resources")
        lacking = {
            role: missing
            for role, asked in _runtime_pods(part, runtime, name, own)
            if (missing := _unset(asked, wanted))
        }
        if lacking:
            said = (name, runtime.name, class_name, lacking)
            yield _runtime_pods_without(where, given is not None, *said)


def _runtime_pods(
    part: Component, runtime: ServingRuntime, name: str, own: Mapping[str, Any]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The resources of each kind of the component's pods that the runtime's leader or
    worker makes (`runtime_only_nodes`), by role: theirs as written, and where the
    runtime's workers have no leader beside them, the leader pod's, which runs the merged
    component's runner: the InferenceService's `own` over the runtime's, key by key
    (engine.go:276-291)."""
    nodes = runtime_only_nodes(part, runtime, name)
    if nodes is None:
        return
    if part.leader is None and "leader" not in nodes:
        theirs = _multi_node(runtime, name) or {}
        yield "leader", _merged_resources(_resources(theirs), _resources(own))
    for role, holder in nodes.items():
        yield role, _resources(holder)


def _merged_resources(theirs: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """A runner's resources with the InferenceService's over the runtime's, key by key:
    the leader pod of workers without a leader runs the merged component's runner."""
    return {
        side: {**(theirs.get(side) or {}), **(own.get(side) or {})}
        for side in ("requests", "limits")
    }


def _runtime_pods_without(
    at: JsonPath,
    known: bool,
    name: str,
    runtime: str,
    class_name: str,
    lacking: Mapping[str, list[str]],
) -> Problem:
    """One problem for every kind of the runtime's pods of the component that lacks some of
    the class's resources (`lacking`, what each lacks by role)."""
    roles = " and ".join(lacking)
    every = list(dict.fromkeys(item for missing in lacking.values() for item in missing))
    listed = f"no {', '.join(every)}"
    if any(missing != every for missing in lacking.values()):
        listed = " and ".join(
            f"no {', '.join(missing)} ({role} pods)" for role, missing in lacking.items()
        )
    gets = f"get {listed} from accelerator class {class_name!r}"
    if not known:
        gets = f"may get {listed}: manifold does not know accelerator class {class_name!r}"
    return Problem(
        at,
        f"the {name}'s {roles} pods, which runtime {runtime!r} defines, {gets}: OME gives "
        f"no pod of the {name} the class's resources when the InferenceService's {name} "
        f"runner sets resources, as the service's do here, and those reach none of the "
        f"runtime's leader and worker pods, which run their own runners",
        hint=f"leave the {name}'s resources to runtime {runtime!r} and the class (remove "
        f"them), or ask for {', '.join(every)} in the runtime's leader and worker",
        severity=Severity.ERROR if known else Severity.WARNING,
    )
