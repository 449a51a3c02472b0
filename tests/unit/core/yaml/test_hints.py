"""core.yaml.hints: a syntax error, a control character or an overlong number is reported at
its line and column with a hint that says what to do."""

from __future__ import annotations

import pytest

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position
from tests.unit.core.yaml.support import refusal


class TestHints:
    def test_syntax_error_has_a_position(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("a: [1, 2\nb: 3\n")
        assert raised.value.position is not None
        assert "syntax error" in raised.value.message

    def test_integers_too_long_for_python_are_refused(self) -> None:
        refused = refusal(lambda: yamlio.load_one("a: b\nn: " + "7" * 5000 + "\n"))
        assert "more digits" in refused.message
        assert refused.position == Position(2, 4)

    def test_control_characters_are_located(self) -> None:
        refused = refusal(lambda: yamlio.load_one("a: b\nc: d\x1be\n"))
        assert "U+001B" in refused.message
        assert refused.position == Position(2, 5)

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
    def test_syntax_errors_come_with_a_hint(self, text: str, hint: str) -> None:
        refused = refusal(lambda: yamlio.load_one(text))
        assert refused.hint is not None and hint in refused.hint
