"""A watcher of what a run changes on disk, through Python's audit hooks (PEP 578).

`confined_to(root)` records every operation that creates, writes, removes, renames or links a
path outside `root` while it is active: `open` for writing, `os.remove`, `os.rename`,
`os.rmdir`, `os.mkdir`, `os.link`, `os.symlink`, `os.truncate`, `shutil.rmtree`, and the
`renameat2` call the writer makes through ctypes. `failing_writes(root, code)` makes such
operations under `root` fail with OSError(code), to inject faults. An audit hook cannot be
removed, so one hook is installed on first use and consults the active watches, if any.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS: dict[str, tuple[tuple[int, int | None], ...]] = {
    # event: (index of a path argument, index of the folder descriptor it is relative to)
    "os.remove": ((0, 1),),
    "os.rmdir": ((0, 1),),
    "os.mkdir": ((0, 2),),
    "os.truncate": ((0, None),),
    "shutil.rmtree": ((0, None),),
    "os.chmod": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)),
    "os.link": ((0, 2), (1, 3)),
    "os.symlink": ((1, 2),),
}
_active: list[tuple[Path, list[str]]] = []
_failing: list[tuple[Path, int, list[int]]] = []
_installed = False


def _outside(path: Any, folder_fd: Any, root: Path, *, follow: bool) -> bool:
    """Whether `path` lands outside `root`, its folders' links followed (and its own, when
    `follow`: opening a link writes to its target; removing or renaming it does not)."""
    if isinstance(path, int) or path is None:
        return False  # a file descriptor: its opening was checked
    text = os.fsdecode(path)
    if isinstance(folder_fd, int) and folder_fd >= 0 and not os.path.isabs(text):
        text = os.path.join(os.readlink(f"/proc/self/fd/{folder_fd}"), text)
    folder, name = os.path.split(os.path.abspath(text))
    landed = os.path.join(os.path.realpath(folder), name)
    if follow:
        landed = os.path.realpath(landed)
    return not Path(landed).is_relative_to(root)


def _changed(event: str, args: tuple[Any, ...]) -> tuple[list[tuple[Any, Any]], bool]:
    """The paths (each with the folder descriptor it is relative to) that an audited event
    creates, writes, removes, renames or links; and whether a final link is followed."""
    if event == "open" and len(args) >= 3:
        path, mode, flags = args[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        follow = not (isinstance(flags, int) and flags & getattr(os, "O_NOFOLLOW", 0))
        return ([(path, None)] if writing else []), follow
    if event in _PATH_EVENTS:
        return [
            (args[at], args[fd] if fd is not None and fd < len(args) else None)
            for at, fd in _PATH_EVENTS[event]
        ], False
    if event == "ctypes.call_function" and len(args) > 1:
        return [(a, None) for a in args[1] if isinstance(a, bytes)], False
    return [], False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active and not _failing:
        return
    paths, follow = _changed(event, args)
    if _active:
        root, seen = _active[-1]
        for path, folder_fd in paths:
            if _outside(path, folder_fd, root, follow=follow):
                seen.append(f"{event} {os.fsdecode(path)}")
    if _failing and event != "ctypes.call_function":
        _fail(paths)


def _fail(paths: list[tuple[Any, Any]]) -> None:
    root, code, left = _failing[-1]
    for path, folder_fd in paths:
        if isinstance(path, int) or path is None:
            continue
        if not _outside(path, folder_fd, root, follow=False):
            left[0] -= 1
            if left[0] < 0:
                raise OSError(code, os.strerror(code), os.fsdecode(path))


def _install() -> None:
    """One audit hook for both watches (a hook cannot be removed once added)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


@contextlib.contextmanager
def confined_to(root: Path) -> Iterator[list[str]]:
    """Yield the list of operations outside `root` made while the block runs."""
    _install()
    seen: list[str] = []
    _active.append((Path(os.path.realpath(root)), seen))
    try:
        yield seen
    finally:
        _active.pop()


@contextlib.contextmanager
def failing_writes(root: Path, code: int, after: int = 0) -> Iterator[None]:
    """Every change under `root` after the first `after` fails with OSError(`code`): a full
    disk (ENOSPC), a read-only checkout (EROFS), a name too long (ENAMETOOLONG)."""
    _install()
    _failing.append((Path(os.path.realpath(root)), code, [after]))
    try:
        yield
    finally:
        _failing.pop()
