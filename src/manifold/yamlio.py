"""The one place YAML is read and written.

Reading: ruamel.yaml's C-backed safe loader turns text into plain dicts, lists and scalars
(about 7x cheaper than its round-trip loader). Positions are needed only to report a
problem, so a file is parsed again in round-trip mode, which keeps line and column of every
node, only when a diagnostic has to point into it.

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
from collections.abc import Iterator, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from manifold.diagnostics import Position
from manifold.paths import JsonPath

MAX_NODES = 200_000
"""Nodes one document may expand to; bounds what anchors and aliases can blow up into."""

MAX_DEPTH = 64
"""Nesting no hand-written manifold file needs; deeper input is refused, not recursed into."""


class YamlError(Exception):
    """Text that is not acceptable YAML for manifold, with where the problem is."""

    def __init__(self, message: str, position: Position | None = None, path: JsonPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.path = path


# --------------------------------------------------------------------------- reading


class _PlainConstructor(SafeConstructor):
    """Timestamps stay the strings people wrote; manifold never wants a datetime."""


_PlainConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def _fast_loader() -> YAML:
    loader = YAML(typ="safe", pure=False)
    loader.Constructor = _PlainConstructor
    return loader


def _positions_loader() -> YAML:
    return YAML(typ="rt")


_FAST = _fast_loader()


def _mark_position(error: MarkedYAMLError) -> Position | None:
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return None
    return Position(mark.line + 1, mark.column + 1)


def _describe(error: YAMLError) -> str:
    if isinstance(error, MarkedYAMLError):
        context = error.context
        mark = error.context_mark
        if context and mark is not None and mark != error.problem_mark:
            context = f"{context} (at line {mark.line + 1}, column {mark.column + 1})"
        parts = [part for part in (context, error.problem) if part]
        if parts:
            return "; ".join(parts).replace("\n", " ")
    return str(error).splitlines()[0]


def load_all(text: str) -> list[Any]:
    """Every document in `text` as plain data. Raises YamlError with the position of a problem."""
    try:
        documents = list(_FAST.load_all(text))
    except YAMLError as error:
        position = _mark_position(error) if isinstance(error, MarkedYAMLError) else None
        raise YamlError(f"YAML syntax error: {_describe(error)}", position) from error
    except RecursionError as error:
        raise YamlError(f"YAML nesting is deeper than {MAX_DEPTH} levels") from error
    return [_checked(document, text) for document in documents]


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


def _checked(document: Any, text: str) -> Any:
    """Refuse what JSON cannot hold, alias bombs and runaway nesting; return the document."""
    budget = [MAX_NODES]

    def visit(node: Any, path: JsonPath, depth: int) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise YamlError(
                f"document expands to more than {MAX_NODES} nodes (anchors and aliases "
                "multiply); write the values out or split the file",
                locate(text, path),
                path,
            )
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", locate(text, path), path)
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    raise YamlError(
                        f"mapping key {key!r} is not a string; quote it",
                        locate(text, path),
                        path,
                    )
                visit(value, (*path, key), depth + 1)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                visit(item, (*path, index), depth + 1)
        elif not (node is None or isinstance(node, str | int | float | bool)):
            raise YamlError(
                f"unsupported YAML value of type {type(node).__name__}; use a string, "
                "number, boolean, null, list or mapping",
                locate(text, path),
                path,
            )

    visit(document, (), 0)
    return document


class PositionIndex:
    """Line and column of the nodes of one document, from a round-trip parse of its text."""

    def __init__(self, text: str) -> None:
        try:
            documents = list(_positions_loader().load_all(text))
        except (YAMLError, RecursionError):
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
        if isinstance(step, str) and isinstance(node, Mapping) and step in node:
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
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _literal_block(text: str, indent: str) -> str | None:
    """`|` / `|-` block for multi-line text that reads back exactly, else None."""
    if "\n" not in text or _NEEDS_ESCAPE.search(text) or "\t" in text or "\r" in text:
        return None
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n") or not body:
        return None  # several trailing newlines need |+; quoting is clearer
    lines = body.split("\n")
    if lines[0].startswith(" ") or any(line != line.rstrip(" ") for line in lines):
        return None
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


def emit_all(documents: Iterator[Mapping[str, Any]] | list[Mapping[str, Any]]) -> str:
    return "---\n".join(emit(document) for document in documents)
