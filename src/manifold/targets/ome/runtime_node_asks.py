"""A service's own resources where its pods are its runtime's leader and workers.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d. OME merges the
runtime's `engineConfig` (`decoderConfig`) under the InferenceService's component as a
strategic merge patch, leader and worker included (utils/reconciliation.go:69-99,
`MergeRuntimeSpecs`; utils/merging.go:59-81, 105-143): a `leader` or `worker` the
InferenceService writes goes over the runtime's field by field, one it leaves out is the
runtime's as it is. A component with a leader or workers is multi-node
(utils/deployment.go:22-25). OME builds its leader pod from the merged `leader` alone,
falling back to the merged component's own runner only where there is no leader, and the
worker pods from the merged `worker` alone (components/engine.go:268-347,
decoder.go:264-345). So a leader or worker that only the runtime has (the service writes
neither, or only the other one: `class_resources.runtime_only_nodes`) runs the runtime's
runner: the service's `resources`, which manifold writes into the InferenceService's
`spec.engine.runner` (and into the service's own leader and worker), never reach it. Nor
does anything else make up for it: with a runner that sets resources, OME gives those pods
neither the runtime's containers' nor the class's resources (components/base.go:323-344);
`class_resources` weighs the class's.

So where the runtime's leader or worker pods run with other resources than the service asks
(`unreached_resource_problems`), the service's `resources` line says so: an error where
some pod would run with fewer GPUs than asked (the workload runs, but not as written), a
warning where only other resources (cpu, memory) or more GPUs differ. manifold writes the
service's resources into a leader and workers of the service's own, which OME merges over
the runtime's key by key, so the hint is to write those that are missing (or set the
runtime's, or remove the service's).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from manifold.core.diagnostics import Problem, Severity
from manifold.core.jsonpath import JsonPath
from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import ServingRuntime
from manifold.models.workload import Component
from manifold.targets.kubernetes import quantity
from manifold.targets.ome.class_resources import runner_resources, runtime_only_nodes
from manifold.targets.ome.components import runner

GPU = "nvidia.com/gpu"


def unreached_resource_problems(
    service: Service, at: JsonPath, runtime: ServingRuntime | InlineRuntime | None
) -> Iterator[Problem]:
    """For the engine and the decoder of `service` (at `at`) some of whose pods are the
    leader or workers of `runtime` alone (`class_resources.runtime_only_nodes`) and whose
    own runner sets resources: one problem at those resources when a kind of those pods
    runs with others."""
    for name, part in _components(service):
        nodes = runtime_only_nodes(part, runtime, name)
        if nodes is None or not isinstance(runtime, ServingRuntime):
            continue
        # the component's own container: a leader's or worker's the service writes are theirs
        asked = runner_resources({"runner": runner(part, None)})
        if asked is None:
            continue
        gpu = _gpu_resource(service, part)
        running = {role: dict(runner_resources(node) or {}) for role, node in nodes.items()}
        differ = {role: had for role, had in running.items() if not _runs(had, asked)}
        if differ:
            where: JsonPath = (
                (*at, "resources") if name == "engine" else (*at, "decoder", "resources")
            )
            yield _unreached(where, name, runtime, nodes, asked, (running, differ), gpu)


def _components(service: Service) -> Iterator[tuple[str, Component]]:
    yield "engine", service
    if service.decoder is not None:
        yield "decoder", service.decoder


def _gpu_resource(service: Service, part: Component) -> str:
    """The resource name the component counts GPUs in: its own `gpu`'s, else the
    service's, else NVIDIA's."""
    for resources in (part.resources, service.resources):
        if resources is not None and resources.gpu is not None:
            return resources.gpu.resource
    return GPU


def _same(one: Any, other: Any) -> bool:
    """Whether two quantities are one amount, however written (`4` and `4000m`)."""
    if str(one) == str(other):
        return True
    first, second = _number(one), _number(other)
    return first is not None and first == second


def _number(value: Any) -> Decimal | None:
    return quantity(value if isinstance(value, int) else str(value))


def _runs(had: Mapping[str, Any], asked: Mapping[str, Any]) -> bool:
    """Whether a pod whose runner sets `had` runs with every resource `asked` sets, on the
    same side and with the same value."""
    for side in ("requests", "limits"):
        wanted = asked.get(side) or {}
        given = had.get(side) or {}
        if any(key not in given or not _same(given[key], value) for key, value in wanted.items()):
            return False
    return True


def gpus(resources: Mapping[str, Any], name: str) -> Decimal:
    """The GPUs (resource `name`) a runner's resources give a pod: its limit, else its
    request (Kubernetes takes an extended resource's request from its limit), else none."""
    for side in ("limits", "requests"):
        values = resources.get(side) or {}
        if name in values:
            return _number(values[name]) or Decimal(0)
    return Decimal(0)


def _listed(resources: Mapping[str, Any]) -> str:
    """A runner's resources as `name value`, limits over requests."""
    values = {**(resources.get("requests") or {}), **(resources.get("limits") or {})}
    return ", ".join(f"{key} {value}" for key, value in values.items()) or "none"


def _unreached(
    at: JsonPath,
    name: str,
    runtime: ServingRuntime,
    nodes: Mapping[str, Any],
    asked: Mapping[str, Any],
    pods: tuple[Mapping[str, Any], Mapping[str, Mapping[str, Any]]],
    gpu: str,
) -> Problem:
    """`pods`: the resources of each kind of the runtime's pods, and of those that run
    otherwise than `asked`."""
    every, differ = pods
    wanted = gpus(asked, gpu)
    short = [role for role, had in differ.items() if gpus(had, gpu) < wanted]
    roles = " and ".join(every)
    runners = "runners" if len(every) > 1 else "runner"
    running = "; ".join(f"{role} pods with {_listed(had)}" for role, had in differ.items())
    message = (
        f"the {name}'s resources ({_listed(asked)}) reach none of the {roles} pods that "
        f"runtime {runtime.name!r} gives it: OME builds those from the runtime's own {roles} "
        f"{runners}, not from the InferenceService's {name} runner where these are "
        f"written, so they run as the runtime says ({running})"
    )
    if short:
        message += f": fewer {gpu} than the {wanted} asked for"
    return Problem(
        at,
        message,
        hint=_hint(name, runtime, nodes),
        severity=Severity.ERROR if short else Severity.WARNING,
    )


def _hint(name: str, runtime: ServingRuntime, nodes: Mapping[str, Any]) -> str:
    """Where the resources would reach the pods: a leader and workers of the service's own
    (a `leader: {}` only beside the runtime's leader: without one, OME's leader pod runs
    the component's own runner, which has the service's resources already)."""
    where = "the service" if name == "engine" else "the service's decoder"
    own = []
    if "leader" in nodes:
        own.append("`leader: {}`")
    if isinstance(worker := nodes.get("worker"), dict):
        own.append(f"`worker: {{size: {worker.get('size')}}}`")
    them = "them" if len(own) > 1 else "it"
    return (
        f"give {where} {' and '.join(own)} (manifold writes these resources on {them}, and "
        f"OME merges {them} over the runtime's), set them on the leader and worker of runtime "
        f"{runtime.name!r}, or remove them"
    )
