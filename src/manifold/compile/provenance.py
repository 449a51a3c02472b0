"""Where a value in a merged document came from.

A merged document does not remember its sources. When a problem is found in it, the path of
the problem is translated back through the layers that were merged, latest first, to the
file, line and column that set the value. Items of named lists are matched by name, since
the same item can sit at different indexes in different layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifold.compile.overlay import is_named_list
from manifold.core.diagnostics import Diagnostic, Position, Problem
from manifold.core.jsonpath import JsonPath
from manifold.inputs.sources import Document


@dataclass(frozen=True, slots=True)
class Named:
    """A list item identified by its `name` (and, when the name repeats, which occurrence)."""

    name: str
    occurrence: int = 0


SemanticPath = tuple[str | int | Named, ...]


@dataclass(frozen=True)
class Layer:
    """One layer of a merge and where its data sits in its document.

    `data` may be reshaped from the document (defaults for services are repeated under each
    service); `skip` is how many leading steps of a path inside `data` have no counterpart in
    the document, and `base` is where the rest starts in it.
    """

    data: Any
    document: Document | None
    base: JsonPath = ()
    skip: int = 0

    def resolve(self, path: SemanticPath) -> tuple[JsonPath, int]:
        """The concrete path of `path` in this layer's data, and how many steps matched."""
        node = self.data
        concrete: list[str | int] = []
        for step in path:
            if isinstance(step, Named):
                if not isinstance(node, list):
                    break
                matches = [
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and item.get("name") == step.name
                ]
                if len(matches) <= step.occurrence:
                    break
                index = matches[step.occurrence]
                concrete.append(index)
                node = node[index]
            elif isinstance(step, int):
                if not isinstance(node, list) or not 0 <= step < len(node):
                    break
                concrete.append(step)
                node = node[step]
            else:
                if not isinstance(node, dict) or step not in node:
                    break
                concrete.append(step)
                node = node[step]
        return tuple(concrete), len(concrete)

    def document_path(self, concrete: JsonPath) -> JsonPath:
        return (*self.base, *concrete[self.skip :])


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a diagnostic about a merged value should point."""

    document: Document | None
    path: JsonPath
    position: Position | None

    @property
    def file(self) -> str | None:
        return self.document.path if self.document else None


def _has(node: Any, step: str | int) -> bool:
    if isinstance(step, int):
        return isinstance(node, list) and 0 <= step < len(node)
    return isinstance(node, dict) and step in node


def semantic_path(merged: Any, path: JsonPath) -> SemanticPath:
    """`path` with indexes into named lists replaced by the items' names."""
    steps: list[str | int | Named] = []
    node = merged
    for step in path:
        if isinstance(step, int) and is_named_list(node) and 0 <= step < len(node):
            name = node[step]["name"]
            occurrence = sum(1 for item in node[:step] if item["name"] == name)
            steps.append(Named(name, occurrence))
            node = node[step]
        elif _has(node, step):
            steps.append(step)
            node = node[step]
        else:
            steps.append(step)
            node = None
    return tuple(steps)


def trace(layers: tuple[Layer, ...], merged: Any, path: JsonPath, *, key: bool = False) -> Origin:
    """The origin of the value at `path` in `merged`: the latest layer that sets all of it,
    else the layer that sets most of it (for a missing field, the mapping it is missing from)."""
    wanted = semantic_path(merged, path)
    best: tuple[int, Layer, JsonPath] | None = None
    for layer in reversed(layers):
        concrete, matched = layer.resolve(wanted)
        if layer.document is None:
            continue
        if best is None or matched > best[0]:
            best = (matched, layer, concrete)
        if matched == len(wanted):
            break
    if best is None:
        return Origin(None, path, None)
    _, layer, concrete = best
    assert layer.document is not None
    document_path = layer.document_path(concrete)
    complete = len(concrete) == len(wanted)
    position = layer.document.locate(document_path, key=key and complete)
    return Origin(layer.document, (*document_path, *path[len(concrete) :]), position)


def traced_diagnostic(layers: tuple[Layer, ...], merged: Any, problem: Problem) -> Diagnostic:
    """A problem found in merged data, pointed at the file and line that set the value."""
    origin = trace(layers, merged, problem.path, key=problem.at_key)
    return Diagnostic(
        problem.message,
        file=origin.file,
        position=origin.position,
        path=origin.path,
        severity=problem.severity,
        hint=problem.hint,
    )


class Traced:
    """Data merged from layers: where its values came from, and problems found in it pointed
    at the files that set them. For dataclasses with `layers` and `data` fields."""

    layers: tuple[Layer, ...]
    data: Any

    def origin(self, path: JsonPath, *, key: bool = False) -> Origin:
        return trace(self.layers, self.data, path, key=key)

    def diagnostic(self, problem: Problem) -> Diagnostic:
        return traced_diagnostic(self.layers, self.data, problem)
