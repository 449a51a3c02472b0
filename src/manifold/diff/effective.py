"""What a change does to the pods, beside what it does to the objects.

A one-line change to a shared runtime or an environment default shows in `manifold diff`
as one changed object, yet it changes what every workload using it runs. This module
computes the effective workloads (`manifold.targets.effective`) of both versions of rendered/ and
groups their changes by field and values, so a reviewer reads "12 services: image
sglang:v0.4.6 -> sglang:v0.4.7" with the workloads named. Workloads added or removed are
the object diff's to show; only workloads on both sides are compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from manifold.diff.semantic import Resource
from manifold.targets.effective import EffectiveWorkload, Objects, RenderedObject, compute, shown

_ABSENT = None
SHOWN_WORKLOADS = 10
"""Workloads named per change in text and markdown; JSON names them all."""


@dataclass(frozen=True)
class EffectiveChange:
    """One field changed the same way in the pods of several workloads."""

    field: str
    before: Any
    after: Any
    workloads: tuple[str, ...]
    """`environment/project/name role` of each pod role changed, sorted."""
    kinds: tuple[str, ...]
    """Their kinds (service, fine-tune...), one each."""

    def headline(self) -> str:
        count = len({label.rpartition(" ")[0] for label in self.workloads})
        kinds = sorted(set(self.kinds))
        what = kinds[0] if len(kinds) == 1 else "workload"
        plural = "s" if count != 1 and not what.endswith("s") else ""
        return (
            f"{count} {what}{plural}: {self.field} "
            f"{_text(self.field, self.before)} -> {_text(self.field, self.after)}"
        )


def _text(field_name: str, value: Any) -> str:
    if value is _ABSENT:
        return "(none)"
    value = shown(field_name, value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _by_environment(resources: Iterable[Resource]) -> dict[str, Objects]:
    found: dict[str, Objects] = {}
    for resource in resources:
        if resource.folder.startswith("_") or resource.file.count("/") < 2:
            continue
        objects = found.setdefault(resource.folder, Objects(resource.folder))
        objects.items.append(RenderedObject(resource.file, resource.body))
    return found


def _fields(workloads: Iterable[EffectiveWorkload]) -> dict[tuple[str, str], dict[str, Any]]:
    """By (workload label, kind): every role's fields as `role field` -> value."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for workload in workloads:
        for role in workload.roles:
            label = f"{workload.environment}/{workload.project}/{workload.name} {role.role}"
            found[(label, workload.kind)] = {k: v.value for k, v in role.fields.items()}
    return found


def compare(before: Iterable[Resource], after: Iterable[Resource]) -> list[EffectiveChange]:
    """The effective changes between two versions of rendered/, grouped and sorted."""
    old_side, new_side = _by_environment(before), _by_environment(after)
    grouped: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    values: dict[tuple[str, str, str], tuple[Any, Any]] = {}
    for environment in sorted(set(old_side) & set(new_side)):
        old = _fields(_computed(old_side[environment]))
        new = _fields(_computed(new_side[environment]))
        for key in sorted(set(old) & set(new)):
            for field_name in sorted(set(old[key]) | set(new[key])):
                was, now = old[key].get(field_name, _ABSENT), new[key].get(field_name, _ABSENT)
                if was == now:
                    continue
                group = (field_name, _canonical(was), _canonical(now))
                grouped.setdefault(group, []).append(key)
                values[group] = (was, now)
    changes = [
        EffectiveChange(
            group[0],
            *values[group],
            tuple(label for label, _ in sorted(members)),
            tuple(kind for _, kind in sorted(members)),
        )
        for group, members in grouped.items()
    ]
    return sorted(changes, key=lambda c: (-len(c.workloads), c.field, c.workloads))


def _computed(objects: Objects) -> list[EffectiveWorkload]:
    """The environment's workloads; none when an object is not shaped as manifold writes
    it (a hand-edited file at the base revision): the object diff still shows it, and a
    diff must not fail on what an old revision holds."""
    try:
        return compute(objects)
    except (AttributeError, TypeError, ValueError, KeyError):
        return []


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def text(changes: list[EffectiveChange]) -> str:
    if not changes:
        return ""
    lines = ["", "What the pods will run differently:"]
    for change in changes:
        lines.append(f"  {change.headline()}")
        lines.extend(f"    {label}" for label in change.workloads[:SHOWN_WORKLOADS])
        if len(change.workloads) > SHOWN_WORKLOADS:
            lines.append(f"    ... and {len(change.workloads) - SHOWN_WORKLOADS} more")
    return "\n".join(lines) + "\n"


def markdown(changes: list[EffectiveChange]) -> str:
    if not changes:
        return ""
    lines = ["", "#### What the pods will run differently", ""]
    for change in changes:
        named = ", ".join(f"`{label}`" for label in change.workloads[:SHOWN_WORKLOADS])
        more = len(change.workloads) - SHOWN_WORKLOADS
        tail = f" and {more} more" if more > 0 else ""
        lines.append(f"- **{_escaped(change.headline())}** ({named}{tail})")
    return "\n".join(lines) + "\n"


def _escaped(text_: str) -> str:
    return "".join(f"\\{c}" if c in "\\`*_[]<>|" else c for c in text_)


def as_json(changes: list[EffectiveChange]) -> list[dict[str, Any]]:
    return [
        {
            "field": change.field,
            "before": shown(change.field, change.before),
            "after": shown(change.field, change.after),
            "workloads": list(change.workloads),
        }
        for change in changes
    ]
