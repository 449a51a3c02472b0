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
from manifold.targets.ome.class_resources import known_class, selected_classes
from manifold.targets.ome.components import component

_ROLES = ("leader", "worker")


def _mapping(data: Mapping[str, Any] | None, *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = (data or {}).get(key)
        data = value if isinstance(value, dict) else {}
    return data or {}


def with_class_affinity(
    isvc: dict[str, Any], service: Service, instance: ProjectInstance, catalog: Catalog
) -> None:
    """Write the affinity of each class manifold knows into the leader or the workers of the
    InferenceService `isvc` that set none beside the other that does: the component's own
    affinity, written beside the leader, keeps OME from giving them the class's."""
    spec = isvc["spec"]
    for name, _, class_name in selected_classes(service):
        part = spec.get(name)
        if not isinstance(part, dict) or "leader" not in part or "affinity" not in part:
            continue
        given = _mapping(known_class(instance, catalog, class_name), "discovery").get("affinity")
        if given is None:
            continue  # unknown, or no affinity: the pods that set none get none from OME either
        for role in _ROLES:
            pod = part.get(role)
            if isinstance(pod, dict) and "affinity" not in pod:
                part[role] = _with_affinity(pod, copy.deepcopy(given))


def _with_affinity(pod: dict[str, Any], affinity: Any) -> dict[str, Any]:
    """The pod with `affinity` beside its other pod fields, before its runner."""
    fields = {key: value for key, value in pod.items() if key != "runner"}
    fields["affinity"] = affinity
    return {**fields, **({"runner": pod["runner"]} if "runner" in pod else {})}


def placement_problems(
    instance: ProjectInstance,
    catalog: Catalog,
    service: Service,
    at: JsonPath,
    defaults: k8s.Placed,
) -> Iterator[Problem]:
    """What OME would place otherwise than `service` (at `at`) asks, for each multi-node
    component with a leader; `defaults`: the environment's placement for decoders."""
    for name, part, class_name in selected_classes(service):
        if part.leader is None:
            continue  # the component's own pod spec is the leader's: it says it all
        where: JsonPath = at if name == "engine" else (*at, "decoder")
        spec: dict[str, Any] = dict(
            component(part, None, defaults if name == "decoder" else k8s.NOWHERE, of_service=True)
        )
        known = known_class(instance, catalog, class_name)
        if known is None:
            yield from _affinity_unknown(spec, where, name, class_name)
        elif len(service.adapters or []) != 1:  # one may be merged: OME then adds no labels
            labels = _mapping(known, "discovery", "nodeSelector")
            patched = _patched_labels(catalog, class_name)
            for role, key, value in _replaced(spec, labels):
                problem_at = _label_at(part, where, role, key)
                note = " (as this environment's patch leaves it)" if key in patched else ""
                yield _label_problem(
                    problem_at, name, role, key, value, class_name, labels[key], note
                )


def _replaced(spec: Mapping[str, Any], labels: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """Each label a leader or worker selects, not written on the component, that the class
    selects otherwise: OME puts the class's over it."""
    own = _mapping(spec, "nodeSelector")
    for role in _ROLES:
        for key, value in _mapping(spec, role, "nodeSelector").items():
            if key not in own and key in labels and labels[key] != value:
                yield role, key, value


def _patched_labels(catalog: Catalog, name: str) -> set[str]:
    """The class's labels the environment's patches change."""
    patched = catalog.patched.get(("AcceleratorClass", name))
    if patched is None:
        return set()
    before, after = (_mapping(m.body, "spec", "discovery", "nodeSelector") for m in patched)
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
    name: str,
    role: str,
    key: str,
    value: object,
    class_name: str,
    theirs: object,
    note: str,
) -> Problem:
    return Problem(
        at,
        f"the {name}'s {role} pods would run on nodes with {key}: {theirs}, not {key}: "
        f"{value}: OME puts the node selector of accelerator class {class_name!r}{note} over "
        f"a {role}'s own, and only the {name}'s own node selector over the class's, which "
        f"reaches every pod of the {name}; manifold writes a label there only where the "
        "leader and the workers select the same value, and here they do not",
        hint=f"select {key}: {value} for both the leader and the workers (it is then "
        f"written on the {name}), or leave {key} to the class",
    )


def _affinity_unknown(
    spec: Mapping[str, Any], at: JsonPath, name: str, class_name: str
) -> Iterator[Problem]:
    """A warning for the leader or workers that set no affinity beside the others that do,
    where manifold does not know the class: they get none of the class's."""
    if "affinity" not in spec:
        return
    for role in _ROLES:
        if "affinity" not in _mapping(spec, role):
            other = "workers'" if role == "leader" else "leader's"
            yield Problem(
                (*at, role),
                f"the {name}'s {role} pods get no affinity from accelerator class "
                f"{class_name!r}: OME gives a class's affinity to none of the {name}'s pods "
                f"when the {name} itself sets one, which manifold writes beside the leader "
                f"so that the {other} own is kept, and manifold cannot write the class's "
                "into these, since it does not know the class (no platform file defines it, "
                "or it is installed by other means)",
                hint=f"set {role}.affinity too (the class's, if it has one)",
                severity=Severity.WARNING,
            )
