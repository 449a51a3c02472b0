"""A watching process's wait ends when a file in the input folders changes (inotify, on
Linux), in a folder watched from the start or added since; without notifications it is a
plain sleep. The bounds below are generous: what is tested is that the wait ends on the
change, long before its time is up, not how fast."""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from pathlib import Path

import pytest

from manifold.commands.wakeup import Wakeup

LONG = 30.0
"""A wait that a change must end: a test that reaches it has failed."""

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def _waited(wakeup: Wakeup, change: object) -> float:
    """Seconds a wait of LONG lasted when `change` (a callable) runs 0.1 s into it."""
    assert callable(change)
    timer = threading.Timer(0.1, change)
    started = time.monotonic()
    timer.start()
    try:
        wakeup.wait(LONG)
    finally:
        timer.cancel()
    return time.monotonic() - started


@pytest.fixture
def folders(tmp_path: Path) -> list[Path]:
    (tmp_path / "projects" / "team").mkdir(parents=True)
    (tmp_path / "projects" / "team" / "a.yaml").write_text("a: 1\n")
    (tmp_path / "platform").mkdir()
    return [tmp_path / "projects", tmp_path / "platform", tmp_path / "schemas"]  # no schemas/


@linux_only
@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "projects/team/a.yaml").write_text("a: 2\n"),  # in place, below
        lambda root: (root / "platform/b.yaml").write_text("b: 1\n"),  # added
        lambda root: (root / "projects/team/a.yaml").unlink(),  # removed
        lambda root: (root / "projects/team/a.yaml").rename(root / "projects/team/c.yaml"),
    ],
)
def test_a_change_in_a_watched_folder_ends_the_wait(folders: list[Path], change: object) -> None:
    root = folders[0].parent
    wakeup = Wakeup.start(folders)
    assert wakeup.watching
    try:
        assert _waited(wakeup, lambda: change(root)) < LONG / 2  # type: ignore[operator]
    finally:
        wakeup.close()


@linux_only
def test_a_folder_added_is_watched_once_followed(folders: list[Path]) -> None:
    wakeup = Wakeup.start(folders)
    try:
        (folders[2] / "team").mkdir(parents=True)  # schemas/ did not exist
        wakeup.wait(0)
        wakeup.follow(folders)
        written = folders[2] / "team" / "s.json"
        assert _waited(wakeup, lambda: written.write_text("{}")) < LONG / 2
    finally:
        wakeup.close()


@linux_only
def test_events_are_read_so_the_next_wait_is_not_ended_by_them(folders: list[Path]) -> None:
    wakeup = Wakeup.start(folders)
    try:
        (folders[1] / "b.yaml").write_text("b: 1\n")
        wakeup.wait(LONG)
        started = time.monotonic()
        wakeup.wait(0.3)  # nothing more happened: the whole wait
        assert time.monotonic() - started >= 0.25
    finally:
        wakeup.close()


def test_without_notifications_the_wait_is_a_sleep(
    folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_inotify(*args: object, **kwargs: object) -> ctypes.CDLL:
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", no_inotify)
    wakeup = Wakeup.start(folders)
    assert not wakeup.watching
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    wakeup.wait(0.25)
    wakeup.close()
    assert slept == [0.25]
