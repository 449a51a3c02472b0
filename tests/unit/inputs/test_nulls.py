"""`without_nulls`: a null map value means the key is absent, at any depth but inside a
patch's or a fine-tune's payload; an input without nulls comes back as the same object."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.inputs.nulls import PAYLOADS, without_nulls

KEYS = st.sampled_from(["a", "b", "spec", "mergePatch", "jsonPatch", "configuration"])
DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ({"a": None, "b": 1}, {"b": 1}),
        ({"a": {"b": None, "c": [1, None]}}, {"a": {"c": [1, None]}}),
        ([{"a": None}, None, 2], [{}, None, 2]),
        ({"mergePatch": {"a": None}}, {"mergePatch": {"a": None}}),
        (
            {"spec": {"configuration": {"revision": None}}},
            {"spec": {"configuration": {"revision": None}}},
        ),
        (
            {"jsonPatch": [{"op": "add", "value": None}]},
            {"jsonPatch": [{"op": "add", "value": None}]},
        ),
        ({"a": {"b": {"c": None}}}, {"a": {"b": {}}}),
        (None, None),
        ("text", "text"),
    ],
)
def test_nulls_are_dropped_outside_payloads(given_value: Any, expected: Any) -> None:
    assert without_nulls(given_value) == expected


def test_the_payload_keys_are_those_whose_nulls_are_data() -> None:
    assert frozenset({"mergePatch", "jsonPatch", "configuration"}) == PAYLOADS


def _has_null_outside_payloads(value: Any) -> bool:
    if isinstance(value, dict):
        return any(
            item is None or (key not in PAYLOADS and _has_null_outside_payloads(item))
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_has_null_outside_payloads(item) for item in value)
    return False


@given(DOCUMENTS)
def test_no_null_map_value_is_left_outside_payloads(value: Any) -> None:
    assert not _has_null_outside_payloads(without_nulls(value))


@given(DOCUMENTS)
def test_dropping_nulls_twice_changes_nothing(value: Any) -> None:
    once = without_nulls(value)
    assert without_nulls(once) is once


@given(DOCUMENTS)
def test_a_value_without_nulls_is_returned_as_is_and_the_input_is_not_changed(value: Any) -> None:
    snapshot = repr(value)
    cleaned = without_nulls(value)
    assert repr(value) == snapshot
    if not _has_null_outside_payloads(value):
        assert cleaned is value
