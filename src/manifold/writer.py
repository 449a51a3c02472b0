"""Stage 10: the rendered files onto disk, all at once or not at all.

The new rendered/ is built beside the old one (in .manifold/, on the same file system), then
the two directories are exchanged in one atomic `renameat2(RENAME_EXCHANGE)` call, so a reader
or a killed process only ever sees the complete old tree or the complete new one. Where that
call is missing (not Linux, or a file system without it) two renames are used, and a tree
left half-swapped by a crash is put back on the next run.

A file is manifold's when it starts with manifold's header. Files that are not manifold's
are carried over untouched; manifold's files that are no longer produced disappear.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from manifold.errors import OutputProblem
from manifold.layout import is_generated

RENDERED_DIR = "rendered"
WORK_DIR = ".manifold"
_HEADER_PROBE = 128


@dataclass(frozen=True)
class TreeState:
    """What is under rendered/ now: manifold's files with their bytes, and the others."""

    generated: dict[str, bytes] = field(default_factory=dict)
    foreign: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def read_tree(rendered: Path) -> TreeState:
    if not rendered.is_dir():
        return TreeState()
    generated: dict[str, bytes] = {}
    foreign: set[str] = set()
    for directory, _, names in os.walk(rendered):
        for name in names:
            path = Path(directory, name)
            relative = path.relative_to(rendered).as_posix()
            if path.is_symlink():
                foreign.add(relative)
                continue
            data = path.read_bytes()
            if is_generated(data[:_HEADER_PROBE]):
                generated[relative] = data
            else:
                foreign.add(relative)
    return TreeState(generated, frozenset(foreign))


def _in_scope(relative: str, scope: frozenset[str] | None) -> bool:
    return scope is None or relative.split("/", 1)[0] in scope


def diff_tree(
    current: TreeState, wanted: dict[str, bytes], scope: frozenset[str] | None
) -> Changes:
    """What writing `wanted` changes, for the environments in `scope` (None: all)."""
    existing = {p: b for p, b in current.generated.items() if _in_scope(p, scope)}
    return Changes(
        added=tuple(sorted(p for p in wanted if p not in existing)),
        changed=tuple(sorted(p for p in wanted if p in existing and existing[p] != wanted[p])),
        removed=tuple(sorted(p for p in existing if p not in wanted)),
    )


def blocked_paths(current: TreeState, wanted: dict[str, bytes]) -> list[str]:
    """Files manifold would write where a file it did not write already is."""
    return sorted(p for p in wanted if p in current.foreign)


# --------------------------------------------------------------------------- locking


@contextlib.contextmanager
def repository_lock(root: Path, timeout: float, on_wait: Callable[[str], None]) -> Iterator[None]:
    """One writer of rendered/ at a time, across processes."""
    work = root / WORK_DIR
    work.mkdir(exist_ok=True)
    with (work / "lock").open("a+") as handle:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    on_wait(f"waiting for another manifold run to finish writing ({holder})")
                    told = True
                if time.monotonic() >= deadline:
                    raise OutputProblem(
                        f"gave up after {timeout:.0f}s waiting for another manifold run to "
                        f"release {WORK_DIR}/lock; run again when it has finished"
                    ) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- writing


def write_tree(
    root: Path, wanted: dict[str, bytes], scope: frozenset[str] | None, current: TreeState
) -> Changes:
    """Replace manifold's files of `scope` under rendered/ by `wanted`; keep everything else."""
    rendered = root / RENDERED_DIR
    changes = diff_tree(current, wanted, scope)
    if not changes:
        return changes
    unsafe = sorted(relative for relative in wanted if not _safe_relative(relative))
    if unsafe:  # validation refuses such names first; this is the last line of defence
        raise OutputProblem(f"refusing to write outside {RENDERED_DIR}/: {unsafe[0]!r}")
    blocked = blocked_paths(current, wanted)
    if blocked:
        raise OutputProblem(
            "manifold would overwrite files it did not write: "
            + ", ".join(f"{RENDERED_DIR}/{p}" for p in blocked)
            + "; move them out of rendered/ or rename the objects"
        )
    work = root / WORK_DIR
    staging = work / f"staging-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        keep = [*current.foreign, *(p for p in current.generated if not _in_scope(p, scope))]
        for relative in keep:
            _link_or_copy(rendered / relative, staging / relative)
        for relative, data in wanted.items():
            target = staging / relative
            if current.generated.get(relative) == data:
                _link_or_copy(rendered / relative, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        _swap(staging, rendered, work)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changes


def _safe_relative(relative: str) -> bool:
    parts = relative.split("/")
    return (
        "\\" not in relative
        and "\x00" not in relative
        and all(part not in ("", ".", "..") for part in parts)
    )


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(staging: Path, rendered: Path, work: Path) -> None:
    """Put `staging` in place of `rendered`; afterwards `staging` holds the old tree."""
    if not rendered.exists():
        staging.rename(rendered)
        staging.mkdir()
        return
    if _exchange(staging, rendered):
        return
    parked = work / f"previous-{uuid.uuid4().hex}"
    rendered.rename(parked)
    staging.rename(rendered)
    parked.rename(staging)


def recover(root: Path) -> None:
    """Undo what a run killed in the middle left behind: a parked tree and staging folders."""
    work = root / WORK_DIR
    if not work.is_dir():
        return
    rendered = root / RENDERED_DIR
    for leftover in sorted(work.glob("previous-*")):
        if not rendered.exists():
            leftover.rename(rendered)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in work.glob("staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
