"""The one memo of a process that renders again (`manifold.core.memo`): given only by the
command that owns the process, bounded, and never an answer of its own."""

from __future__ import annotations

import ast
from pathlib import Path

from manifold.core import memo

SOURCE = Path(memo.__file__).parents[1]


class Maker:
    """Makes a new object each call, and counts the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return object()


def test_without_a_memo_each_recall_computes() -> None:
    make = Maker()
    assert memo.recall("kind", "key", make) is not memo.recall("kind", "key", make)
    assert make.calls == 2


def test_with_a_memo_a_key_is_computed_once() -> None:
    make = Maker()
    with memo.keeping(memo.Memo()):
        first = memo.recall("kind", "key", make)
        assert memo.recall("kind", "key", make) is first
        assert memo.recall("other kind", "key", lambda: "other") == "other"
    assert make.calls == 1
    assert memo.current() is None  # the memo ends with the block


def test_a_kind_keeps_at_most_its_limit_the_least_recently_used_dropped() -> None:
    kept = memo.Memo()
    for key in ("a", "b", "c"):
        kept.put("kind", key, key.upper(), limit=2)
    assert kept.get("kind", "a") is None
    assert kept.get("kind", "b") == "B"  # used: now the most recent
    kept.put("kind", "d", "D", limit=2)
    assert kept.values("kind") == ["B", "D"]


def test_blocks_nest_and_none_keeps_nothing() -> None:
    outer = memo.Memo()
    with memo.keeping(outer):
        with memo.keeping(None):
            memo.recall("kind", "key", lambda: "inside")
        assert memo.current() is outer
    assert outer.values("kind") == []


def test_only_the_cli_makes_a_memo() -> None:
    """One boundary: the command that owns the process decides what it keeps
    (`cli/build.py`, for `render --watch`); nothing below it makes one."""
    makers = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Memo":
                makers.add(path.relative_to(SOURCE).as_posix())
    assert makers == {"cli/build.py"}
