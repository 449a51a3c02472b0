"""A forked child's result comes back whole, or not at all; the child is always reaped."""

from __future__ import annotations

import os

import pytest

from manifold.core import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_childs_result_comes_back_larger_than_a_pipe_holds() -> None:
    sent = {"paths": [f"dev/p{index}/object.yaml" for index in range(50_000)], "n": (1, 2.5, None)}
    child = forked.Child.start(lambda: sent)
    pid = child.pid
    assert child.result() == sent
    assert _reaped(pid)
    child.close()  # twice: nothing left to do


def test_a_child_that_fails_sends_nothing() -> None:
    def fails() -> object:
        raise RuntimeError("in the child")

    child = forked.Child.start(fails)
    assert child.result() is None


def test_what_cannot_be_marshalled_is_not_sent() -> None:
    child = forked.Child.start(lambda: object())
    assert child.result() is None


def test_a_child_stopped_before_it_answers_is_reaped() -> None:
    read, write = os.pipe()
    child = forked.Child.start(lambda: os.read(read, 1))  # waits for a byte that never comes
    pid = child.pid
    child.close()
    assert _reaped(pid)
    os.close(read)
    os.close(write)


@pytest.mark.parametrize("message", [b"", b"\x00\x00\x00\x00\x00\x00\x00\x10short", b"\x00" * 7])
def test_a_message_cut_short_is_none(message: bytes) -> None:
    read, write = os.pipe()
    os.write(write, message)
    os.close(write)
    assert forked.receive(read) is None
    os.close(read)


def test_a_message_that_is_not_marshal_data_is_none() -> None:
    read, write = os.pipe()
    os.write(write, (4).to_bytes(8, "big") + b"\xff\xff\xff\xff")
    os.close(write)
    assert forked.receive(read) is None
    os.close(read)
