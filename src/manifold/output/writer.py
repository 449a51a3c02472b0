"""The rendered files onto disk, all at once or not at all.

The new rendered/ is prepared beside the old one, in `.manifold/shadow/` on the same file
system, then the two directories are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`
call, so a reader or a killed process only ever sees the complete old tree or the complete
new one. Where that call is missing (not Linux, or a file system without it) three renames
are used, and a tree left parked by a crash is put back on the next run.

The exchanged-out tree stays as the shadow for the next write, which brings it up to date
by touching only the paths that differ (those this write changes, and those the last one
did): the cost of a write follows the size of the change, not of the tree. When there is
no such tree to start from, forked workers may have begun a fresh one (`output.shadow`). The
record of what was written (`treestate`) lets a run know the tree without reading it.

A file is manifold's when it starts with manifold's header, or when an index of API
requests that manifold wrote lists it (`header.split_ownership`: JSON has no comments). Files
that are not manifold's are carried over untouched; manifold's files that are no longer
produced disappear.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from manifold.core.errors import OutputProblem
from manifold.core.kept import ByDigest, ComparedFile, KeptFile, ShadowFile
from manifold.core.memo import Memo
from manifold.output import exchange
from manifold.output import shadow as shadowtree
from manifold.reuse import treescan, treestate, workdir
from manifold.reuse.treestate import TreeState, content_digest, digest, folders_of

RENDERED_DIR = "rendered"
WORK_DIR = workdir.WORK_DIR
SHADOW_DIR = shadowtree.SHADOW_DIR


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def read_tree(
    rendered: Path, memo: Memo | None = None, within: frozenset[str] | None = None
) -> TreeState:
    """rendered/ as it is, reading only the files the record of the last write cannot vouch
    for; `within`: only those top-level folders (`treescan.scan`)."""
    return treescan.scan(rendered, treescan.tree_record(rendered, memo), within)


def generated_files(rendered: Path) -> dict[str, bytes]:
    """The contents of manifold's files under rendered/."""
    return {path: (rendered / path).read_bytes() for path in read_tree(rendered).generated}


Scope = frozenset[str] | Callable[[str], bool] | None
"""The files of rendered/ a run owns: top-level folders, a test of each path, or None (all)."""


def _in_scope(relative: str, scope: Scope) -> bool:
    if scope is None:
        return True
    if callable(scope):  # a shard's: pipeline.sharding.scope
        return scope(relative)
    return relative.split("/", 1)[0] in scope


def diff_tree(current: TreeState, wanted: Mapping[str, bytes | ByDigest], scope: Scope) -> Changes:
    """What writing `wanted` changes, for the environments in `scope` (None: all)."""
    existing = (
        current.generated
        if scope is None
        else {p: d for p, d in current.generated.items() if _in_scope(p, scope)}
    )
    added: list[str] = []
    changed: list[str] = []
    # One pass, comparing digests in place: a one-change render wants some 17,000 files, all
    # but a few known by the digest rendered/ holds.
    for relative, content in wanted.items():
        known = existing.get(relative)
        if known is None:
            added.append(relative)
        elif known != (digest(content) if isinstance(content, bytes) else content.digest):
            changed.append(relative)  # (content_digest, inlined: a call per file costs more)
    return Changes(
        added=tuple(sorted(added)),
        changed=tuple(sorted(changed)),
        removed=tuple(sorted(existing.keys() - wanted.keys())),
    )


def blocked_paths(current: TreeState, wanted: Mapping[str, bytes | ByDigest]) -> list[str]:
    """Where manifold would write over what it did not write: a foreign file at a wanted
    file's path or at one of its folders, or a foreign folder (one holding foreign files) at a
    wanted file's path. Such things are never moved or removed: the user is asked to."""
    if not current.foreign:
        return []
    foreign_folders = {folder for path in current.foreign for folder in folders_of(path)}
    blocked = set()
    for relative in wanted:
        if relative in current.foreign or relative in foreign_folders:
            blocked.add(relative)
        blocked.update(folder for folder in folders_of(relative) if folder in current.foreign)
    return sorted(blocked)


# --------------------------------------------------------------------------- locking


@contextlib.contextmanager
def repository_lock(root: Path, timeout: float, on_wait: Callable[[str], None]) -> Iterator[None]:
    """One writer of rendered/ at a time, across processes."""
    work = workdir.folder(root, create=True)
    assert work is not None
    lock = work / "lock"
    try:
        if os.path.lexists(lock) and not workdir.is_regular(lock):
            # A link or folder planted in manifold's own folder: removed, not followed.
            shadowtree.clear(lock)
        handle = open(lock, "a+", opener=_no_follow)  # noqa: SIM115 (closed below)
    except OSError as error:
        raise OutputProblem(
            f"cannot open {WORK_DIR}/lock ({error.strerror}); manifold takes it to be the only "
            f"run writing {RENDERED_DIR}/: make the checkout writable"
        ) from error
    with handle:
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


def shadow_reusable(root: Path, record: treestate.Record) -> bool:
    """Whether the next write brings the shadow tree up to date rather than building it
    afresh: the record vouches for it, nothing has marked it unclean since the record was
    read (workers starting a fresh one do), and it is there."""
    work = root / WORK_DIR
    return (
        record.shadow_clean
        and not os.path.lexists(work / treestate.SHADOW_UNCLEAN)
        and workdir.child_is_folder(work / SHADOW_DIR)
    )


def shadow_writer(root: Path, owned: Scope, current: TreeState) -> shadowtree.ShadowWriter | None:
    """What lets forked workers write into the shadow tree, when the next write is to build it
    afresh; else None."""
    if shadow_reusable(root, current.record):
        return None
    if owned is not None and not callable(owned):
        owned = partial(_in_scope, scope=owned)
    return shadowtree.ShadowWriter(root, owned, current.generated)


def write_tree(
    root: Path,
    wanted: Mapping[str, bytes | ByDigest],
    scope: Scope,
    current: TreeState,
    memo: Memo | None = None,
) -> Changes:
    """Replace manifold's files of `scope` under rendered/ by `wanted`; keep everything else.
    `memo`: the command's (`core.memo`), which keeps the record saved."""
    rendered = root / RENDERED_DIR
    work = root / WORK_DIR
    changes = diff_tree(current, wanted, scope)
    record = current.record
    if not changes:
        if current.unverified:  # the tree is right, but the record is not: renew it
            with contextlib.suppress(OSError):
                _renew_record(work, rendered, current, memo)
        return changes
    # Validation refuses such names first; this is the last line of defence. The paths the
    # record holds passed it when the record was read (`treestate.RECORD_SCHEMA`).
    unvouched = wanted.keys() - record.entries.keys()
    unsafe = sorted(relative for relative in unvouched if not workdir.safe_relative(relative))
    if unsafe:
        raise OutputProblem(f"refusing to write outside {RENDERED_DIR}/: {unsafe[0]!r}")
    blocked = blocked_paths(current, wanted)
    if blocked:
        raise OutputProblem(
            "manifold would overwrite files it did not write, or folders holding them: "
            + ", ".join(f"{RENDERED_DIR}/{p}" for p in blocked)
            + "; move them out of rendered/ or rename the objects"
        )
    differing = {*changes.added, *changes.changed, *changes.removed, *current.unverified}
    touched = differing | record.shadow_differs
    # Forked workers wrote their files into a fresh shadow (shadow.ShadowWriter): finish it.
    # A shadow a worker cleared may be left with no file of theirs: the marker says so.
    started = ShadowFile in set(map(type, wanted.values()))  # no Python call per file
    fresh = started or not shadow_reusable(root, record)
    # A shadow brought up to date needs the new tree only where it differs: elsewhere it
    # holds it already, and the record's entries hold true.
    new_tree = _new_tree(current, wanted, scope, None if fresh else touched)
    try:
        _replace(root, new_tree, touched, fresh, started)
    except OSError as error:
        with contextlib.suppress(OSError):
            recover(root)  # the three-rename exchange may have parked rendered/
        raise OutputProblem(
            f"could not write {_shown_path(error, root)}: {error.strerror or error}; "
            f"{RENDERED_DIR}/ is as it was"
        ) from error
    # The tree is complete now; the record only saves the next run reading it.
    with contextlib.suppress(OSError):
        _record_written(root, current, new_tree, differing, None if fresh else touched, memo)
    return changes


def _saved_when_waiting(work: Path, record: treestate.Record, memo: Memo | None) -> None:
    """Save the record of the tree just written, and then say the shadow is what it says.

    A watching process does it once it has told the user (`Memo.when_waiting`), still
    holding the repository's lock (`pipeline.commands.render`): the JSON of 17,475 entries
    and their stamp were 33 ms of a 210 ms one-change render at N = 1,000 x 3. Until it is
    done the marker still says the shadow is not to be trusted, as after a run killed here,
    so a run that reads the older record checks the tree rather than trust it."""

    def save() -> None:
        with contextlib.suppress(OSError):
            treestate.save_record(work, record, memo)
            treestate.mark_shadow_clean(work)

    if memo is not None:
        memo.when_waiting(save)
    else:
        save()


def _new_tree(
    current: TreeState, wanted: Mapping[str, bytes | ByDigest], scope: Scope, only: set[str] | None
) -> dict[str, shadowtree.Placement]:
    """The files of rendered/ after the write (restricted to `only`, when given): what to
    write, or None to link the file rendered/ holds now."""
    new_tree: dict[str, shadowtree.Placement] = {}
    if only is None:
        candidates = (*current.foreign, *current.generated)
        placed: Iterator[tuple[str, bytes | ByDigest]] = iter(wanted.items())
    else:
        candidates = tuple(only)
        placed = ((relative, wanted[relative]) for relative in only if relative in wanted)
    for relative in candidates:  # kept as they are: not manifold's, or outside the scope
        if relative not in wanted and (
            relative in current.foreign
            or (relative in current.generated and not _in_scope(relative, scope))
        ):
            new_tree[relative] = None
    for relative, content in placed:
        if current.generated.get(relative) == content_digest(content):
            new_tree[relative] = None
        elif isinstance(content, KeptFile):
            raise AssertionError(f"{relative} was to be kept, but it is not what was written")
        elif isinstance(content, ComparedFile):
            raise AssertionError(f"{relative} was rendered to be compared, not written")
        else:
            new_tree[relative] = content
    return new_tree


def _renew_record(work: Path, rendered: Path, current: TreeState, memo: Memo | None) -> None:
    record = current.record
    renewed = treestate.record_tree(rendered, dict(current.generated), current.foreign)
    treestate.save_record(
        work,
        replace(
            renewed,
            shadow_clean=record.shadow_clean,
            shadow_differs=record.shadow_differs | current.unverified,
        ),
        memo,
    )


def _replace(
    root: Path,
    new_tree: dict[str, shadowtree.Placement],
    touched: set[str],
    fresh: bool,
    started: bool,
) -> None:
    """Bring the shadow tree to `new_tree` and exchange it with rendered/; `started`: workers
    have begun a fresh shadow."""
    work = root / WORK_DIR
    workdir.folder(root, create=True)
    shadowtree.bring(work, root / RENDERED_DIR, new_tree, touched, fresh, started)
    exchange.swap(work / SHADOW_DIR, root / RENDERED_DIR, work)


def _record_written(
    root: Path,
    current: TreeState,
    new_tree: dict[str, shadowtree.Placement],
    differing: set[str],
    only: set[str] | None,
    memo: Memo | None,
) -> None:
    """Save the record of the tree just swapped in; `new_tree` is the whole tree, or only the
    paths in `only` (elsewhere the tree is as read, and so are its entries)."""
    work, rendered = root / WORK_DIR, root / RENDERED_DIR
    # Files carried over are links to the same inodes: their entries stay true.
    if only is None:
        entries = {p: current.entries[p] for p, data in new_tree.items() if data is None}
    else:
        entries = dict(current.entries)
        for relative in only.difference(new_tree):  # removed, or gone since the last write
            entries.pop(relative, None)
    for relative, data in new_tree.items():
        if data is not None:
            stat = (rendered / relative).stat()
            entries[relative] = treestate.Entry(
                stat.st_size, stat.st_mtime_ns, stat.st_ino, content_digest(data), True
            )
    written = treestate.Record(time.time_ns(), entries, True, frozenset(differing))
    _saved_when_waiting(work, written, memo)


def _shown_path(error: OSError, root: Path) -> str:
    """The file an error is about, relative to the repository where it is inside it."""
    if not error.filename:
        return f"{RENDERED_DIR}/"
    path = os.fsdecode(error.filename)
    relative = os.path.relpath(path, root) if os.path.isabs(path) else path
    return repr(relative)[1:-1] if not relative.startswith("..") else repr(path)[1:-1]


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | workdir.NO_FOLLOW, 0o644)


def recover(root: Path) -> None:
    """Undo what a run killed in the middle left behind: a parked tree and staging folders."""
    work = workdir.folder(root, create=False)
    if work is None:
        return
    rendered = root / RENDERED_DIR
    for leftover in sorted(work.glob("previous-*")):
        if workdir.child_is_folder(leftover) and not os.path.lexists(rendered):
            leftover.rename(rendered)
        else:
            shadowtree.clear(leftover)
    for leftover in work.glob("staging-*"):
        shadowtree.clear(leftover)
