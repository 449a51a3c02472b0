"""Merging layers of configuration, and patching rendered objects.

Layer merge (`merge`), used for platform defaults < environment chain < project spec <
the project's per-environment override:

- mappings merge key by key, recursively;
- a key whose value is null in the later layer is removed;
- two lists whose items are all mappings carrying a string `name` merge item by item, matched
  by name: items keep the earlier layer's order, new names are appended in the later layer's
  order (a name that occurs twice is matched occurrence by occurrence);
- any other list, and any scalar, is replaced by the later layer's value;
- nulls inside a subtree that the earlier layer did not have are dropped, so a later layer
  never introduces a null.

Patches on rendered objects: RFC 7386 merge patches (`merge_patch`) and RFC 6902 JSON patches
(`json_patch`).

Nothing here mutates its arguments: results share unchanged subtrees with the inputs, so
callers treat every document as immutable.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Mapping, Sequence
from typing import Any

from manifold.core.jsonpath import parse_json_pointer
from manifold.inputs.nulls import without_nulls


def is_named_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in value)
    )


def merge(base: Any, override: Any) -> Any:
    """`override` layered over `base`, with the semantics in the module docstring."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if value is None:
                merged.pop(key, None)
            elif key in base:
                merged[key] = merge(base[key], value)
            else:
                merged[key] = without_nulls(value)
        return merged
    if is_named_list(base) and is_named_list(override):
        return _merge_by_name(base, override)
    return without_nulls(override)


def _merge_by_name(base: list[dict[str, Any]], override: list[dict[str, Any]]) -> list[Any]:
    """The k-th item of a name in `override` merges into the k-th item of that name in
    `base`, so a name written twice stays twice and validation can say so."""
    merged: list[Any] = list(base)
    unmatched: dict[str, list[int]] = {}
    for position, item in enumerate(base):
        unmatched.setdefault(item["name"], []).append(position)
    for item in override:
        positions = unmatched.get(item["name"])
        if positions:
            found = positions.pop(0)
            merged[found] = merge(merged[found], item)
        else:
            merged.append(without_nulls(item))
    return merged


def merge_all(layers: Sequence[Any]) -> Any:
    result: Any = {}
    for layer in layers:
        result = merge(result, layer)
    return result


# --------------------------------------------------------------------------- RFC 7386


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: apply a JSON merge patch to `target`."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# --------------------------------------------------------------------------- RFC 6902


class JsonPatchError(ValueError):
    """A JSON patch operation that cannot be applied; `index` is its position in the patch."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


MAX_PATCHED_VALUES = 100_000
"""Most values (scalars and containers) a patched object may hold: a rendered object holds a
few hundred, and `copy` can double an object with each operation."""


def json_patch(document: Any, operations: Sequence[Mapping[str, Any]]) -> Any:
    """RFC 6902: apply `operations` in order; all or nothing."""
    room = MAX_PATCHED_VALUES - value_count(document, MAX_PATCHED_VALUES)
    for index, operation in enumerate(operations):
        if operation.get("op") in ("add", "replace", "copy"):
            added = operation.get("value")
            if operation["op"] == "copy":
                with contextlib.suppress(KeyError, IndexError, ValueError, TypeError):
                    added = _get(document, parse_json_pointer(operation["from"]))
            room -= value_count(added, room + 1)
            if room < 0:
                raise JsonPatchError(
                    index,
                    f"the patch makes the object hold more than {MAX_PATCHED_VALUES} values; "
                    "a patch should change an object, not grow it without bound",
                )
        try:
            document = _apply(document, operation)
        except (KeyError, IndexError, ValueError, TypeError) as error:
            message = error.args[0] if error.args else str(error)
            raise JsonPatchError(index, str(message)) from error
    return document


def value_count(value: Any, limit: int) -> int:
    """How many values `value` holds (itself included), counting no further than `limit`."""
    count, stack = 0, [value]
    while stack and count < limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _apply(document: Any, operation: Mapping[str, Any]) -> Any:
    op = operation["op"]
    path = parse_json_pointer(operation["path"])
    if op == "add":
        return _add(document, path, operation["value"])
    if op == "remove":
        return _remove(document, path)
    if op == "replace":
        _get(document, path)
        return _set(document, path, operation["value"])
    if op == "move":
        source = parse_json_pointer(operation["from"])
        if path[: len(source)] == source and path != source:
            raise ValueError(f"cannot move {operation['from']} into its own child")
        value = _get(document, source)
        return _add(_remove(document, source), path, value)
    if op == "copy":
        value = _get(document, parse_json_pointer(operation["from"]))
        return _add(document, path, copy.deepcopy(value))
    if op == "test":
        actual = _get(document, path)
        if not _json_equal(actual, operation["value"]):
            raise ValueError(
                f"test failed at {operation['path']}: found {actual!r}, "
                f"expected {operation['value']!r}"
            )
        return document
    raise ValueError(f"unknown operation {op!r}")


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _index(container: list[Any], token: str, *, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return len(container)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise ValueError(f"{token!r} is not an array index")
    index = int(token)
    if index > len(container) or (index == len(container) and not allow_end):
        raise IndexError(f"array index {index} is out of range (length {len(container)})")
    return index


def _get(document: Any, path: tuple[str, ...]) -> Any:
    node = document
    for token in path:
        if isinstance(node, dict):
            if token not in node:
                raise KeyError(f"path member {token!r} does not exist")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, allow_end=False)]
        else:
            raise ValueError(f"cannot descend into {type(node).__name__} at {token!r}")
    return node


def _update(document: Any, path: tuple[str, ...], change: Any) -> Any:
    """Copy-on-write: rebuild only the containers along `path`; `change` edits the parent."""
    if not path:
        raise ValueError("the operation needs a non-empty path")
    token, rest = path[0], path[1:]
    if isinstance(document, dict):
        updated = dict(document)
        if not rest:
            change(updated, token)
        else:
            if token not in document:
                raise KeyError(f"path member {token!r} does not exist")
            updated[token] = _update(document[token], rest, change)
        return updated
    if isinstance(document, list):
        updated_list = list(document)
        if not rest:
            change(updated_list, token)
        else:
            index = _index(document, token, allow_end=False)
            updated_list[index] = _update(document[index], rest, change)
        return updated_list
    raise ValueError(f"cannot descend into {type(document).__name__} at {token!r}")


def _add(document: Any, path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value

    def add(parent: Any, token: str) -> None:
        if isinstance(parent, dict):
            parent[token] = value
        else:
            parent.insert(_index(parent, token, allow_end=True), value)

    return _update(document, path, add)


def _remove(document: Any, path: tuple[str, ...]) -> Any:
    def remove(parent: Any, token: str) -> None:
        if isinstance(parent, dict):
            if token not in parent:
                raise KeyError(f"path member {token!r} does not exist")
            del parent[token]
        else:
            del parent[_index(parent, token, allow_end=False)]

    return _update(document, path, remove)


def _set(document: Any, path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value

    def replace(parent: Any, token: str) -> None:
        if isinstance(parent, dict):
            parent[token] = value
        else:
            parent[_index(parent, token, allow_end=False)] = value

    return _update(document, path, replace)
