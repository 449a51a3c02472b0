"""Paths into JSON-like documents, and how they are written for people and for RFC 6901."""

from __future__ import annotations

import re

JsonPath = tuple[str | int, ...]
"""A path into nested dicts and lists: keys are str, list indexes are int."""

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def format_json_path(path: JsonPath) -> str:
    """`("spec", "services", 0, "name")` -> `spec.services[0].name`; odd keys are quoted."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _PLAIN_KEY.match(step):
            parts.append(f".{step}" if parts else step)
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'["{escaped}"]')
    return "".join(parts)


def to_json_pointer(path: JsonPath) -> str:
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def parse_json_pointer(pointer: str) -> tuple[str, ...]:
    """RFC 6901: the pointer's reference tokens, unescaped. Raises ValueError when malformed."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer {pointer!r} must be empty or start with '/'")
    tokens = pointer[1:].split("/")
    for token in tokens:
        if re.search(r"~(?![01])", token):
            raise ValueError(f"JSON pointer {pointer!r} has a '~' not followed by 0 or 1")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in tokens)
