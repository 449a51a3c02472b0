"""What ends a watching process's wait before its next look at the inputs is due.

The looks decide what changed (`commands.watch`); this only makes the next one come sooner.
Between looks the process used to sleep the whole interval (0.1 s), so a saved file waited
0.05 s on average before its render started, a sixth of a one-change render in a watching
process at N = 1,000 x 3. On Linux the wait is now on an inotify descriptor that watches the
input folders: a file saved, added, removed or renamed there ends it at once, and the look
follows a short quiet time (`QUIET`), so that an editor's truncate and write are seen as
one change. Where inotify is missing, refused (no more watches allowed), or silent (some
network and container-shared file systems do not report changes), the wait simply runs its
course: the looks every interval still find every change, so nothing depends on this.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import sys
import time
from collections.abc import Iterable
from pathlib import Path

QUIET = 0.005
"""Seconds without another event before an event ends the wait: an editor writes a file in
one burst (truncate, write, close; or write a temporary file and rename it)."""

MOST_QUIET_WAIT = 0.1
"""The longest an event waits for quiet: a file written without pause is looked at anyway."""

_EVENTS = (
    0x002  # IN_MODIFY
    | 0x004  # IN_ATTRIB
    | 0x008  # IN_CLOSE_WRITE
    | 0x040  # IN_MOVED_FROM
    | 0x080  # IN_MOVED_TO
    | 0x100  # IN_CREATE
    | 0x200  # IN_DELETE
    | 0x400  # IN_DELETE_SELF
    | 0x800  # IN_MOVE_SELF
    | 0x01000000  # IN_ONLYDIR
    | 0x02000000  # IN_DONT_FOLLOW
)
_NONBLOCK_CLOEXEC = os.O_NONBLOCK | 0o2000000  # IN_NONBLOCK | IN_CLOEXEC


class Wakeup:
    """Waits up to a given time; ended early by a change in the watched folders when the
    system tells of changes (`start`), else a plain sleep."""

    def __init__(self, descriptor: int = -1, libc: ctypes.CDLL | None = None) -> None:
        self._descriptor = descriptor
        self._libc = libc

    @classmethod
    def start(cls, folders: Iterable[Path] = ()) -> Wakeup:
        """A wakeup watching `folders` and the folders below them (those that exist; more
        with `follow`)."""
        if not sys.platform.startswith("linux"):
            return cls()
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            descriptor = libc.inotify_init1(_NONBLOCK_CLOEXEC)
        except (OSError, AttributeError):
            return cls()
        if descriptor < 0:
            return cls()
        wakeup = cls(descriptor, libc)
        wakeup.follow(folders)
        return wakeup

    @property
    def watching(self) -> bool:
        return self._descriptor >= 0

    def follow(self, folders: Iterable[Path]) -> None:
        """Watch `folders` and every folder below them, as they are now (a folder added since
        the last call is watched from this one on; one watched already is left as it is)."""
        if self._libc is None:
            return
        for folder in folders:
            for directory, _, _ in os.walk(folder):
                # A folder that cannot be watched is left to the looks.
                self._libc.inotify_add_watch(self._descriptor, os.fsencode(directory), _EVENTS)

    def wait(self, seconds: float) -> None:
        """Return after `seconds`, or once a change is told and the folders are quiet."""
        if self._descriptor < 0:
            time.sleep(seconds)
            return
        if self._ready(seconds):
            deadline = time.monotonic() + MOST_QUIET_WAIT
            while self._drained() and time.monotonic() < deadline:
                if not self._ready(QUIET):
                    break

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def _ready(self, seconds: float) -> bool:
        ready, _, _ = select.select([self._descriptor], [], [], max(seconds, 0))
        return bool(ready)

    def _drained(self) -> bool:
        """Read every event there is (what they say does not matter: the look tells)."""
        drained = False
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while os.read(self._descriptor, 65536):
                drained = True
        return drained
