"""Indented JSON text without the standard library's pure-Python encoder: `json.dumps` encodes
in C only when it does not indent, and with an indent runs a Python generator step per value.
`indented` writes the same bytes as `json.dumps(value, indent=2, ensure_ascii=False,
sort_keys=...)` (tests/unit/core/test_jsontext.py compares them on generated values), quoting
strings with the C function `json.dumps` itself uses. Rendered API requests and generated
schemas are written with it.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_CONSTANTS = {True: "true", False: "false", None: "null"}


class _NotPlain(Exception):
    """A value left to `json.dumps`: a key that is not a string, or a type it may refuse."""


def indented(value: Any, *, sort_keys: bool = False) -> str:
    """`value` as `json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)`."""
    out: list[str] = []
    try:
        _write(value, "\n", sort_keys, out)
    except _NotPlain:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
    return "".join(out)


def _write(value: Any, newline: str, sort_keys: bool, out: list[str]) -> None:
    """Append `value`'s text; `newline` is a line break and the indentation of its line."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None or value is True or value is False:
        out.append(_CONSTANTS[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        _write_mapping(value, newline, sort_keys, out)
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, inner, sort_keys, out)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _NotPlain


def _write_mapping(mapping: dict[Any, Any], newline: str, sort_keys: bool, out: list[str]) -> None:
    if not mapping:
        out.append("{}")
        return
    if not all(isinstance(key, str) for key in mapping):
        raise _NotPlain  # json.dumps writes numbers and constants as keys, or refuses them
    inner = newline + "  "
    separator = "{" + inner
    for key, item in sorted(mapping.items()) if sort_keys else mapping.items():
        out.append(separator + encode_basestring(key) + ": ")
        _write(item, inner, sort_keys, out)
        separator = "," + inner
    out.append(newline + "}")


def _float(value: float) -> str:
    """As `json.dumps` writes a float: NaN and the infinities by their JavaScript names."""
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)
