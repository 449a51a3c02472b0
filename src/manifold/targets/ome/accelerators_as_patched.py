"""OME's rules on an InferenceService against the AcceleratorClasses it selects, as the
environment's patches leave them.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d. The engine and
the decoder each use one class: the component's `acceleratorOverride`, else the service's
`acceleratorSelector` (pkg/acceleratorclassselector/selector.go:89-102), fetched by name
among the cluster's classes; a name that finds none is an error, and the controller stops
reconciling the service (fetcher.go:47-62, selector.go:78-83;
controller/v1beta1/inferenceservice/controller.go:285-291 and :319-325). The selector
applies a class only under a runtime that lists accelerator classes (selector.go:52-55), and
every runtime OME accepts for a service that names a class lists that class
(runtimeselector/matcher.go:35-43 and :259-299), so a service that runs uses its class.
What the class gives the pods of the component (components/engine.go:269-347,
decoder.go:264-345):

- its `resources`, as both requests and limits, over what the merged runner has, but only
  when the InferenceService's component sets no resources of its own on its runner
  (components/base.go:308-344, utils/merging.go:221-281). A leader's or worker's own
  resources are not such a setting, so manifold writes resources on the component's runner
  beside a leader whose pods ask for some (`components.component`): a patch of the class's
  resources then reaches none of its pods, as for a single-node component that sets its
  own. Only where the InferenceService, as the environment's patches leave it, has no such
  runner do the class's replace the leader's and worker's;
- its `discovery.nodeSelector`, under the component's own node selector and over the
  leader's and worker's (utils/merging.go:181-219), for a service of a base model that does
  not load merged fine-tuned weights (components/base.go:192-226). Beside a leader,
  manifold writes on the component the labels the leader and the workers select alike
  (`components.component`): a patch of one of those never reaches the pods, as for a
  single-node component; a label they select otherwise is checked when the service renders
  (`class_placement`), against the class as patched;
- its `discovery.affinity`, in place of the pod's, only when the component sets no affinity
  of its own (components/base.go:346-368). Beside a leader whose pods have one, manifold
  writes one on the component, so a patch of the class's never reaches the leader or
  workers that set their own; those that set none were given the class's as patched
  (`class_placement.with_class_affinity`).

A patch of a class is therefore an error at the patch, for each service it is owed to, where
it renames the class the service selects, or where, for a component of the service, a
resource, node label or affinity it changes either never reaches the pods (the component's
own setting wins) or replaces what the service's leader or worker asks for where the class
as written did not. What a patch changes that no pod reads (capabilities, cost, vendor,
integration, the discovery's device ids) is silent: manifold always names the class, so
OME never selects one by policy from those. A runtime's own pod-level `nodeSelector`
(`omeSpec`), which OME puts under the class's and over a leader's or worker's, is not
weighed: where it already overrides one of their labels, a patch of the class's is judged
as if the leader's or worker's held before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.targets.base import Refusal
from manifold.targets.ome.class_choice import class_quantities, mapping_at, selected_class
from manifold.targets.ome.class_resources import runner_resources

_KIND = "AcceleratorClass"
_ROLES = ("leader", "worker")
Said = tuple[JsonPath, str]
"""A refusal's path in the InferenceService and its message."""


@dataclass(frozen=True)
class _Use:
    """One component of the InferenceService and the class it uses, written and patched."""

    component: str
    own: Mapping[str, Any]
    """The component as the environment leaves the InferenceService."""
    name: str
    written: Mapping[str, Any]
    patched: Mapping[str, Any]
    """The class's spec before and after the patches."""
    merged_weights_possible: bool
    """The service serves one fine-tuned weight, which may be a merged one: OME then gives its
    pods no node selector of the class."""

    def changed(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

    def sets(self, what: str, key: str, value: object) -> str:
        if value is None:
            return f"this patch removes {what} {key} from accelerator class {self.name!r}"
        return f"this patch sets {what} {key} of accelerator class {self.name!r} to {value}"

    def roles(self) -> list[tuple[str, Mapping[str, Any]]]:
        return [(r, part) for r in _ROLES if isinstance(part := self.own.get(r), dict)]


def accelerator_refusals(catalog: Catalog, final: Manifest) -> list[Refusal]:
    """What OME would run otherwise for the InferenceService `final` with the accelerator
    classes it selects as the environment's patches leave them than as they are written."""
    classes = {
        before.name: (before, after)
        for (kind, _), (before, after) in catalog.patched.items()
        if kind == _KIND
    }
    spec = final.body.get("spec")
    if not classes or not isinstance(spec, dict):
        return []
    found: dict[JsonPath, Refusal] = {}
    for component in ("engine", "decoder"):
        own = spec.get(component)
        selected = selected_class(spec, component)
        if not isinstance(own, dict) or selected is None or selected[1] not in classes:
            continue  # not deployed (the router never has a class), or its class not patched
        at, name = selected
        rendered, patched = classes[name]
        if patched.name != name:
            found[at] = Refusal(at, _renamed(name, patched.name), owed_to=patched)
            continue
        model = spec.get("model")
        weights = model.get("fineTunedWeights") if isinstance(model, dict) else None
        # OME loads merged weights only for exactly one (utils/utils.go:18-26)
        merged_possible = isinstance(weights, list) and len(weights) == 1
        use = _Use(component, own, name, _spec(rendered), _spec(patched), merged_possible)
        for path, message in (*_resources(use), *_node_selector(use), *_affinity(use)):
            found[path] = Refusal(path, message, owed_to=patched)
    return list(found.values())


def _spec(manifest: Manifest) -> Mapping[str, Any]:
    spec = manifest.body.get("spec")
    return spec if isinstance(spec, dict) else {}


def _renamed(name: str, new: str) -> str:
    return (
        f"this patch renames accelerator class {name!r}, which the InferenceService selects, "
        f"to {new!r}: OME finds no class named {name!r} and stops reconciling the service; "
        "keep the class's name, or select the new one in the service (resources.gpu.type)"
    )


# --------------------------------------------------------------------------- resources


def _quantities(spec: Mapping[str, Any]) -> dict[str, str]:
    """The class's resources by name; a quantity left out is OME's default, 1."""
    return {name: str(value) for name, value in class_quantities(spec).items()}


def _asked(resources: Mapping[str, Any] | None, name: str) -> tuple[str, str] | None:
    """Which side (limits before requests) of `resources` sets `name`, and to what."""
    for side in ("limits", "requests"):
        values = (resources or {}).get(side)
        if isinstance(values, dict) and name in values:
            return side, str(values[name])
    return None


def _resources(use: _Use) -> list[Said]:
    before, after = _quantities(use.written), _quantities(use.patched)
    changed = use.changed(before, after)
    own = runner_resources(use.own)
    if own is not None:
        ignored = [_resource_ignored(use, own, name, after.get(name)) for name in changed]
        return [said for said in ignored if said is not None]
    found: list[Said] = []
    for role, part in use.roles():
        for name in changed:
            asked = _asked(runner_resources(part), name)
            if asked is None:
                continue  # the role asks for none: the class's is what the pods get
            side, value = asked
            if before.get(name, value) == value != after.get(name, value):
                path: JsonPath = ("spec", use.component, role, "runner", "resources", side, name)
                found.append((path, _resource_replaced(use, role, name, value, after[name])))
    return found


def _resource_ignored(
    use: _Use, own: Mapping[str, Any], name: str, value: str | None
) -> Said | None:
    """A resource the patch gives the class, which OME never adds to a component that sets
    resources of its own."""
    asked = _asked(own, name)
    if value is None or (asked is not None and asked[1] == value):
        return None  # removed, or the pods get that value anyway
    at: JsonPath = ("spec", use.component, "runner", "resources")
    if asked is None:
        sets = f"sets resources of its own, none of them {name}"
    else:
        sets = f"sets {name} to {asked[1]}"
        at = (*at, asked[0], name)
    message = (
        f"{use.sets('resource', name, value)}, but the InferenceService's {use.component} "
        f"{sets}, and OME adds a class's resources only to a component whose runner sets "
        "none: the patch would never reach the pods; change the service's own resources "
        "instead, or leave them all to the class"
    )
    return at, message


def _resource_replaced(use: _Use, role: str, name: str, asked: str, value: str) -> str:
    return (
        f"{use.sets('resource', name, value)}, and OME puts a class's resources over those "
        f"of the {use.component}'s {role} when the {use.component}'s own runner sets none: "
        f"the {role} pods would get {name} {value}, not the {asked} the service asks for; "
        f"patch the InferenceService's {role} too, or leave the class's resources as written"
    )


# --------------------------------------------------------------------------- placement


def _node_selector(use: _Use) -> list[Said]:
    before = mapping_at(use.written, "discovery", "nodeSelector")
    after = mapping_at(use.patched, "discovery", "nodeSelector")
    own = mapping_at(use.own, "nodeSelector")
    found: list[Said] = []
    for key in use.changed(before, after):
        value = after.get(key)
        change = use.sets("discovery.nodeSelector", key, value)
        if key in own:
            if value is not None and own[key] != value:
                path: JsonPath = ("spec", use.component, "nodeSelector", key)
                found.append((path, _label_ignored(use, change, key, own[key])))
            continue
        if use.merged_weights_possible:
            continue  # OME may give these pods no class's node selector at all
        for role, part in use.roles():
            mine = mapping_at(part, "nodeSelector").get(key)
            if mine is not None and before.get(key, mine) == mine != after.get(key, mine):
                path = ("spec", use.component, role, "nodeSelector", key)
                found.append((path, _label_replaced(use, change, role, key, mine)))
    return found


def _label_ignored(use: _Use, change: str, key: str, own: object) -> str:
    return (
        f"{change}, but the InferenceService's {use.component} selects nodes with {key}: "
        f"{own}, and OME puts a component's own node selector over its class's: the patch "
        "would never reach the pods; patch the InferenceService, or leave the label to the class"
    )


def _label_replaced(use: _Use, change: str, role: str, key: str, own: object) -> str:
    return (
        f"{change}, and OME puts a class's node selector over the {use.component}'s {role}'s "
        f"own ({key}: {own}) where the {use.component} itself sets none: the {role} pods "
        f"would go to other nodes than the service asks for; patch the InferenceService's "
        f"{use.component} too, or leave the class's node selector as written"
    )


def _affinity(use: _Use) -> list[Said]:
    before = mapping_at(use.written, "discovery").get("affinity")
    after = mapping_at(use.patched, "discovery").get("affinity")
    if before == after or after is None:
        return []  # unchanged, or removed: the pods' own affinity is theirs again
    change = f"this patch changes discovery.affinity of accelerator class {use.name!r}"
    if use.own.get("affinity") is not None:
        return _affinity_ignored(use, change, after)
    found: list[Said] = []
    for role, part in use.roles():
        mine = part.get("affinity")
        if mine is not None and (before is None or before == mine) and after != mine:
            message = (
                f"{change}, and OME replaces the affinity of the {use.component}'s {role} "
                f"pods with the class's where the {use.component} itself sets none: they "
                f"would no longer be placed by the {role}'s own; patch the InferenceService's "
                f"{use.component} too, or leave the class's affinity as written"
            )
            found.append((("spec", use.component, role, "affinity"), message))
    return found


def _affinity_ignored(use: _Use, change: str, after: object) -> list[Said]:
    """The pods the class's new affinity never reaches, where the component sets one of its
    own: all of a single-node component's; of a multi-node one's, those with an affinity of
    their own other than the patch's, not those manifold gave the class's as patched
    (`class_placement.with_class_affinity`: a leader or workers that set none beside a
    leader, or the component's own pod, which leads workers without a leader)."""
    roles: list[tuple[str | None, Mapping[str, Any]]] = [*use.roles()]
    if "leader" not in use.own:
        roles.insert(0, (None, use.own))  # the component's own pod is the (leader) pod
    missed = [role for role, part in roles if part.get("affinity") != after]
    if not missed:
        return []
    if len(missed) < len(roles):
        return [_affinity_missed(use, change, role) for role in missed]
    message = (
        f"{change}, but the InferenceService's {use.component} sets an affinity of its "
        "own, and OME gives a class's affinity only to a component that sets none: the "
        "patch would never reach the pods; patch the InferenceService, or leave the "
        "affinity to the class"
    )
    return [(("spec", use.component, "affinity"), message)]


def _affinity_missed(use: _Use, change: str, role: str | None) -> Said:
    who = f"{use.component} {role}" if role else use.component
    pods = f"{role} pods" if role else "leader pods"
    at: JsonPath = ("spec", use.component, *((role,) if role else ()), "affinity")
    return at, (
        f"{change}, but the InferenceService's {who} sets an affinity of its own, and OME "
        f"gives a class's affinity to no pod of a component that sets one (manifold writes "
        f"it on the {use.component}, so that it is kept): the patch would never reach the "
        f"{pods}; patch the InferenceService, or leave that affinity to the class"
    )
