"""The exchange of rendered/ with the tree prepared beside it (`manifold.output.exchange`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.output import exchange


def test_exchange_swaps_two_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/x").write_text("a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b/x").write_text("b")
    if not exchange.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    assert (tmp_path / "a/x").read_text() == "b"
    assert (tmp_path / "b/x").read_text() == "a"


def test_swap_into_a_missing_tree_leaves_an_empty_one_behind(tmp_path: Path) -> None:
    """A first write: nothing to exchange with; afterwards the staging folder is the empty
    tree before, as the next write expects of it."""
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging/x").write_text("new")
    exchange.swap(tmp_path / "staging", tmp_path / "rendered", tmp_path)
    assert (tmp_path / "rendered/x").read_text() == "new"
    assert list((tmp_path / "staging").iterdir()) == []


def test_swap_without_the_system_call_parks_and_puts_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three renames where `renameat2` is missing: the two trees change places all the same,
    and nothing is left parked."""
    monkeypatch.setattr(exchange, "exchange", lambda a, b: False)
    for name, text in (("staging", "new"), ("rendered", "old")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x").write_text(text)
    exchange.swap(tmp_path / "staging", tmp_path / "rendered", tmp_path)
    assert (tmp_path / "rendered/x").read_text() == "new"
    assert (tmp_path / "staging/x").read_text() == "old"
    assert not list(tmp_path.glob("previous-*"))
