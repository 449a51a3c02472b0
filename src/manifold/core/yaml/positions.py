"""Line and column of a node, needed only to report a problem: the file is parsed again with
ruamel.yaml's round-trip loader, which keeps the position of every node, only when a
diagnostic has to point into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RoundTripYAMLError

from manifold.core.diagnostics import Position
from manifold.core.jsonpath import JsonPath


def positions_loader() -> YAML:
    loader = YAML(typ="rt")
    loader.allow_duplicate_keys = True  # positions only: the fast reader decides what is allowed
    return loader


def position_at(text: str, index: int) -> Position:
    """Line and column of a character offset, counting line breaks as editors do."""
    before = text[:index]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    return Position(line, index - line_start + 1)


def mark_position(text: str, mark: Any) -> Position | None:
    if mark is None:
        return None
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index <= len(text):
        return position_at(text, index)
    return Position(mark.line + 1, mark.column + 1)


class PositionIndex:
    """Line and column of the nodes of one document, from a round-trip parse of its text."""

    def __init__(self, text: str) -> None:
        try:
            documents = list(positions_loader().load_all(text))
        except (RoundTripYAMLError, RecursionError):
            documents = []
        self._root: Any = documents[0] if documents else None

    def locate(self, path: JsonPath, *, key: bool = False) -> Position:
        """Where `path` is: its value, or its key when `key` is set.

        Stops at the deepest part of the path that exists, so a missing field points at the
        mapping it is missing from.
        """
        return _walk_positions(self._root, path, key=key)


def locate(text: str, path: JsonPath, *, key: bool = False) -> Position:
    return PositionIndex(text).locate(path, key=key)


def _walk_positions(root: Any, path: JsonPath, *, key: bool) -> Position:
    node = root
    position = _node_start(root) or Position(1, 1)
    for depth, step in enumerate(path):
        last = depth == len(path) - 1
        lc = getattr(node, "lc", None)
        where = None
        if isinstance(node, Mapping) and step in node:
            if lc is not None:
                where = lc.key(step) if (last and key) else lc.value(step)
            node = node[step]
        elif isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            if lc is not None:
                where = lc.item(step)
            node = node[step]
        else:
            break
        if where is not None:
            position = Position(where[0] + 1, where[1] + 1)
    return position


def _node_start(node: Any) -> Position | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return Position(lc.line + 1, lc.col + 1)
