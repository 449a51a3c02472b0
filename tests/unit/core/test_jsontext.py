"""`jsontext.indented` writes the bytes `json.dumps` writes with the same settings."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core import jsontext

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["é", "\u2028", "\x00", "\U0001d11e", '"\\', "</script>"])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


def _dumped(value: Any, sort_keys: bool) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)


@given(_VALUES, st.booleans())
def test_the_text_is_what_json_dumps_writes(value: Any, sort_keys: bool) -> None:
    assert jsontext.indented(value, sort_keys=sort_keys) == _dumped(value, sort_keys)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"b": {}, "a": [[], {}, [1, 2.5, -0.0]]},
        {"x": [math.nan, math.inf, -math.inf, 1e-05, 10**30]},
        {2: "numbers as keys", 1: "are left to json.dumps"},
        {None: 1},
    ],
)
@pytest.mark.parametrize("sort_keys", [False, True])
def test_edge_values_match(value: Any, sort_keys: bool) -> None:
    assert jsontext.indented(value, sort_keys=sort_keys) == _dumped(value, sort_keys)


def test_what_json_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        jsontext.indented({"a": object()})
