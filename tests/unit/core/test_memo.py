"""The memo a command keeps between its renders (`core.memo`): made by the CLI alone, one
get-or-compute point, an answer computed once per key, the least recently asked for dropped
from a bounded shelf, shelves apart; work left for a waiting process done when it waits."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

import manifold
from manifold.core.memo import Memo, Shelf

SQUARES: Shelf[int] = Shelf("squares")
FEW: Shelf[int] = Shelf("few", most=2)


def test_an_answer_is_computed_once_per_key() -> None:
    memo, computed = Memo(), []

    def square(number: int) -> int:
        computed.append(number)
        return number * number

    answers = [memo.get_or_compute(SQUARES, n, functools.partial(square, n)) for n in (2, 3, 2)]
    assert answers == [4, 9, 4]
    assert computed == [2, 3]
    assert memo.get(SQUARES, 3) == 9 and memo.get(SQUARES, 4) is None


def test_shelves_are_apart_and_a_put_replaces() -> None:
    memo = Memo()
    memo.put(SQUARES, "k", 1)
    assert memo.get(FEW, "k") is None
    memo.put(SQUARES, "k", 2)
    assert memo.get(SQUARES, "k") == 2
    assert list(memo.answers(SQUARES)) == [2]


def test_a_bounded_shelf_drops_the_least_recently_asked_for() -> None:
    memo = Memo()
    memo.put(FEW, "a", 1)
    memo.put(FEW, "b", 2)
    assert memo.get(FEW, "a") == 1  # now the most recent
    memo.put(FEW, "c", 3)
    assert (memo.get(FEW, "a"), memo.get(FEW, "b"), memo.get(FEW, "c")) == (1, None, 3)


def test_a_memo_made_for_one_render_keeps_nothing_it_writes() -> None:
    assert not Memo().waits and Memo(waits=True).waits


def test_work_left_for_waiting_is_done_at_once_unless_the_process_waits() -> None:
    done: list[str] = []
    Memo().when_waiting(lambda: done.append("now"))
    assert done == ["now"]
    waiting = Memo(waits=True)
    waiting.when_waiting(lambda: done.append("first"))
    waiting.when_waiting(lambda: done.append("second"))
    assert done == ["now"]
    waiting.do_pending()
    assert done == ["now", "first", "second"]
    waiting.do_pending()  # done once
    assert done == ["now", "first", "second"]


def test_work_left_for_waiting_is_all_done_when_some_of_it_fails() -> None:
    """What follows a failure still runs (a lock let go, say); the failure is raised after."""
    done: list[str] = []
    waiting = Memo(waits=True)

    def failing() -> None:
        raise ValueError("bug")

    waiting.when_waiting(lambda: done.append("first"))
    waiting.when_waiting(failing)
    waiting.when_waiting(lambda: done.append("last"))
    with pytest.raises(ValueError, match="bug"):
        waiting.do_pending()
    assert done == ["first", "last"]
    waiting.do_pending()  # and none of it again
    assert done == ["first", "last"]


def test_only_the_cli_makes_a_memo() -> None:
    """One boundary: the command a process runs decides what it keeps (`cli/build.py`: one
    per run, one for all the renders of `render --watch`); below it a memo is passed down,
    and None keeps nothing."""
    source = Path(manifold.__file__).parent
    makers = {
        path.relative_to(source).as_posix()
        for path in source.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "Memo"
    }
    assert makers == {"cli/build.py"}
