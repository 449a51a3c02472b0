"""Which input an accelerator class's values in an effective workload came from.

An AcceleratorClass of a platform file is rendered from its entry of `acceleratorClasses`,
so a value OME takes from the class (its resources, node selector and affinity: `effective`)
traces to that entry's line. manifold also writes some of the class's values into the
InferenceService itself, where OME would give its pods none (`class_resources`: a resource
the pod's runner sets on neither side, beside resources of its own; `class_placement`: the
affinity of a leader or workers that set none beside others that do). Those sit in the
InferenceService, but the project's input does not hold them: each such value, equal to the
class's, is traced to the class's entry wherever the project's input holds no such value
(`InputHint.instead`), and a leader's or worker's first to the component's own input, which
manifold folds into theirs (`components.component`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from manifold.compile.provenance import Named
from manifold.core.jsonpath import JsonPath
from manifold.targets.effective import (
    Fields,
    InputHint,
    InputPath,
    RenderedObject,
    Source,
    Value,
    same_value,
)
from manifold.targets.ome.class_choice import QUANTITY_DEFAULT

_ROLES = ("leader", "worker")


def class_hint(accelerator_class: RenderedObject) -> Callable[[JsonPath], InputHint]:
    """Where in its platform file a field of the rendered class (a path under `spec`) was
    written: the class's entry of `acceleratorClasses`, a resource by its name."""
    listed = (accelerator_class.body.get("spec") or {}).get("resources") or []
    name = accelerator_class.name

    def hint(path: JsonPath) -> InputHint:
        inner: list[str | int | Named] = list(path[1:])
        if inner[:1] == ["resources"] and len(inner) > 1 and isinstance(inner[1], int):
            index = inner[1]
            item = listed[index] if 0 <= index < len(listed) else {}
            inner[1] = Named(str(item.get("name"))) if isinstance(item, dict) else index
        where: InputPath = ("acceleratorClasses", Named(name), *inner)
        return InputHint(accelerator_class.project, where, where)

    return hint


def _given(accelerator_class: RenderedObject) -> dict[str, tuple[Any, JsonPath]]:
    """What the class gives a pod, by effective field name: the value and its path."""
    spec = accelerator_class.body.get("spec") or {}
    given: dict[str, tuple[Any, JsonPath]] = {}
    for index, resource in enumerate(spec.get("resources") or []):
        if isinstance(resource, dict) and "name" in resource:
            quantity = resource.get("quantity", QUANTITY_DEFAULT)
            # without a quantity, the entry that names the resource implies the default
            path: JsonPath = ("spec", "resources", index)
            path += ("quantity",) if "quantity" in resource else ()
            for side in ("requests", "limits"):
                given[f"{side}.{resource['name']}"] = (quantity, path)
    affinity = (spec.get("discovery") or {}).get("affinity")
    if affinity is not None:
        given["affinity"] = (affinity, ("spec", "discovery", "affinity"))
    return given


def credited_to_class(fields: Fields, accelerator_class: RenderedObject) -> Fields:
    """`fields` with each value the InferenceService carries that the class gives alike
    traced, where the project's input does not hold it, to the class's entry."""
    given = _given(accelerator_class)
    hint = class_hint(accelerator_class)
    note = f"accelerator class {accelerator_class.name}, which manifold writes in"
    credited: Fields = {}
    for key, found in fields.items():
        source = found.source
        theirs = given.get(key)
        own = source.hint
        if theirs is None or own is None or not source.object.startswith("InferenceService/"):
            credited[key] = found
            continue
        value, path = theirs
        if not same_value(found.value, value):
            credited[key] = found
            continue
        instead = replace(hint(path), note=note)
        if (component := _without_role(own.path)) is not None:
            instead = InputHint(own.owner, component, instead=instead)
        credited[key] = Value(found.value, replace(source, hint=replace(own, instead=instead)))
    return credited


def _without_role(path: InputPath) -> InputPath | None:
    """A leader's or worker's input path as the component's own (whose container and
    placement manifold folds into theirs), or None for a path of neither."""
    for index, step in enumerate(path):
        if step in _ROLES:
            return (*path[:index], *path[index + 1 :])
    return None


def class_source(accelerator_class: RenderedObject, path: JsonPath) -> Source:
    """A value OME takes from the class itself, at `path` of it, traced to its entry."""
    return Source(
        f"AcceleratorClass/{accelerator_class.name}", path, class_hint(accelerator_class)(path)
    )
