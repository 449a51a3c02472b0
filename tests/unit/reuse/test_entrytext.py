"""Cache files written back from the entries' texts as read: the same bytes as encoding
them, and a changed entry is encoded afresh."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.reuse import entrytext

_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)
_DOCUMENTS = st.dictionaries(st.text(max_size=6), _VALUES, max_size=5)


def _compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


@given(_DOCUMENTS)
def test_read_and_written_back_is_the_same_text(data: dict[str, Any]) -> None:
    text = _compact(data)
    texts = entrytext.EntryTexts()
    read = entrytext.decoded(text, texts)
    assert read == json.loads(text)
    assert entrytext.encoded(read, texts) == text
    assert entrytext.encoded(read, entrytext.EntryTexts()) == text


def test_a_replaced_or_new_entry_is_encoded_afresh() -> None:
    texts = entrytext.EntryTexts()
    read = entrytext.decoded(_compact({"format": 5, "projects": [{"a": 1}, {"b": [2]}]}), texts)
    read["projects"][0] = {"a": 3}
    read["projects"].append({"c": None})
    expected = {"format": 5, "projects": [{"a": 3}, {"b": [2]}, {"c": None}]}
    assert entrytext.encoded(read, texts) == _compact(expected)


@pytest.mark.parametrize(
    "text",
    [
        '{ "projects": [{"a": 1}] }',  # spaces: read whole
        '{"projects":[{"a" : 1} ,{"b":2}],"objects":{"k" :{"x":1}}}',
        '{"projects":[{"a":1}],"projects":[]}',  # a key twice: the last one, as json.loads
        '{"a":1}  ',
    ],
)
def test_text_written_otherwise_reads_as_json_loads_reads_it(text: str) -> None:
    assert entrytext.decoded(text, entrytext.EntryTexts()) == json.loads(text)


@pytest.mark.parametrize(
    "text", ['{"projects":[{"a":1}', '{"projects":[{"a":1},]}', "", "[1,", '{"a":1}x']
)
def test_what_is_not_json_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        entrytext.decoded(text, entrytext.EntryTexts())
