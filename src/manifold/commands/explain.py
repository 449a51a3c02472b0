"""`manifold explain`: what a project's workloads will run in one environment, and why.

A reviewer reading an InferenceService does not see the image, the GPUs or the node pool
its pods get: those come from a runtime, an accelerator class, an environment default. This
command renders in memory, computes the effective workloads from the rendered objects
(`manifold.targets.effective`) and, for every field, names the rendered object and path that set
it and the input file, line and column that object's value came from, traced through the
overlay layers as diagnostics are (`manifold.compile.provenance`).
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from manifold.compile.expand import expand, includes_platform_file
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.platform_files import expand_platform
from manifold.compile.provenance import Named
from manifold.core.diagnostics import Diagnostics
from manifold.core.errors import ProblemsFound, UsageProblem
from manifold.core.jsonpath import JsonPath, parse_json_pointer
from manifold.core.outcome import Outcome
from manifold.core.wording import counted
from manifold.inputs.sources import Document
from manifold.models.environment import JsonPatch, MergePatch
from manifold.pipeline import commands as pipeline
from manifold.targets.effective import (
    EffectiveWorkload,
    InputHint,
    Source,
    Value,
    compute,
    read_objects,
    same_value,
    shown,
)

ExplainFormat = Literal["text", "json"]
_NEAREST = " (nearest input: the value is not written there; a runtime or a default set it)"


@dataclass(frozen=True)
class ExplainOptions:
    root: Path
    environment: str
    selector: str
    """`PROJECT` or `PROJECT/NAME` (a service, fine-tune, benchmark or notebook)."""
    format: ExplainFormat = "text"


@dataclass(frozen=True)
class Located:
    """An effective value with where it was set: the object and, when traced, the input."""

    value: Value
    file: str | None
    line: int | None
    column: int | None
    exact: bool = True
    """False when the inputs do not hold the value (a runtime or a platform default set
    it): the place is then the nearest enclosing one."""
    via_patch: bool = False
    """The place is an environment patch that set the value in the rendered object."""
    note: str | None = None
    """What the place is, where the object's own input is not (`InputHint.note`)."""

    def describe(self) -> str:
        where = self.value.source.describe()
        if self.file is None:
            return where
        line = f":{self.line}:{self.column}" if self.line is not None else ""
        nearest = "" if self.exact else _NEAREST
        patch = "patch " if self.via_patch else ""
        said = f" ({self.note})" if self.note else ""
        return f"{where} <- {patch}{self.file}{line}{said}{nearest}"


def patched_value(value: Value, document: Document, path: JsonPath) -> Located:
    position = document.locate(path)
    return Located(value, document.path, position.line, position.column, via_patch=True)


def _patch_sets(patch: JsonPatch | MergePatch, path: JsonPath) -> JsonPath | None:
    """Where in the patch (relative to it) the value at `path` of the object is set, if
    the patch sets it or something enclosing it."""
    if isinstance(patch, MergePatch):
        node: Any = patch.merge_patch
        for depth, step in enumerate(path):
            if not isinstance(node, dict) or step not in node:
                return None
            node = node[step]
            if not isinstance(node, dict) or depth == len(path) - 1:
                return ("mergePatch", *path[: depth + 1])
        return None
    for index, operation in reversed(list(enumerate(patch.json_patch))):
        if operation.op not in ("add", "replace", "copy", "move"):
            continue
        target = parse_json_pointer(operation.path)
        if tuple(str(step) for step in path[: len(target)]) == target:
            return ("jsonPatch", index)
    return None


class Inputs:
    """The expanded projects and platforms of one environment, for tracing values back."""

    def __init__(self, root: Path, environment: str) -> None:
        self._inputs = pipeline.load_inputs(root, Diagnostics())
        self._environment = self._inputs.environments[environment]
        self._projects: dict[str, ProjectInstance | None] = {}
        self._platforms: dict[str, PlatformInstance] | None = None

    def owner(self, hint: InputHint) -> ProjectInstance | PlatformInstance | None:
        if hint.owner not in self._inputs.names:
            return self._platforms_by_name().get(hint.owner)
        if hint.owner not in self._projects:
            project_file = self._inputs.project_file(hint.owner)
            self._projects[hint.owner] = expand(project_file, self._environment)[0]
        return self._projects[hint.owner]

    def _patch(self, source: Source) -> tuple[Document, JsonPath] | None:
        """The latest environment patch that set the object's value (patches apply after
        rendering, so they have the last word); patches that select by label are not
        matched, as the object's labels are not at hand."""
        kind, _, name = source.object.partition("/")
        project = source.hint.owner if source.hint is not None else None
        for sourced in reversed(self._environment.patches):
            target = sourced.patch.target
            if target.labels or (target.kind is not None and target.kind != kind):
                continue
            if target.name is not None and not fnmatch.fnmatchcase(name, target.name):
                continue
            if target.project is not None and not (
                project is not None and fnmatch.fnmatchcase(project, target.project)
            ):
                continue
            inside = _patch_sets(sourced.patch, source.path)
            if inside is not None:
                return sourced.document, (*sourced.path, *inside)
        return None

    def _platforms_by_name(self) -> dict[str, PlatformInstance]:
        if self._platforms is None:
            self._platforms = {}
            for file in self._inputs.platforms:
                if not includes_platform_file(self._environment, file.name):
                    continue
                instance = expand_platform(file, self._environment)[0]
                if instance is not None:
                    self._platforms[instance.name] = instance
        return self._platforms

    def locate(self, value: Value) -> Located:
        patched = self._patch(value.source)
        if patched is not None:
            return patched_value(value, *patched)
        traced = self._traced(value, value.source.hint)
        return traced if traced is not None else Located(value, None, None, None)

    def _traced(self, value: Value, hint: InputHint | None) -> Located | None:
        """The input `hint` names, or, where it does not hold the value and it says where
        else the value came from (`InputHint.instead`), that one when it is known."""
        owner = self.owner(hint) if hint is not None else None
        if hint is None or owner is None:
            return self._traced(value, hint.instead) if hint is not None else None
        path = hint.path
        if isinstance(owner, PlatformInstance) and hint.platform_path is not None:
            path = hint.platform_path
        concrete, complete = concrete_path(owner.data, path)
        if hint.instead is not None and not (
            complete and same_value(value_at(owner.data, concrete), value.value)
        ):
            elsewhere = self._traced(value, hint.instead)
            if elsewhere is not None:
                return elsewhere
        origin = owner.origin(concrete)
        position = origin.position
        return Located(
            value,
            origin.file,
            position.line if position else None,
            position.column if position else None,
            complete,
            note=hint.note,
        )


def concrete_path(data: Any, path: tuple[str | int | Named, ...]) -> tuple[JsonPath, bool]:
    """`path` with named list items replaced by their indexes in `data`, and whether `data`
    holds all of it (tracing points at the nearest value that exists when not)."""
    concrete: list[str | int] = []
    node = data
    for step in path:
        if isinstance(step, Named):
            if not isinstance(node, list):
                break
            index = next(
                (
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and item.get("name") == step.name
                ),
                None,
            )
            if index is None:
                break
            concrete.append(index)
            node = node[index]
        else:
            if not (isinstance(node, dict) and step in node):
                return (*concrete, step), False
            concrete.append(step)
            node = node[step]
    return tuple(concrete), len(concrete) == len(path)


def value_at(data: Any, concrete: JsonPath) -> Any:
    """The value at a concrete path that `data` holds (`concrete_path`)."""
    for step in concrete:
        data = data[step]
    return data


def explain(options: ExplainOptions) -> Outcome:
    project, _, name = options.selector.partition("/")
    built, diagnostics = pipeline.build(options.root, (options.environment,))
    if diagnostics.has_errors:
        raise ProblemsFound("problems found; nothing to explain", diagnostics.sorted())
    objects = read_objects(built.texts()).get(options.environment)
    everything = compute(objects) if objects is not None else []
    chosen = [w for w in everything if w.project == project and (not name or w.name == name)]
    if not chosen:
        known = sorted({f"{w.project}/{w.name}" for w in everything})
        raise UsageProblem(
            f"no workload {options.selector!r} in environment {options.environment!r}"
            f" (workloads: {', '.join(known) or 'none'})"
        )
    inputs = Inputs(options.root, options.environment)
    located = [(w, _located(w, inputs)) for w in chosen]
    if options.format == "json":
        output = json.dumps([_as_json(w, roles) for w, roles in located], indent=2, sort_keys=True)
        output += "\n"
    else:  # each workload's block ends with a newline; a blank line between them
        output = "\n".join(_as_text(w, roles) for w, roles in located)
    summary = f"{counted(len(chosen), 'workload')} of {project} in {options.environment}"
    return Outcome(summary, diagnostics.sorted(), output=output)


RoleFields = list[tuple[str, dict[str, Located]]]


def _located(workload: EffectiveWorkload, inputs: Inputs) -> RoleFields:
    return [(r.role, {k: inputs.locate(v) for k, v in r.fields.items()}) for r in workload.roles]


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _as_text(workload: EffectiveWorkload, roles: RoleFields) -> str:
    lines = [
        f"{workload.project}/{workload.name}: {workload.kind} on {workload.platform} in "
        f"{workload.environment} ({workload.object})"
    ]
    lines.extend(f"  note: {note}" for note in workload.notes)
    for role, fields in roles:
        lines.append(f"  {role}:")
        for field, located in fields.items():
            lines.append(f"    {field}: {_shown(shown(field, located.value.value))}")
            lines.append(f"      set by {located.describe()}")
    return "\n".join(lines) + "\n"


def _source_json(source: Source, located: Located) -> dict[str, Any]:
    found: dict[str, Any] = {"object": source.object, "path": list(source.path)}
    if located.file is not None:
        found.update(file=located.file, line=located.line, column=located.column)
        found["by"] = "patch" if located.via_patch else "input" if located.exact else "nearest"
        if located.note:
            found["note"] = located.note
    return found


def _as_json(workload: EffectiveWorkload, roles: RoleFields) -> dict[str, Any]:
    return {
        "environment": workload.environment,
        "project": workload.project,
        "name": workload.name,
        "kind": workload.kind,
        "platform": workload.platform,
        "object": workload.object,
        "notes": list(workload.notes),
        "unknown": sorted(workload.unknown),
        "roles": [
            {
                "role": role,
                "fields": {
                    field: {
                        "value": shown(field, located.value.value),
                        "setBy": _source_json(located.value.source, located),
                    }
                    for field, located in fields.items()
                },
            }
            for role, fields in roles
        ],
    }
