"""Writing YAML: a small block-style emitter for plain data. It is about 100x cheaper than
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
from collections.abc import Iterable, Mapping
from typing import Any

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
    """Emit a non-empty dict or list; its first line starts with `first`, the rest with `indent`.
    A one-line string, most of what is emitted, is written here without a call to `_scalar`,
    and each line is built by one f-string (about a tenth cheaper than joining its parts)."""
    prefix = first
    deeper = indent + "  "
    append = out.append
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"mapping key {key!r} is not a string")
            if item.__class__ is str and "\n" not in item:
                append(f"{prefix}{_string(key)}: {_string(item)}\n")
            elif isinstance(item, dict) and item:
                append(f"{prefix}{_string(key)}:\n")
                _emit(item, deeper, deeper, out)
            elif isinstance(item, list) and item:
                append(f"{prefix}{_string(key)}:\n")
                _emit(item, indent, indent, out)
            else:
                append(f"{prefix}{_string(key)}: {_scalar(item, indent)}\n")
            prefix = indent
    else:
        for item in value:
            if item.__class__ is str and "\n" not in item:
                append(f"{prefix}- {_string(item)}\n")
            elif (isinstance(item, dict | list)) and item:
                _emit(item, deeper, prefix + "- ", out)
            else:
                append(f"{prefix}- {_scalar(item, indent)}\n")
            prefix = indent


def emit(document: Mapping[str, Any] | list[Any]) -> str:
    """One YAML document in block style, keys in insertion order, sequences not indented."""
    if not document:
        return "{}\n" if isinstance(document, Mapping) else "[]\n"
    out: list[str] = []
    _emit(dict(document) if not isinstance(document, dict | list) else document, "", "", out)
    return "".join(out)


def emit_all(documents: Iterable[Mapping[str, Any]]) -> str:
    """Several documents as one YAML stream, `---` between them."""
    return "---\n".join(emit(document) for document in documents)
