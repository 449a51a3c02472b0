"""The one place YAML is read and written.

Reading: libyaml (through PyYAML's C parser) turns text into plain dicts, lists and scalars,
resolved as YAML 1.2's core schema for manifold's own files (`yes` stays a string) and as YAML
1.1 for Kubernetes manifests (`Dialect.yaml_1_1`), as Kubernetes reads them. It is about 4x
cheaper than ruamel.yaml's safe loader, whose resolver runs in Python, and 20x cheaper than
its round-trip loader. Positions are needed only to report a problem, so a file is parsed
again with ruamel.yaml's round-trip loader, which keeps line and column of every node, only
when a diagnostic has to point into it.

Writing: a small block-style emitter for plain data. It is about 100x cheaper than
ruamel.yaml's dumpers and its output is fixed by this module alone, so the bytes in
rendered/ do not change with a library upgrade. It quotes every string that YAML 1.1
(Kubernetes' Go parsers, PyYAML) or YAML 1.2 (ruamel.yaml) would read as anything other
than that same string.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RoundTripYAMLError
from yaml import MappingNode, SafeLoader, parse, scan
from yaml._yaml import CParser
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.events import MappingEndEvent, MappingStartEvent, SequenceEndEvent, SequenceStartEvent
from yaml.reader import ReaderError
from yaml.resolver import BaseResolver, Resolver

from manifold.core.diagnostics import Position, shown
from manifold.core.jsonpath import JsonPath

MAX_NODES = 200_000
"""Nodes one document may expand to; bounds what anchors and aliases can blow up into."""

MAX_DEPTH = 64
"""Nesting no hand-written manifold file needs; deeper input is refused, not recursed into."""


class YamlError(Exception):
    """Text that is not acceptable YAML for manifold, with where the problem is."""

    def __init__(
        self,
        message: str,
        position: Position | None = None,
        path: JsonPath = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.path = path
        self.hint = hint


@dataclass(frozen=True)
class Dialect:
    """How strictly a text is read. Input files get the strictest reading; manifests given to
    `manifold validate` are read the way Kubernetes' own YAML reader reads them."""

    duplicate_keys: bool = False
    """Allow a key twice in a mapping; the last value wins."""
    string_keys: bool = False
    """Turn scalar keys (`5:`, `true:`) into strings instead of refusing them."""
    yaml_1_1: bool = False
    """YAML 1.1 scalars (yes/no/on/off booleans, 0755 octals), as Kubernetes reads them."""
    max_depth: int = MAX_DEPTH


INPUTS = Dialect()


# --------------------------------------------------------------------------- reading


class _Yaml12Resolver(BaseResolver):
    """YAML 1.2's core schema: only true/false are booleans, only 0o is octal, no timestamps."""


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+.0123456789",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("merge", r"<<", "<"),
):
    _Yaml12Resolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$"), list(_first)
    )


class _PlainConstructor(SafeConstructor):
    """Timestamps stay the strings people wrote; manifold never wants a datetime. A duplicate
    key is named without its values, which may be long or secret; keys brought in by a merge
    (`<<: *base`) may be overridden by the mapping's own."""

    allow_duplicate_keys = False

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep)  # raises its ConstructorError
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        merged = len(node.value) - own
        mapping: dict[Any, Any] = {}
        own_keys: set[Any] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                key = tuple(key) if isinstance(key, list) else repr(key)
            value = self.construct_object(value_node, deep=deep)
            if index < merged:
                mapping.setdefault(key, value)
                continue
            if key in own_keys and not self.allow_duplicate_keys:
                raise _DuplicateKey(key, node.start_mark, key_node.start_mark)
            own_keys.add(key)
            mapping.pop(key, None)  # the last value wins, where duplicates are allowed
            mapping[key] = value
        return mapping


class _Yaml12Constructor(_PlainConstructor):
    def construct_yaml_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node))
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits)  # leading zeros are decimal in YAML 1.2


class _DuplicateKey(ConstructorError):
    def __init__(self, key: Any, mapping_mark: Any, key_mark: Any) -> None:
        super().__init__("while constructing a mapping", mapping_mark, "duplicate key", key_mark)
        self.key = key


# PyYAML's stubs type add_constructor for its own loaders only.
_plain: Any = _PlainConstructor
_plain.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
_plain.add_constructor(
    "tag:yaml.org,2002:merge", SafeConstructor.construct_yaml_str
)  # `<<` as a value
_yaml12: Any = _Yaml12Constructor
_yaml12.add_constructor("tag:yaml.org,2002:int", _Yaml12Constructor.construct_yaml_int)


@functools.cache
def _loader(dialect: Dialect) -> type[Any]:
    """A libyaml-backed loader class reading `dialect`."""
    constructor = _PlainConstructor if dialect.yaml_1_1 else _Yaml12Constructor
    resolver = Resolver if dialect.yaml_1_1 else _Yaml12Resolver

    class Loader(CParser, constructor, resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            constructor.__init__(self)
            resolver.__init__(self)
            self.allow_duplicate_keys = dialect.duplicate_keys

    return Loader


def _documents(text: str, loader: type[Any]) -> list[Any]:
    reader = loader(text)
    try:
        documents = []
        while reader.check_data():
            documents.append(reader.get_data())
        return documents
    finally:
        reader.dispose()


def _positions_loader() -> YAML:
    loader = YAML(typ="rt")
    loader.allow_duplicate_keys = True  # positions only: the fast reader decides what is allowed
    return loader


def position_at(text: str, index: int) -> Position:
    """Line and column of a character offset, counting line breaks as editors do."""
    before = text[:index]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    return Position(line, index - line_start + 1)


def _mark_position(text: str, mark: Any) -> Position | None:
    if mark is None:
        return None
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index <= len(text):
        return position_at(text, index)
    return Position(mark.line + 1, mark.column + 1)


def _describe(text: str, error: YAMLError) -> str:
    if isinstance(error, MarkedYAMLError):
        context = error.context
        mark = error.context_mark
        if context and mark is not None and mark != error.problem_mark:
            where = _mark_position(text, mark)
            if where is not None:
                context = f"{context} (at line {where.line}, column {where.column})"
        problem = error.problem
        if problem and "could not determine a constructor for the tag" in problem:
            tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
            problem = (
                f"the tag {tag} is not supported: manifold reads plain YAML (strings, numbers, "
                "booleans, null, lists and mappings)"
            )
        parts = [part for part in (context, problem) if part]
        if parts:
            return "; ".join(parts).replace("\n", " ")
    return str(error).splitlines()[0]


def _reader_error(text: str, error: ReaderError) -> YamlError:
    character = error.character
    code = character if isinstance(character, int) else ord(character)
    position = position_at(text, error.position) if error.position <= len(text) else None
    return YamlError(
        f"the character U+{code:04X} is not allowed in YAML ({error.reason}); remove it, or write "
        "it as an escape inside a double-quoted string",
        position,
    )


def load_all(text: str, dialect: Dialect = INPUTS) -> list[Any]:
    """Every document in `text` as plain data. Raises YamlError with the position of a problem."""
    loader = _loader(dialect)
    try:
        if _nesting_bound(text) > dialect.max_depth:
            _check_depth(text, dialect.max_depth)
        documents = _documents(text, loader)
    except ReaderError as error:
        raise _reader_error(text, error) from error
    except _DuplicateKey as error:
        mapping = _mark_position(text, error.context_mark)
        where = (
            f" (in the mapping at line {mapping.line}, column {mapping.column})" if mapping else ""
        )
        raise YamlError(
            f"duplicate key {_shown_key(error.key)}{where}; a key may appear once",
            _mark_position(text, error.problem_mark),
        ) from error
    except YAMLError as error:
        position = None
        if isinstance(error, MarkedYAMLError):
            position = _mark_position(text, error.problem_mark or error.context_mark)
        message = _describe(text, error)
        raise YamlError(
            f"YAML syntax error: {message}", position, hint=_syntax_hint(text, message, position)
        ) from error
    except RecursionError as error:
        raise YamlError(f"YAML nesting is deeper than {dialect.max_depth} levels") from error
    except ValueError as error:
        # Python refuses to convert integers of more than a few thousand digits.
        raise YamlError(
            "a number has more digits than manifold reads; quote it if it is meant as text",
            _long_number(text),
        ) from error
    return [_checked(document, text, dialect) for document in documents]


def load_one(text: str) -> Any:
    """The single document in `text`; None when there is none."""
    documents = load_all(text)
    if len(documents) > 1:
        second = _second_document_position(text)
        raise YamlError(
            f"expected one YAML document, found {len(documents)}; put each object in its own file",
            second,
        )
    return documents[0] if documents else None


def _second_document_position(text: str) -> Position | None:
    starts = [m.start() for m in re.finditer(r"^---", text, flags=re.MULTILINE)]
    content_before = text[: starts[0]].strip() if starts else ""
    index = 1 if (starts and content_before == "") else 0
    if len(starts) <= index:
        return None
    return Position(text.count("\n", 0, starts[index]) + 1, 1)


def _syntax_hint(text: str, message: str, position: Position | None) -> str | None:
    """What usually causes a syntax error like this one, in words a person editing YAML uses."""
    lines = text.splitlines()
    line = lines[position.line - 1] if position and 0 < position.line <= len(lines) else ""
    character = line[position.column - 1 : position.column] if position else ""
    if "tab" in message or character == "\t":
        return "indent with spaces: YAML does not allow tabs for indentation"
    if "cannot start any token" in message and character in ("@", "`"):
        return f"'{character}' cannot start a plain value: put the value in quotes"
    if "undefined alias" in message:
        return (
            "'*name' refers to an anchor '&name' defined earlier in the file; quote the value "
            "if the '*' is meant literally"
        )
    if "unknown escape character" in message:
        return "inside double quotes '\\' starts an escape: use single quotes, or write '\\\\'"
    if "end of stream" in message and "quoted scalar" in message:
        return "a quote is not closed"
    if "block sequence entries are not allowed" in message:
        return "a list starts on the line after its key: put each '- item' on a line of its own"
    if "scanning an anchor" in message or "scanning an alias" in message:
        return "'&' and '*' start an anchor and an alias: quote the value if it is meant literally"
    if "expected ',' or ']'" in message:
        return "a '[' list needs its closing ']', and commas between its items"
    if "expected ',' or '}'" in message:
        return "a '{' mapping needs its closing '}', and commas between its entries"
    if "incompatible YAML document" in message:
        return "remove the %YAML directive: manifold reads YAML 1.2"
    unclosed = _multiline_quote_before(text, position)
    if unclosed is not None:
        return (
            f"the quoted value that starts at line {unclosed.line}, column {unclosed.column} runs "
            "over several lines: is a closing quote missing?"
        )
    if "found unexpected ':'" in message:
        return "inside [ ] or { }, a value that contains ':' must be quoted"
    if position is not None and (
        "mapping values are not allowed" in message or "expected ':'" in message
    ):
        previous = next(
            (
                (number, candidate)
                for number, candidate in reversed(list(enumerate(lines[: position.line - 1], 1)))
                if candidate.strip() and not candidate.lstrip().startswith("#")
            ),
            None,
        )
        if previous and ":" not in previous[1] and not previous[1].lstrip().startswith("-"):
            return f"line {previous[0]} has no ':' after its key"
        return "a value that contains ': ' must be quoted"
    if "did not find expected key" in message or "expected '-' indicator" in message:
        return "check the indentation of this line: it must line up with the keys it belongs with"
    return None


def _multiline_quote_before(text: str, position: Position | None) -> Position | None:
    """Where a quoted scalar that spans lines starts, when one comes before `position`."""
    if position is None:
        return None
    found = None
    try:
        for token in scan(text, Loader=_loader(INPUTS)):
            start, end = token.start_mark, token.end_mark
            if (start.line + 1, start.column + 1) >= (position.line, position.column):
                break
            if getattr(token, "style", None) in ("'", '"') and end.line > start.line:
                found = position_at(text, start.index)
    except YAMLError:
        pass
    return found


def _long_number(text: str) -> Position | None:
    longest = max(re.finditer(r"[0-9_]+", text), key=lambda m: m.end() - m.start(), default=None)
    return position_at(text, longest.start()) if longest else None


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
    the document (with keys made strings when the dialect asks for it).

    Aliases share one object with their anchor, so the walk counts a node once per path that
    reaches it, which is what writing the document out would cost.
    """
    budget = [MAX_NODES]
    open_containers: set[int] = set()
    seen: set[int] = set()
    repeats: list[bool] = []
    """Along the current path: was this container reached before (through an alias)?"""

    def fail(message: str, path: JsonPath, *keys: Any) -> NoReturn:
        """Raise at `path`, or at the key `keys[0]` of the mapping at `path` when given."""
        where = locate(text, (*path, *keys), key=True) if keys else locate(text, path)
        raise YamlError(message, where, path)

    def visit(node: Any, path: JsonPath, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            # Point at the first alias on the way here: that is what multiplies.
            first = repeats.index(True) if True in repeats else len(repeats)
            fail(
                f"document expands to more than {MAX_NODES} nodes (anchors and aliases "
                "multiply); write the values out or split the file",
                path[:first],
            )
        if depth > dialect.max_depth:
            fail(f"nesting is deeper than {dialect.max_depth} levels", path)
        if isinstance(node, dict | list):
            if id(node) in open_containers:
                fail(
                    "an alias refers to the anchor it is inside of; YAML that contains itself "
                    "cannot be turned into data",
                    path,
                )
            open_containers.add(id(node))
            repeats.append(id(node) in seen)
            seen.add(id(node))
            try:
                return visit_container(node, path, depth)
            finally:
                open_containers.discard(id(node))
                repeats.pop()
        if not (node is None or isinstance(node, str | int | float | bool)):
            fail(
                f"unsupported YAML value of type {type(node).__name__}; use a string, "
                "number, boolean, null, list or mapping",
                path,
            )
        return node

    def visit_container(node: dict[Any, Any] | list[Any], path: JsonPath, depth: int) -> Any:
        """The container with its children checked. Only keys made strings change anything,
        and then only the containers along the way are copied."""
        if not dialect.string_keys:
            pairs = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in pairs:
                if isinstance(key, tuple):
                    fail("a mapping key is a list; keys must be strings", path)
                if isinstance(node, dict) and not isinstance(key, str):
                    fail(f"mapping key {_shown_key(key)} is not a string; quote it", path, key)
                visit(value, (*path, key), depth + 1)
            return node
        if isinstance(node, list):
            items = [visit(item, (*path, index), depth + 1) for index, item in enumerate(node)]
            return node if all(a is b for a, b in zip(items, node, strict=True)) else items
        converted: dict[str, Any] = {}
        changed = False
        for key, value in node.items():
            if isinstance(key, tuple):
                fail("a mapping key is a list; keys must be strings", path)
            name = key if isinstance(key, str) else json.dumps(key)
            converted[name] = visit(value, (*path, name), depth + 1)
            changed = changed or name is not key or converted[name] is not value
        return converted if changed else node

    return visit(document, (), 0)


class PositionIndex:
    """Line and column of the nodes of one document, from a round-trip parse of its text."""

    def __init__(self, text: str) -> None:
        try:
            documents = list(_positions_loader().load_all(text))
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


# --------------------------------------------------------------------------- writing

_INDICATOR_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_YAML11_BOOL = re.compile(
    r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
    r"|on|On|ON|off|Off|OFF)\Z"
)
_NULL = re.compile(r"(?:~|null|Null|NULL)\Z")
_NUMBER_LIKE = re.compile(
    r"""[-+]?(?:
        0b[0-1_]+ | 0o?[0-7_]+ | 0x[0-9a-fA-F_]+          # ints in any base, 1.1 and 1.2
      | [0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?       # decimal, sexagesimal, float
      | \.[0-9_]+                                          # .5
      | [0-9_]+                     # ruamel reads "-_" and "__" as (broken) integers
      )(?:[eE][-+]?[0-9]+)?\Z
    | [-+]?\.(?:inf|Inf|INF)\Z | \.(?:nan|NaN|NAN)\Z""",
    re.VERBOSE,
)
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ]|\Z)")
_UNSAFE_INSIDE = re.compile(r": |:\Z| #|[\t\n\r]")
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""Characters YAML readers refuse or change unless escaped (ruamel.yaml refuses the
noncharacters U+FFFE and U+FFFF outright)."""


@functools.lru_cache(maxsize=65536)
def _string(text: str) -> str:
    """A string as a plain scalar when that reads back as the same string, else quoted."""
    if _is_plain_safe(text):
        return text
    return _double_quoted(text)


def _is_plain_safe(text: str) -> bool:
    if not text or text != text.strip() or text.startswith(("---", "...")):
        return False
    if text[0] in _INDICATOR_START and not (text[0] == "-" and text[1:2] not in ("", " ")):
        return False  # "-x" and "--flag" stay plain; other indicators open a structure
    return _plain_body(text)


def _plain_body(text: str) -> bool:
    if _UNSAFE_INSIDE.search(text) or _NEEDS_ESCAPE.search(text) or not text.isprintable():
        return False
    if text in ("<<", "="):
        return False
    return not (
        _YAML11_BOOL.match(text)
        or _NULL.match(text)
        or _NUMBER_LIKE.match(text)
        or _TIMESTAMP.match(text)
    )


def _double_quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted if quoted.isprintable() else escape_unprintable(quoted, json_style=False)


def escape_unprintable(quoted: str, *, json_style: bool) -> str:
    """`quoted` (the inside of a double-quoted string) with every character that is not
    printable written as an escape: controls, line separators, and the invisible format
    characters (bidirectional overrides, zero-width joiners) that make a file read otherwise
    in a review than it does ('Trojan Source'). JSON has no 8-digit escape: a character past
    U+FFFF is written as its two surrogates there."""

    def escape(character: str) -> str:
        code = ord(character)
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        if not json_style:
            return f"\\U{code:08x}"
        high, low = divmod(code - 0x10000, 0x400)
        return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"

    return "".join(c if c.isprintable() else escape(c) for c in quoted)


def visible(text: str, *, json_style: bool = False) -> str:
    """`text` (lines of YAML, JSON or prose) with what is not printable escaped, line breaks
    kept. Outside strings, JSON and manifold's YAML hold only printable characters, so
    escaping whole lines changes only the insides of strings."""
    if text.replace("\n", "").isprintable():
        return text
    lines = text.split("\n")
    return "\n".join(escape_unprintable(line, json_style=json_style) for line in lines)


def _literal_block(text: str, indent: str) -> str | None:
    """`|` / `|-` block for multi-line text that reads back exactly, else None."""
    if "\n" not in text or _NEEDS_ESCAPE.search(text) or "\t" in text or "\r" in text:
        return None
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n") or not body:
        return None  # several trailing newlines need |+; quoting is clearer
    lines = body.split("\n")
    first_content = next((line for line in lines if line), "")
    if first_content.startswith(" ") or any(line != line.rstrip(" ") for line in lines):
        return None  # the block's indentation is read from its first non-empty line
    if not all(line.isprintable() for line in lines):
        return None
    header = "|" if text.endswith("\n") else "|-"
    inner = indent + "  "
    return header + "".join("\n" + (inner + line if line else "") for line in lines)


def _scalar(value: Any, indent: str) -> str:
    if isinstance(value, str):
        return _literal_block(value, indent) or _string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    raise TypeError(f"cannot emit {type(value).__name__} as YAML")


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"  # YAML 1.1 reads 1e-05 as a string
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _emit(value: Any, indent: str, first: str, out: list[str]) -> None:
    """Emit a non-empty dict or list; its first line starts with `first`, the rest with `indent`."""
    prefix = first
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"mapping key {key!r} is not a string")
            head = f"{prefix}{_string(key)}:"
            if isinstance(item, dict) and item:
                out.append(head + "\n")
                _emit(item, indent + "  ", indent + "  ", out)
            elif isinstance(item, list) and item:
                out.append(head + "\n")
                _emit(item, indent, indent, out)
            else:
                out.append(f"{head} {_scalar(item, indent)}\n")
            prefix = indent
    else:
        for item in value:
            if (isinstance(item, dict | list)) and item:
                _emit(item, indent + "  ", prefix + "- ", out)
            else:
                out.append(f"{prefix}- {_scalar(item, indent)}\n")
            prefix = indent


def emit(document: Mapping[str, Any] | list[Any]) -> str:
    """One YAML document in block style, keys in insertion order, sequences not indented."""
    if not document:
        return "{}\n" if isinstance(document, Mapping) else "[]\n"
    out: list[str] = []
    _emit(dict(document) if not isinstance(document, dict | list) else document, "", "", out)
    return "".join(out)
