"""Hints for YAML syntax errors: the likely cause in words a person can act on."""

from __future__ import annotations

import pytest

from manifold.core import yaml as yamlio


def _refused(text: str) -> yamlio.YamlError:
    with pytest.raises(yamlio.YamlError) as raised:
        yamlio.load_one(text)
    return raised.value


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("a:\n\tb: 1\n", "indent with spaces"),
        ("a: @b\n", "put the value in quotes"),
        ("a: b: c\n", "must be quoted"),
        ("a: 1\nb 2\nc: 3\n", "line 2 has no ':'"),
        ('a: "x\nb: 1\nc: "y"\n', "is a closing quote missing?"),
        ("a: *nothing\n", "anchor"),
    ],
)
def test_syntax_errors_come_with_a_hint(text: str, hint: str) -> None:
    refused = _refused(text)
    assert refused.hint is not None and hint in refused.hint
