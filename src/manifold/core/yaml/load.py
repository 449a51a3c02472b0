"""Reading YAML: text -> plain dicts, lists and scalars, or a `YamlError` that says where and
what to do. The parsing setup is in `dialect`, positions in `positions`, hints in `hints`.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from yaml import SafeLoader, parse
from yaml.error import MarkedYAMLError, YAMLError
from yaml.events import MappingEndEvent, MappingStartEvent, SequenceEndEvent, SequenceStartEvent
from yaml.reader import ReaderError

from manifold.core.diagnostics import shown
from manifold.core.jsonpath import JsonPath
from manifold.core.yaml.dialect import (
    INPUTS,
    MAX_NODES,
    Dialect,
    DuplicateKey,
    YamlError,
    loader_for,
)
from manifold.core.yaml.hints import (
    describe,
    long_number,
    reader_error,
    second_document_position,
    syntax_hint,
)
from manifold.core.yaml.positions import (
    locate,
    mark_position,
    position_at,
)


def _documents(text: str, loader: type[Any]) -> list[Any]:
    reader = loader(text)
    try:
        documents = []
        while reader.check_data():
            documents.append(reader.get_data())
        return documents
    finally:
        reader.dispose()


def load_all(text: str, dialect: Dialect = INPUTS) -> list[Any]:
    """Every document in `text` as plain data. Raises YamlError with the position of a problem."""
    loader = loader_for(dialect)
    try:
        if _nesting_bound(text) > dialect.max_depth:
            _check_depth(text, dialect.max_depth)
        documents = _documents(text, loader)
    except ReaderError as error:
        raise reader_error(text, error) from error
    except DuplicateKey as error:
        mapping = mark_position(text, error.context_mark)
        where = (
            f" (in the mapping at line {mapping.line}, column {mapping.column})" if mapping else ""
        )
        raise YamlError(
            f"duplicate key {_shown_key(error.key)}{where}; a key may appear once",
            mark_position(text, error.problem_mark),
        ) from error
    except YAMLError as error:
        position = None
        if isinstance(error, MarkedYAMLError):
            position = mark_position(text, error.problem_mark or error.context_mark)
        message = describe(text, error)
        raise YamlError(
            f"YAML syntax error: {message}", position, hint=syntax_hint(text, message, position)
        ) from error
    except RecursionError as error:
        raise YamlError(f"YAML nesting is deeper than {dialect.max_depth} levels") from error
    except ValueError as error:
        # Python refuses to convert integers of more than a few thousand digits.
        raise YamlError(
            "a number has more digits than manifold reads; quote it if it is meant as text",
            long_number(text),
        ) from error
    return [_checked(document, text, dialect) for document in documents]


def load_one(text: str) -> Any:
    """The single document in `text`; None when there is none."""
    documents = load_all(text)
    if len(documents) > 1:
        second = second_document_position(text)
        raise YamlError(
            f"expected one YAML document, found {len(documents)}; put each object in its own file",
            second,
        )
    return documents[0] if documents else None


def _nesting_bound(text: str) -> int:
    """An upper bound of how deep `text` nests, from characters alone.

    A block collection starts at a line's indentation or after the compact indicators that
    open it on the same line (`- - x`, `? - x`, `--- - x`); nested block collections start at
    strictly greater columns, except that a sequence may sit at its parent mapping's column:
    at most two levels per column. Each flow level needs its own bracket. Typical files are far
    below the limit, so the exact (and slower) check runs only for the few that are not.
    """
    widest = max((len(line) - len(line.lstrip(" \t-?:")) for line in text.splitlines()), default=0)
    return 2 * (widest + 1) + text.count("[") + text.count("{")


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse deep nesting from the parser's events, before anything recurses into it.

    libyaml parses without recursion; building the document recurses once per level and would
    overflow the C stack on input nested a hundred thousand levels deep. The events come from
    PyYAML's pure-Python parser, not libyaml: libyaml 0.2.5 as PyYAML 6.0.4 ships it stops at
    its own limit of 1,000 levels while scanning ahead, before manifold's limit could fire, and
    that limit (and its message) changes with the library's version. This runs only for the rare
    text whose character bound exceeds the limit, so the slower parser costs nothing typical.
    """
    depth = 0
    for event in parse(text, Loader=SafeLoader):
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            depth += 1
            if depth > max_depth:
                mark = event.start_mark
                raise YamlError(
                    f"nesting is deeper than {max_depth} levels",
                    position_at(text, mark.index) if mark is not None else None,
                )
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            depth -= 1


def _shown_key(key: Any) -> str:
    if key is None or isinstance(key, bool | int | float):
        return json.dumps(key)
    return shown(str(key))


def _checked(document: Any, text: str, dialect: Dialect) -> Any:
    """Refuse what JSON cannot hold, alias bombs, self-references and runaway nesting; return
    the document (with keys made strings when the dialect asks for it)."""
    return _Checker(text, dialect).visit(document, (), 0)


class _Checker:
    """One walk over a document. Aliases share one object with their anchor, so the walk
    counts a node once per path that reaches it, which is what writing the document out would
    cost. Strings, most of a document, are counted without a call of their own."""

    def __init__(self, text: str, dialect: Dialect) -> None:
        self.text = text
        self.dialect = dialect
        self.budget = MAX_NODES
        self.open_containers: set[int] = set()
        self.seen: set[int] = set()
        self.repeats: list[bool] = []
        """Along the current path: was this container reached before (through an alias)?"""

    def fail(self, message: str, path: JsonPath, *keys: Any) -> NoReturn:
        """Raise at `path`, or at the key `keys[0]` of the mapping at `path` when given."""
        where = locate(self.text, (*path, *keys), key=True) if keys else locate(self.text, path)
        raise YamlError(message, where, path)

    def over_budget(self, path: JsonPath) -> NoReturn:
        # Point at the first alias on the way here: that is what multiplies.
        repeats = self.repeats
        first = repeats.index(True) if True in repeats else len(repeats)
        self.fail(
            f"document expands to more than {MAX_NODES} nodes (anchors and aliases "
            "multiply); write the values out or split the file",
            path[:first],
        )

    def visit(self, node: Any, path: JsonPath, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            self.over_budget(path)
        if depth > self.dialect.max_depth:
            self.fail(f"nesting is deeper than {self.dialect.max_depth} levels", path)
        if isinstance(node, dict | list):
            return self.enter(node, path, depth)
        if not (node is None or isinstance(node, str | int | float | bool)):
            self.fail(
                f"unsupported YAML value of type {type(node).__name__}; use a string, "
                "number, boolean, null, list or mapping",
                path,
            )
        return node

    def enter(self, node: dict[Any, Any] | list[Any], path: JsonPath, depth: int) -> Any:
        if id(node) in self.open_containers:
            self.fail(
                "an alias refers to the anchor it is inside of; YAML that contains itself "
                "cannot be turned into data",
                path,
            )
        self.open_containers.add(id(node))
        self.repeats.append(id(node) in self.seen)
        self.seen.add(id(node))
        try:
            if self.dialect.string_keys:
                return self.with_string_keys(node, path, depth)
            self.children(node, path, depth)
            return node
        finally:
            self.open_containers.discard(id(node))
            self.repeats.pop()

    def children(self, node: dict[Any, Any] | list[Any], path: JsonPath, depth: int) -> None:
        """Check the children of a container whose keys must already be strings."""
        shallow = depth < self.dialect.max_depth
        is_mapping = isinstance(node, dict)
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in pairs:
            if is_mapping and key.__class__ is not str:
                if isinstance(key, tuple):
                    self.fail("a mapping key is a list; keys must be strings", path)
                if not isinstance(key, str):
                    self.fail(f"mapping key {_shown_key(key)} is not a string; quote it", path, key)
            if value.__class__ is str and shallow:
                self.budget -= 1
                if self.budget < 0:
                    self.over_budget((*path, key))
            else:
                self.visit(value, (*path, key), depth + 1)

    def with_string_keys(self, node: dict[Any, Any] | list[Any], path: JsonPath, depth: int) -> Any:
        """The container with its children checked and scalar keys made strings; only the
        containers along the way to a changed key are copied."""
        if isinstance(node, list):
            items = [self.visit(item, (*path, index), depth + 1) for index, item in enumerate(node)]
            return node if all(a is b for a, b in zip(items, node, strict=True)) else items
        converted: dict[str, Any] = {}
        changed = False
        for key, value in node.items():
            if isinstance(key, tuple):
                self.fail("a mapping key is a list; keys must be strings", path)
            name = key if isinstance(key, str) else json.dumps(key)
            converted[name] = self.visit(value, (*path, name), depth + 1)
            changed = changed or name is not key or converted[name] is not value
        return converted if changed else node
