"""Where a multi-node service's pods run against its accelerator class: node labels and
affinity that OME would take from the class in place of the leader's and workers' own.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d. OME builds a
multi-node component's leader pod from its `leader` and its worker pods from its `worker`
(components/engine.go:268-347, decoder.go:264-345), then, on every one of those pods:

- sets the node labels of the runtime, then of the class's `discovery.nodeSelector`, then of
  the InferenceService's component's own `nodeSelector`, each over the pod's
  (components/base.go:192-226, utils/merging.go:181-219); none at all for a service that
  loads one fine-tuned weight configured as merged (base.go:199-205, utils/utils.go:18-26);
- replaces the pod's affinity with the class's `discovery.affinity` unless the component's
  own `affinity` is set (base.go:346-368).

`components.component` writes on the component the labels the leader's and the workers'
pods select alike, and an affinity wherever those pods have one. What that cannot express:

- a label the leader and the workers select otherwise (or only one of them), which the
  class, as the environment's patches leave it, sets to another value: written on the
  component it would reach the other pods too, left off the class's replaces it. An error
  at the line that sets it (`placement_problems`). Where manifold does not know the class
  (no platform file defines it, or it is installed by other means) nothing is said: it
  cannot know what the class selects.
- an affinity only the leader or only the workers set: the component's keeps OME from
  giving the others the class's, which is what a pod that sets none means. Where manifold
  knows the class, its affinity is written into those pods (`with_class_affinity`), what
  OME would have given them; where it does not, a warning there.

Workers the component writes without a leader are led by pods built from the runtime's
leader where the runtime has one (utils/merging.go:59-81, 105-143), else from the
component's own pod spec (engine.go:279-285); either way OME puts the component's own labels
over every pod's, the workers' included (base.go:212-219, merging.go:199-207), so a label
the workers select otherwise than the component is an error whatever the class; one the
class selects otherwise is held to the class as above; and workers with an affinity the
component lacks would have it replaced by the class's: where manifold knows the class, its
affinity is written on the component (which keeps every pod's own, and is the leader pod's
where that is built from the component's own pod spec: what OME would have given it), else
a warning.

A leader or workers only the runtime has are weighed by `runtime_node_placement`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem, Severity
from manifold.core.jsonpath import JsonPath
from manifold.models.project import Service
from manifold.models.workload import Component
from manifold.targets import kubernetes as k8s
from manifold.targets.ome.class_choice import mapping_at, selected_classes
from manifold.targets.ome.class_resources import known_class
from manifold.targets.ome.components import component

_ROLES = ("leader", "worker")


def with_class_affinity(
    isvc: dict[str, Any], service: Service, instance: ProjectInstance, catalog: Catalog
) -> None:
    """Write the affinity of each class manifold knows where the InferenceService `isvc`
    keeps OME from giving it: into the leader or the workers that set none beside the other
    that does (the component's own affinity, written beside the leader, keeps the class's
    from them); and, for workers without a leader that set one, on the component: written,
    it keeps the workers' own, and is the leader pod's where OME builds that from the
    component's own pod spec (the runtime has no leader), which would have had the class's.
    A runtime's leader keeps its own instead (`runtime_node_placement` warns where it has
    none), since the component's affinity reaches no pod built from it (engine.go:279-281)."""
    spec = isvc["spec"]
    for name, _, class_name in selected_classes(service):
        part = spec.get(name)
        given = mapping_at(known_class(instance, catalog, class_name), "discovery").get("affinity")
        if not isinstance(part, dict) or given is None:
            continue  # unknown, or no affinity: the pods that set none get none from OME either
        if "leader" in part and "affinity" in part:
            for role in _ROLES:
                pod = part.get(role)
                if isinstance(pod, dict) and "affinity" not in pod:
                    pod["affinity"] = copy.deepcopy(given)  # after the placement it folded in
        elif (
            "leader" not in part
            and "affinity" not in part
            and "affinity" in mapping_at(part, "worker")
        ):
            spec[name] = _with_affinity(part, copy.deepcopy(given), "worker")


def _with_affinity(part: dict[str, Any], affinity: Any, before: str) -> dict[str, Any]:
    """The component with `affinity` among its pod fields, before `before`."""
    fields: dict[str, Any] = {}
    for key, value in part.items():
        if key == before:
            fields["affinity"] = affinity
        fields[key] = value
    fields.setdefault("affinity", affinity)
    return fields


def placement_problems(
    instance: ProjectInstance,
    catalog: Catalog,
    service: Service,
    at: JsonPath,
    defaults: k8s.Placed,
) -> Iterator[Problem]:
    """What OME would place otherwise than `service` (at `at`) asks, for each multi-node
    component of its own; `defaults`: the environment's placement for decoders."""
    merged_possible = len(service.adapters or []) == 1  # OME then adds no labels at all
    for name, part in (("engine", service), ("decoder", service.decoder)):
        if part is not None and part.worker is not None and part.leader is None:
            spec = rendered(part, name, defaults)
            if not merged_possible:
                yield from _workers_overridden(spec, _at(at, name), name)
    for name, part, class_name in selected_classes(service):
        if part.worker is None:
            continue  # one pod per replica: the component's own pod spec says it all
        where, spec = _at(at, name), rendered(part, name, defaults)
        known = known_class(instance, catalog, class_name)
        if known is None:
            yield from _affinity_unknown(spec, where, name, class_name)
        elif not merged_possible:
            labels = mapping_at(known, "discovery", "nodeSelector")
            patched = _patched_labels(catalog, class_name)
            for role, key, value in replaced(spec, labels):
                note = " (as this environment's patch leaves it)" if key in patched else ""
                said = (name, role, key, value, class_name, labels[key], note)
                yield _label_problem(_label_at(part, where, role, key), "leader" in spec, *said)


def _at(at: JsonPath, name: str) -> JsonPath:
    return at if name == "engine" else (*at, "decoder")


def rendered(part: Component, name: str, defaults: k8s.Placed) -> dict[str, Any]:
    """The component as the InferenceService has it (the engine's defaults are the service's)."""
    placed = defaults if name == "decoder" else k8s.NOWHERE
    return dict(component(part, None, placed, of_service=True))


def _workers_overridden(spec: Mapping[str, Any], at: JsonPath, name: str) -> Iterator[Problem]:
    """Workers without a leader of the component's that select a label otherwise than the
    component: OME puts the component's labels over every pod's, whichever pod leads them
    (base.go:212-219, utils/merging.go:199-207)."""
    own = mapping_at(spec, "nodeSelector")
    for key, value in mapping_at(spec, "worker", "nodeSelector").items():
        if key in own and own[key] != value:
            yield Problem(
                (*at, "worker", "nodeSelector", key),
                f"the {name}'s worker pods would run on nodes with {key}: {own[key]}, not "
                f"{key}: {value}: OME puts the {name}'s own node selector over every pod's "
                "own, the workers' included",
                hint=f"add a leader (leader: {{}}) so that the workers' labels are their own, "
                f"or select {key}: {value} on the {name} too",
            )


def replaced(
    spec: Mapping[str, Any], labels: Mapping[str, Any], own: Mapping[str, Any] | None = None
) -> Iterator[tuple[str, str, Any]]:
    """Each label a leader or worker of the component `spec` selects, not written on the
    InferenceService's component (`own`, the node selector; else `spec`'s), that the class
    selects otherwise: OME puts the class's over it."""
    own = mapping_at(spec, "nodeSelector") if own is None else own
    for role in _ROLES:
        for key, value in mapping_at(spec, role, "nodeSelector").items():
            if key not in own and key in labels and labels[key] != value:
                yield role, key, value


def _patched_labels(catalog: Catalog, name: str) -> set[str]:
    """The class's labels the environment's patches change."""
    patched = catalog.patched.get(("AcceleratorClass", name))
    if patched is None:
        return set()
    before, after = (mapping_at(m.body, "spec", "discovery", "nodeSelector") for m in patched)
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def _label_at(part: Component, at: JsonPath, role: str, key: str) -> JsonPath:
    """Where the project sets the label a leader or worker selects: its own node selector
    (which replaces the component's), else the component's; else the environment's
    placement gave it, and the leader or worker that takes it is named."""
    node = getattr(part, role)
    if node is not None and node.node_selector and key in node.node_selector:
        return (*at, role, "nodeSelector", key)
    if part.node_selector and key in part.node_selector:
        return (*at, "nodeSelector", key)
    return (*at, role)


def _label_problem(
    at: JsonPath,
    led: bool,
    name: str,
    role: str,
    key: str,
    value: object,
    class_name: str,
    theirs: object,
    note: str,
) -> Problem:
    """`led`: the component has a leader (else a label written on it reaches the pods that
    lead the workers, built from its own pod spec or the runtime's leader, too)."""
    if led:
        why = (
            "manifold writes a label there only where the leader and the workers select "
            "the same value, and here they do not"
        )
        fix = f"select {key}: {value} for both the leader and the workers (it is then written "
        fix += f"on the {name})"
    else:
        why = f"there, it would reach the {name}'s leader pods too"
        fix = f"select {key}: {value} on the {name} too"
    return Problem(
        at,
        f"the {name}'s {role} pods would run on nodes with {key}: {theirs}, not {key}: "
        f"{value}: OME puts the node selector of accelerator class {class_name!r}{note} over "
        f"a {role}'s own, and only the {name}'s own node selector over the class's, which "
        f"reaches every pod of the {name}; {why}",
        hint=f"{fix}, or leave {key} to the class",
    )


def _affinity_unknown(
    spec: Mapping[str, Any], at: JsonPath, name: str, class_name: str
) -> Iterator[Problem]:
    """A warning for the pods whose affinity manifold cannot keep as the project means where
    it does not know the class: beside a leader, the leader or workers that set none get
    none of the class's; without a leader, the workers' own is replaced by the class's."""
    unknown = (
        f"manifold cannot write the class's in, since it does not know accelerator class "
        f"{class_name!r} (no platform file defines it, or it is installed by other means)"
    )
    if "leader" not in spec:
        if "affinity" not in spec and "affinity" in mapping_at(spec, "worker"):
            yield Problem(
                (*at, "worker", "affinity"),
                f"the {name}'s worker pods may not be placed by their own affinity: OME "
                f"replaces it with the class's, if the class has one, unless the {name} "
                f"itself sets an affinity; {unknown}",
                hint=f"set affinity on the {name} too (the class's, if it has one)",
                severity=Severity.WARNING,
            )
        return
    if "affinity" not in spec:
        return
    for role in _ROLES:
        if "affinity" not in mapping_at(spec, role):
            other = "workers'" if role == "leader" else "leader's"
            yield Problem(
                (*at, role),
                f"the {name}'s {role} pods get no affinity from accelerator class "
                f"{class_name!r}: OME gives a class's affinity to none of the {name}'s pods "
                f"when the {name} itself sets one, which manifold writes beside the leader "
                f"so that the {other} own is kept; {unknown}",
                hint=f"set {role}.affinity too (the class's, if it has one)",
                severity=Severity.WARNING,
            )
