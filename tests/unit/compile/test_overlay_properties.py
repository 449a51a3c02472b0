"""Properties of the overlay engine (manifold.compile.overlay), for any documents hypothesis draws.

- merging an empty layer changes nothing, on either side;
- a later layer's scalar always wins where it is written;
- merging two lists of named items, neither with a name twice, gives a list without a name
  twice: the earlier layer's names in their order, then the later layer's new ones;
- an RFC 6902 JSON patch followed by its inverse restores the document;
- nothing is mutated.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.compile.overlay import json_patch, merge, merge_all, merge_patch
from manifold.core.jsonpath import JsonPath, to_json_pointer
from manifold.inputs.nulls import without_nulls

# Keys include what JSON pointers must escape ('/', '~') and what YAML finds tricky.
keys = st.text(alphabet="abn/~0-", min_size=1, max_size=4)
scalars = (
    st.booleans()
    | st.integers(min_value=-1000, max_value=1000)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=5)
)


def _named_lists(children: st.SearchStrategy[Any]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        st.builds(
            lambda name, rest: {**rest, "name": name},
            keys,
            st.dictionaries(keys, children, max_size=2),
        ),
        max_size=4,
        unique_by=lambda item: item["name"],
    )


documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(keys, children, max_size=4)
        | _named_lists(children)
    ),
    max_leaves=25,
)
mappings = st.dictionaries(keys, documents, max_size=5)
layers = st.dictionaries(keys, documents | st.none(), max_size=5)
"""A later layer may hold nulls (they remove keys); documents never do."""


@given(mappings)
def test_an_empty_layer_changes_nothing(document: dict[str, Any]) -> None:
    assert merge(document, {}) == document
    assert merge({}, document) == document
    assert merge_all([document, {}]) == merge_all([{}, document]) == document


@given(layers, layers)
def test_an_empty_layer_anywhere_in_the_chain_changes_nothing(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    expected = merge_all([first, second])
    assert merge_all([{}, first, {}, second, {}]) == expected


def _scalar_leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Where `value` holds a scalar, reached through mappings only."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _scalar_leaves(item, (*path, key))]
    if isinstance(value, list) or value is None:
        return []
    return [(path, value)]


def _at(document: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


@given(mappings, layers)
def test_a_later_layers_scalar_always_wins(base: dict[str, Any], later: dict[str, Any]) -> None:
    merged = merge(base, later)
    for path, value in _scalar_leaves(later):
        assert _at(merged, path) == value
    for key, value in later.items():
        if value is None:
            assert key not in merged


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for item in items]


@given(_named_lists(documents), _named_lists(documents))
def test_named_lists_merge_without_duplicating_a_name(
    earlier: list[dict[str, Any]], later: list[dict[str, Any]]
) -> None:
    merged = merge(earlier, later)
    if not earlier or not later:
        # an empty list is not a named list: the later layer's list replaces
        assert merged == without_nulls(later)
        return
    names = _names(merged)
    assert len(names) == len(set(names))
    assert names == _names(earlier) + [n for n in _names(later) if n not in _names(earlier)]
    for item in later:
        (found,) = [m for m in merged if m["name"] == item["name"]]
        for path, value in _scalar_leaves(item):
            assert _at(found, path) == value


@given(layers, layers)
def test_merging_never_mutates_its_inputs(base: dict[str, Any], later: dict[str, Any]) -> None:
    frozen = copy.deepcopy((base, later))
    merge(base, later)
    merge_patch(base, later)
    assert (base, later) == frozen


# --------------------------------------------------------------------------- JSON patch


def _containers(document: Any, path: JsonPath = ()) -> list[JsonPath]:
    found: list[JsonPath] = []
    if isinstance(document, dict | list):
        found.append(path)
        items = document.items() if isinstance(document, dict) else enumerate(document)
        for key, value in items:
            found.extend(_containers(value, (*path, key)))
    return found


def _members(document: Any) -> list[JsonPath]:
    """Every path below the root."""
    return [
        (*container, key)
        for container in _containers(document)
        for key in (
            _get(document, container).keys()
            if isinstance(_get(document, container), dict)
            else range(len(_get(document, container)))
        )
    ]


def _get(document: Any, path: JsonPath) -> Any:
    for step in path:
        document = document[step]
    return document


def _new_place(data: st.DataObject, document: Any, avoid: JsonPath | None = None) -> JsonPath:
    """A place where `add` creates a member: a new key, or a position in a list."""
    containers = [c for c in _containers(document) if avoid is None or c[: len(avoid)] != avoid]
    container = data.draw(st.sampled_from(containers))
    target = _get(document, container)
    if isinstance(target, dict):
        key = data.draw(keys.filter(lambda k: k not in target))
        return (*container, key)
    return (*container, data.draw(st.integers(min_value=0, max_value=len(target))))


def _patch_and_inverse(
    data: st.DataObject, document: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    members = _members(document)
    ops = ["add", "test"] + (["remove", "replace", "move", "copy"] if members else [])
    op = data.draw(st.sampled_from(ops))
    if op == "add":
        place = _new_place(data, document)
        value = data.draw(documents)
        return {"op": "add", "path": to_json_pointer(place), "value": value}, [
            {"op": "remove", "path": to_json_pointer(place)}
        ]
    if op == "test":
        path = data.draw(st.sampled_from([(), *members]))
        return {"op": "test", "path": to_json_pointer(path), "value": _get(document, path)}, []
    path = data.draw(st.sampled_from(members))
    old = _get(document, path)
    pointer = to_json_pointer(path)
    if op == "remove":
        return {"op": "remove", "path": pointer}, [{"op": "add", "path": pointer, "value": old}]
    if op == "replace":
        value = data.draw(documents)
        return {"op": "replace", "path": pointer, "value": value}, [
            {"op": "replace", "path": pointer, "value": old}
        ]
    if op == "copy":
        place = _new_place(data, document)
        return {"op": "copy", "from": pointer, "path": to_json_pointer(place)}, [
            {"op": "remove", "path": to_json_pointer(place)}
        ]
    # move: to a new place outside what moves; indices are those after the removal
    removed = json_patch(document, [{"op": "remove", "path": pointer}])
    place = _new_place(data, removed, avoid=path)
    # (moving it back is not always allowed: RFC 6902 forbids moving a value into its own
    # child, which the place it came from can be once indices have shifted)
    return {"op": "move", "from": pointer, "path": to_json_pointer(place)}, [
        {"op": "remove", "path": to_json_pointer(place)},
        {"op": "add", "path": pointer, "value": old},
    ]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.dictionaries(keys, documents, min_size=1, max_size=5))
def test_a_json_patch_followed_by_its_inverse_restores_the_document(
    data: st.DataObject, document: dict[str, Any]
) -> None:
    frozen = copy.deepcopy(document)
    patch, inverse = _patch_and_inverse(data, document)
    patched = json_patch(document, [patch])
    assert json_patch(patched, inverse) == frozen
    assert document == frozen  # copy-on-write: the original is untouched
