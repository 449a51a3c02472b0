"""Validate plain data against a pydantic model and explain what is wrong in the user's terms.

pydantic reports errors against its own view of the model (union tags in locations, Python
wording). This module turns them into `Problem`s: a path into the user's data, a message
that names what to change, and a "did you mean" for misspelt fields and values.
"""

from __future__ import annotations

import difflib
import functools
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from manifold.core.diagnostics import Problem, shown
from manifold.core.jsonpath import JsonPath

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        problems = [_problem(model, data, detail) for detail in error.errors(include_url=False)]
        return None, _without_union_noise(problems)


def _without_union_noise(problems: list[Problem]) -> list[Problem]:
    """One problem per place: pydantic may report the same place once per union member."""
    seen: dict[tuple[JsonPath, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.path, problem.message), problem)
    return list(seen.values())


def data_path(data: Any, loc: tuple[str | int, ...]) -> JsonPath:
    """pydantic's error location as a path into `data`, without union tags."""
    path: list[str | int] = []
    node = data
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, dict):
            following = loc[index + 1] if not last else None
            # A tag can share its name with a field (`jsonPatch` tags the member whose field
            # `jsonPatch` holds the operations): it is a tag when what follows is not inside.
            is_tag = (
                following is not None
                and following in node
                and not (isinstance(node.get(step), dict | list) and _has(node[step], following))
            )
            if step in node and not is_tag:
                path.append(step)
                node = node[step]
            elif last:
                path.append(step)
            # otherwise a union tag: not part of the data
        elif isinstance(node, list) and isinstance(step, int):
            path.append(step)
            node = node[step] if 0 <= step < len(node) else None
        else:
            break  # scalar reached: the rest names union members
    return tuple(path)


def _has(node: Any, step: str | int) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


def describe_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def did_you_mean(word: str, choices: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else None


_EXPECTED_TYPE = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "a boolean (true or false)",
    "bool_parsing": "a boolean (true or false)",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}


def _problem(model: type[BaseModel], data: Any, detail: ErrorDetails) -> Problem:
    kind = detail["type"]
    path = data_path(data, tuple(detail["loc"]))
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    if kind == "extra_forbidden":
        field = str(path[-1]) if path else "?"
        allowed = allowed_fields(model, data, path[:-1])
        hint = did_you_mean(field, allowed)
        known = f"; known fields: {', '.join(sorted(allowed))}" if allowed and not hint else ""
        return Problem(path, f"unknown field {shown(field)}{known}", at_key=True, hint=hint)
    if kind == "missing":
        field = str(path[-1]) if path else "?"
        return Problem(path, f"missing required field {field!r}")
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'\"") for c in expected.replace(" or ", ",").split(",")]
        hint = (
            did_you_mean(str(value), [c for c in choices if c]) if isinstance(value, str) else None
        )
        return Problem(path, f"{shown(value)} is not allowed; expected {expected}", hint=hint)
    if kind in _EXPECTED_TYPE:
        hint = None
        if kind == "string_type" and isinstance(value, bool | int | float):
            hint = f"put the value in quotes: unquoted, YAML reads it as {describe_type(value)}"
        return Problem(
            path, f"expected {_EXPECTED_TYPE[kind]}, got {describe_type(value)}", hint=hint
        )
    if kind in ("value_error", "assertion_error"):
        message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return Problem(path, message)
    if kind == "greater_than_equal":
        return Problem(path, f"must be at least {ctx.get('ge')}, got {shown(value)}")
    if kind == "less_than_equal":
        return Problem(path, f"must be at most {ctx.get('le')}, got {shown(value)}")
    if kind == "string_pattern_mismatch":
        return Problem(path, f"{shown(value)} does not match the pattern {ctx.get('pattern')}")
    if kind in ("string_too_short", "too_short"):
        return Problem(path, f"must not be empty (at least {ctx.get('min_length')})")
    if kind in ("string_too_long", "too_long"):
        return Problem(path, f"is too long (at most {ctx.get('max_length')})")
    return Problem(path, detail["msg"])


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(by_alias=True)


def allowed_fields(model: type[BaseModel], data: Any, path: JsonPath) -> list[str]:
    """Field names the schema allows in the mapping at `path` of `data`."""
    schema = _schema(model)
    definitions = schema.get("$defs", {})
    node: dict[str, Any] = schema
    value = data
    for step in path:
        node = _resolved(node, definitions, value)
        if isinstance(step, int):
            node = node.get("items", {})
            value = value[step] if isinstance(value, list) and 0 <= step < len(value) else None
        else:
            properties = node.get("properties", {})
            extra = node.get("additionalProperties")
            node = properties.get(step) or (extra if isinstance(extra, dict) else {})
            value = value.get(step) if isinstance(value, dict) else None
    return list(_resolved(node, definitions, value).get("properties", {}))


def _resolved(node: dict[str, Any], definitions: dict[str, Any], value: Any) -> dict[str, Any]:
    """Follow $refs and pick the union member that fits `value` best."""
    for _ in range(32):
        if "$ref" in node:
            node = definitions.get(node["$ref"].rsplit("/", 1)[-1], {})
            continue
        members = node.get("anyOf") or node.get("oneOf")
        if not members:
            return node
        keys = set(value) if isinstance(value, dict) else set()
        candidates = [_resolved(m, definitions, value) for m in members if m.get("type") != "null"]
        objects = [c for c in candidates if "properties" in c]
        if not objects:
            return candidates[0] if candidates else {}
        node = max(objects, key=lambda c: len(keys & set(c["properties"])))
    return node
