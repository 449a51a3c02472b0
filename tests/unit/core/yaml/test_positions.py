"""core.yaml.positions: where a JSON path is in the text, as editors count lines and
columns."""

from __future__ import annotations

import pytest

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position


class TestPositions:
    TEXT = "apiVersion: v1\nspec:\n  services:\n  - name: chat\n    replicas:\n      min: 1\n"

    def test_value_position(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0, "replicas", "min")) == Position(6, 12)

    def test_key_position(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0, "replicas"), key=True) == Position(5, 5)

    def test_list_item_position(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0)) == Position(4, 5)

    def test_missing_path_stops_at_deepest_existing_part(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0, "model")) == Position(4, 5)

    def test_unparsable_text_points_at_the_start(self) -> None:
        assert yamlio.PositionIndex("a: [").locate(("a",)) == Position(1, 1)


@pytest.mark.parametrize(
    ("text", "index", "position"),
    [
        ("ab\ncd", 4, Position(2, 2)),
        ("ab\r\ncd", 5, Position(2, 2)),
        ("ab\rcd", 4, Position(2, 2)),
        ("abc", 0, Position(1, 1)),
    ],
)
def test_positions_count_line_breaks_as_editors_do(
    text: str, index: int, position: Position
) -> None:
    assert yamlio.position_at(text, index) == position
