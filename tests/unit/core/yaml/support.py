"""Shared by the YAML tests: any document JSON can hold (a Hypothesis strategy), and the
error a load refuses with."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import strategies as st

from manifold.core import yaml as yamlio

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.text(alphabet=" \n\tab:#-'\"", max_size=20)  # YAML's structural characters, dense
)

json_documents = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def refusal(load: Callable[[], object]) -> yamlio.YamlError:
    with pytest.raises(yamlio.YamlError) as raised:
        load()
    return raised.value
