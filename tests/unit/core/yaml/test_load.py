"""core.yaml.load: text to plain data, one document or several, within bounds (nesting,
aliases, keys) that hostile input cannot get round."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position
from manifold.core.yaml import load
from tests.unit.core.yaml.support import json_documents, refusal


class TestLoading:
    def test_one_document(self) -> None:
        assert yamlio.load_one("a: 1\nb: [x, y]\n") == {"a": 1, "b": ["x", "y"]}

    def test_empty_text_is_none(self) -> None:
        assert yamlio.load_one("# only a comment\n") is None

    def test_several_documents_are_refused_where_one_is_expected(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("a: 1\n---\nb: 2\n")
        assert raised.value.position == Position(2, 1)
        assert "one YAML document" in raised.value.message

    def test_non_string_keys_are_refused(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("spec:\n  1: one\n")
        assert "not a string" in raised.value.message
        assert raised.value.path == ("spec",)

    def test_alias_expansion_is_bounded(self) -> None:
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in range(1, 9):
            refs = ", ".join([f"*a{level - 1}"] * 10)
            lines.append(f"a{level}: &a{level} [{refs}]")
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("\n".join(lines) + "\n")
        assert "anchors and aliases" in raised.value.message

    def test_deep_nesting_is_refused(self) -> None:
        text = "a: " + "[" * 100 + "]" * 100 + "\n"
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one(text)
        assert "deeper than" in raised.value.message


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(json_documents, st.booleans())
def test_the_nesting_bound_never_underestimates(document: Any, flow: bool) -> None:
    # The bound decides whether the exact (event-based) depth check runs: it must never be
    # below the real depth, in block or in flow style.
    text = json.dumps(document) if flow else yamlio.emit({"root": document})
    real = _depth(document) + (0 if flow else 1)
    assert load._nesting_bound(text) >= real


class TestHostileInput:
    def test_deep_nesting_is_refused_before_the_parser_recurses(self) -> None:
        # 200,000 levels used to overflow the C stack of ruamel.yaml's composer.
        refused = refusal(lambda: yamlio.load_one("- " * 200_000 + "x\n"))
        assert refused.message == "nesting is deeper than 64 levels"
        assert refused.position == Position(1, 129)

    def test_compact_nesting_below_the_limit_is_read(self) -> None:
        assert yamlio.load_one("- " * 60 + "x\n") is not None

    def test_an_alias_inside_its_own_anchor_is_refused(self) -> None:
        refused = refusal(lambda: yamlio.load_one("a: &a [1, *a]\n"))
        assert "contains itself" in refused.message
        assert refused.path == ("a", 1)

    def test_shared_aliases_are_fine(self) -> None:
        assert yamlio.load_one("a: &a [1]\nb: *a\nc: *a\n") == {"a": [1], "b": [1], "c": [1]}

    def test_alias_bombs_are_reported_at_the_first_alias(self) -> None:
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 7)]
        refused = refusal(lambda: yamlio.load_one("\n".join(lines) + "\n"))
        assert refused.path[1] in range(10)
        assert len(refused.path) == 2
