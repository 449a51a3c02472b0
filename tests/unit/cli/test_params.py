"""The shared click parameters: `Seconds` takes finite durations in its range only (click's
FloatRange lets `nan` through), and `existing_root` refuses a root that is not a folder."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from manifold.cli.params import Seconds, existing_root


@pytest.mark.parametrize(
    ("positive", "given_text", "expected"),
    [
        (True, "1.5", 1.5),
        (True, "604800", 604800.0),
        (False, "0", 0.0),
        (False, " 2 ", 2.0),
    ],
)
def test_seconds_in_range_are_taken(positive: bool, given_text: str, expected: float) -> None:
    assert Seconds(positive=positive).convert(given_text, None, None) == expected


@pytest.mark.parametrize(
    ("positive", "given_text", "message"),
    [
        (True, "0", "'0' is not a number of seconds above 0"),
        (False, "-1", "'-1' is not a number of seconds 0 or more"),
        (False, "nan", "'nan' is not a number of seconds 0 or more"),
        (True, "inf", "'inf' is not a number of seconds above 0"),
        (True, "soon", "'soon' is not a number of seconds"),
        (True, "604801", "'604801' is more than 604800 seconds"),
    ],
)
def test_other_seconds_are_refused_with_the_reason(
    positive: bool, given_text: str, message: str
) -> None:
    with pytest.raises(click.BadParameter) as raised:
        Seconds(positive=positive).convert(given_text, None, None)
    assert raised.value.message == message


def test_the_upper_bound_can_be_set() -> None:
    seconds = Seconds(positive=True, most=10)
    assert seconds.convert("10", None, None) == 10.0
    with pytest.raises(click.BadParameter, match="more than 10 seconds"):
        seconds.convert("10.5", None, None)


def test_an_existing_folder_is_the_root(tmp_path: Path) -> None:
    assert existing_root(tmp_path) == tmp_path


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_root_that_is_not_a_folder_is_a_bad_parameter(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "repo"
    if kind == "file":
        root.write_text("")
    with pytest.raises(click.BadParameter, match="is not a folder") as raised:
        existing_root(root)
    assert raised.value.param_hint == "--root"
