"""Where a service's pods that are its runtime's leader or workers run, against its
accelerator class: manifold writes nothing into those pods, so what the class would place
otherwise than the runtime asks can only be said.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d. OME merges the
runtime's `engineConfig` (`decoderConfig`) under the InferenceService's component as a
strategic merge patch, leader and worker included (utils/reconciliation.go:69-99,
utils/merging.go:59-81, 105-143): a `leader` or `worker` the InferenceService leaves out
(it is `omitempty`, pkg/apis/ome/v1beta1/inference_service.go:160-166) is the runtime's as it
is. So the pods of a component that writes neither are the runtime's leader and workers,
and the leader pods of one that writes only workers are the runtime's leader
(`class_resources.runtime_only_nodes`): OME builds the leader pod from the merged `leader`
and the worker pods from the merged `worker` (components/engine.go:268-347,
decoder.go:264-345). On each of those pods it then

- puts the node labels of the class's `discovery.nodeSelector` over the pod's own, and
  only the InferenceService's own component's `nodeSelector` (not the merged one) over the
  class's (components/base.go:192-226, utils/merging.go:181-219); none at all for a service
  that loads one fine-tuned weight configured as merged (base.go:199-205);
- replaces the pod's affinity with the class's unless the InferenceService's own component
  sets one (base.go:346-368).

So a label the runtime's leader or workers select, not on the service's component, that the
class selects otherwise is an error, and an affinity of theirs that the class's replaces (the
service's component sets none; the class has one, or manifold does not know it) a warning.
Where the service writes workers with an affinity of their own and manifold knows the class,
`class_placement.with_class_affinity` writes the class's on the component, which keeps the
workers' and the runtime's leader's own: a runtime leader that sets none then gets none of
the class's, a warning too. All at the project's line that gives the component the runtime's
pods (the service's `runtime`, else its class: `class_resources.runtime_line`).
`as_patched` holds a runtime's leader and workers as the environment's patches leave them to
the same rule (`runtime_node_placements`).
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
from manifold.targets import kubernetes as k8s
from manifold.targets.ome.class_choice import mapping_at, selected_classes
from manifold.targets.ome.class_placement import rendered, replaced
from manifold.targets.ome.class_resources import (
    known_class,
    nodes_not_written,
    runtime_line,
    runtime_only_nodes,
)

_ROLES = ("leader", "worker")
Said = tuple[str, str, str]
"""The component's, the runtime's and the class's names."""


def runtime_node_placements(
    instance: ProjectInstance,
    catalog: Catalog,
    service: Service,
    at: JsonPath,
    defaults: k8s.Placed,
    runtime: ServingRuntime | InlineRuntime | None,
    held: Mapping[str, Any] | None = None,
) -> Iterator[tuple[str, Problem]]:
    """What OME would place otherwise than `runtime` (the one `service`, at `at`, runs with,
    where manifold knows it) asks for each component's pods it alone defines, by the
    component's name; `defaults`: the environment's placement for decoders. `held`: the
    runtime's `engineConfig` and `decoderConfig` by component name, as its object is (a
    patch's), where those are to be read rather than rendered from `runtime`: a patched
    object read back and rendered again folds what the patch sets on the component into its
    leader and worker, which OME builds those pods from alone (engine.go:276-281, 322-338)."""
    if not isinstance(runtime, ServingRuntime):
        return  # unknown, or an inline runtime, which has no leader or workers
    merged_possible = len(service.adapters or []) == 1  # OME then adds no labels at all
    for name, part, class_name in selected_classes(service):
        if held is None:
            nodes = runtime_only_nodes(part, runtime, name)
        else:
            nodes = nodes_not_written(part, held.get(name))
        if nodes is None:
            continue
        own = rendered(part, name, defaults)
        known = known_class(instance, catalog, class_name)
        line = runtime_line(service, at, name)
        said = (name, runtime.name, class_name)
        if known is not None and not merged_possible:
            for problem in _labels(nodes, own, known, line, said):
                yield name, problem
        for problem in _affinity(nodes, own, known, line, said):
            yield name, problem


def _labels(
    nodes: Mapping[str, Any],
    own: Mapping[str, Any],
    known: Mapping[str, Any],
    line: JsonPath,
    said: Said,
) -> Iterator[Problem]:
    """One error for each label the runtime's pods (`nodes`, by role) select otherwise than
    the class `known`, which the service's component `own` does not select."""
    labels = mapping_at(known, "discovery", "nodeSelector")
    found: dict[str, list[tuple[str, Any]]] = {}
    for role, key, value in replaced(nodes, labels, mapping_at(own, "nodeSelector")):
        found.setdefault(key, []).append((role, value))
    for key, chosen in found.items():
        yield _label_problem(line, said, key, chosen, labels[key])


def _affinity(
    nodes: Mapping[str, Any],
    own: Mapping[str, Any],
    known: Mapping[str, Any] | None,
    line: JsonPath,
    said: Said,
) -> Iterator[Problem]:
    """A warning where the runtime's pods (`nodes`) are given the class's affinity in place
    of their own, or, beside the service's workers that keep theirs by the class's affinity
    written on the component, get none of the class's."""
    affinity = None if known is None else mapping_at(known, "discovery").get("affinity")
    if "affinity" in own or (known is not None and affinity is None):
        return  # kept by the service's own, or the class has none to give
    name, runtime, class_name = said
    if affinity is not None and "affinity" in mapping_at(own, "worker"):
        bare = [role for role in _ROLES if role in nodes and "affinity" not in nodes[role]]
        if bare:
            yield _none_given(line, said, bare)
        return
    roles = [role for role in _ROLES if "affinity" in mapping_at(nodes, role)]
    if roles:
        pods = " and ".join(roles) + " pods"
        how = "are given" if known is not None else "may be given, if it has one,"
        yield Problem(
            line,
            f"the {name}'s {pods}, which runtime {runtime!r} defines, {how} the affinity "
            f"of accelerator class {class_name!r} in place of their own: OME replaces every "
            f"pod's affinity with the class's unless the InferenceService's {name} itself "
            "sets one, and the service sets none",
            hint=f"set affinity on the service's {name} (the runtime's {roles[0]}'s) to keep "
            "theirs, or leave their affinity to the class",
            severity=Severity.WARNING,
        )


def _none_given(line: JsonPath, said: Said, roles: list[str]) -> Problem:
    name, runtime, class_name = said
    pods = " and ".join(roles) + " pods"
    return Problem(
        line,
        f"the {name}'s {pods}, which runtime {runtime!r} defines, get no affinity from "
        f"accelerator class {class_name!r}: OME gives a class's affinity to no pod of the "
        f"{name} when the InferenceService's {name} sets one, which manifold writes there "
        f"(the class's) so that the service's workers keep their own, and it cannot write "
        f"into the runtime's {roles[0]}",
        hint=f"set the class's affinity on runtime {runtime!r}'s {roles[0]}, or write a "
        f"{roles[0]} on the service's {name} (it then gets the class's)",
        severity=Severity.WARNING,
    )


def _label_problem(
    line: JsonPath, said: Said, key: str, chosen: list[tuple[str, Any]], theirs: Any
) -> Problem:
    name, runtime, class_name = said
    pods = " and ".join(role for role, _ in chosen) + " pods"
    values = " and ".join(f"{key}: {value}" for value in dict.fromkeys(v for _, v in chosen))
    return Problem(
        line,
        f"the {name}'s {pods}, which runtime {runtime!r} defines, would run on nodes with {key}: "
        f"{theirs}, not {values}: OME puts the node selector of accelerator class "
        f"{class_name!r} over a leader's and a worker's own, the runtime's included, and only "
        f"the InferenceService's {name} node selector over the class's",
        hint=f"select {key} on the service's {name} (nodeSelector), which OME puts over "
        f"the class's on every pod of the {name}, or leave {key} to the class",
    )
