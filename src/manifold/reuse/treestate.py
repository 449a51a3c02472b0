"""What is under rendered/, known without reading it.

After every write, manifold records each file's size, modification time, inode and content
digest in `.manifold/tree.json`. A later run stats the files (cheap) and reads only those
whose stat differs from the record, or that changed too recently to trust their time (the
"racy" window a file system's timestamp granularity leaves, as git does). Deleting
`.manifold/` is always safe: everything is then read once and recorded again.

This module is light on purpose: the no-op check runs it before the compiler is imported.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple

from manifold.core.kept import ByDigest
from manifold.core.memo import Memo, Shelf
from manifold.output.header import is_generated
from manifold.reuse import treestamp, workdir
from manifold.reuse.treesurvey import RACY_NS, files_below, read_digest, stat_line, stats_digest

STATE_FILE = "tree.json"
SHADOW_UNCLEAN = "shadow.unclean"
"""Present while a write changes the shadow tree: the record cannot vouch for it then."""
_FORMAT = 2


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def content_digest(content: bytes | ByDigest) -> str:
    return digest(content) if isinstance(content, bytes) else content.digest


class Entry(NamedTuple):
    """A file as recorded. A tuple: a record of 17,000 files is turned into entries in a third
    of the time a frozen dataclass takes."""

    size: int
    mtime_ns: int
    inode: int
    digest: str
    generated: bool
    """Written by manifold (carries its header); other files are never touched."""


@dataclass
class TreeState:
    """Manifold's files of rendered/ (by digest) and the other files in it."""

    generated: dict[str, str] = field(default_factory=dict)
    foreign: frozenset[str] = frozenset()
    entries: dict[str, Entry] = field(default_factory=dict)
    unverified: frozenset[str] = frozenset()
    """Files whose stat did not match the record (edited, new, or gone since): the shadow
    tree cannot be assumed to hold them."""
    record: Record = field(default_factory=lambda: Record())
    """The writer's record the tree was read against."""


@dataclass
class Record:
    """The state file: the tree as last written, and whether the shadow tree is its
    predecessor, differing from it only at `shadow_differs`."""

    written_ns: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    shadow_clean: bool = False
    shadow_differs: frozenset[str] = frozenset()


def mark_shadow_unclean(work: Path) -> None:
    """Mark the shadow tree unclean; a marker already there is kept. Making it anew would
    remove it first: a run killed in between would leave a shadow that an earlier run left
    half-built unmarked, and the next write, trusting it, would swap a mixed tree in (seen
    in tests/acceptance/test_atomicity.py, where a kill soon after the marker appears can
    land there)."""
    marker = work / SHADOW_UNCLEAN
    if not workdir.is_regular(marker):
        workdir.create_file(marker)


def mark_shadow_clean(work: Path) -> None:
    (work / SHADOW_UNCLEAN).unlink(missing_ok=True)


_COLUMNS = {
    "paths": {"type": "array", "items": workdir.safe_path_schema()},
    "sizes": {"type": "array", "items": {"type": "integer", "minimum": 0}},
    "mtimes": {"type": "array", "items": {"type": "integer"}},
    "inodes": {"type": "array", "items": {"type": "integer", "minimum": 0}},
    "digests": {"type": "array", "items": {"type": "string", "pattern": "^([0-9a-f]{32})?$"}},
    "generated": {"type": "array", "items": {"type": "boolean"}},
}
"""The entries, one column per field (`Entry`), a file's values at the same index in each:
parsed and checked in two thirds of the time an array per file takes (format 1)."""
RECORD_SCHEMA = workdir.StateSchema(
    {
        "type": "object",
        "required": ["format", "written_ns", "shadow_clean", "shadow_differs", *_COLUMNS],
        "additionalProperties": False,
        "properties": {
            "format": {"const": _FORMAT},
            "written_ns": {"type": "integer", "minimum": 0},
            "shadow_clean": {"type": "boolean"},
            "shadow_differs": {"type": "array", "items": workdir.safe_path_schema()},
            **_COLUMNS,
        },
    }
)
"""The state file's form: a record that does not match it (another version, a file cut short,
a path outside rendered/, columns of different lengths) is discarded, and the tree read as if
there were none."""


def load_record(work: Path, memo: Memo | None = None) -> Record:
    """The record in `work`, or an empty one when there is none this version can trust.

    A command may ask for it more than once (to read rendered/, to write it, to stamp it
    again: `stamp_again`; the no-op check reads the stamp, not the record): after the first
    time it is reused from the command's memo (`LOADED`) when the file's stat is unchanged
    and older than the racy window, so that a rewrite since could not have kept the same
    stat."""
    path = work / STATE_FILE
    key = workdir.file_key(path)
    if key is not None and key[4] >= time.time_ns() - RACY_NS:
        key = None
    loaded = memo.get(LOADED, key) if memo is not None and key is not None else None
    if loaded is None:
        loaded = _read_record(path)
        if memo is not None and key is not None:
            memo.put(LOADED, key, loaded)
    return replace(
        loaded,
        entries=dict(loaded.entries),
        shadow_clean=loaded.shadow_clean and not os.path.lexists(work / SHADOW_UNCLEAN),
    )


def load_ahead(work: Path, memo: Memo, sleep: Callable[[float], None] = time.sleep) -> None:
    """Idle work of a waiting process: the record read now, so that the next render's
    `load_record` finds it parsed. A record just written is younger than the racy window,
    and `load_record` trusts a stat only once it is older: this waits that long first (at
    most RACY_NS), rather than keep what another write in the same tick could change."""
    key = workdir.file_key(work / STATE_FILE)
    if key is None:
        return
    wait_ns = key[4] + RACY_NS - time.time_ns()
    if wait_ns > 0:
        sleep(min(wait_ns, RACY_NS) / 1e9 + 0.001)
    load_record(work, memo)


LOADED: Shelf[Record] = Shelf("record of rendered/ read", most=1)
"""The record the command read last, by its file's path and stat (`load_record`)."""
SAVED: Shelf[int] = Shelf("record of rendered/ saved", most=1)
"""When the record the command saved last was taken, by its file's path and stat."""


def recorded_time(work: Path, memo: Memo | None = None) -> int:
    """`written_ns` of the record in `work`, without reading it when it is the one this process
    has just saved (its file's stat unchanged since). Were another run to replace it with the
    same stat, the time kept with an outcome would name the wrong tree, and the next run would
    do the work rather than trust that outcome."""
    key = workdir.file_key(work / STATE_FILE)
    saved = memo.get(SAVED, key) if memo is not None and key is not None else None
    return saved if saved is not None else load_record(work, memo).written_ns


def _read_record(path: Path) -> Record:
    data = workdir.read_state(path, RECORD_SCHEMA)
    if data is None or len({len(data[name]) for name in _COLUMNS}) != 1:
        return Record()  # no record, or not one this version can trust: read everything
    columns = (data[name] for name in _COLUMNS)
    paths = next(columns)
    return Record(
        data["written_ns"],
        dict(zip(paths, map(_as_entry, zip(*columns, strict=True)), strict=True)),
        data["shadow_clean"],
        frozenset(data["shadow_differs"]),
    )


_as_entry: Callable[[tuple[Any, ...]], Entry] = partial(tuple.__new__, Entry)
"""A row of the record's columns as an Entry, with no Python call (`Entry(*row)` makes one):
17,475 of them in 4 ms rather than 6.5."""


def save_record(work: Path, record: Record, memo: Memo | None = None) -> None:
    workdir.write_state(
        work,
        STATE_FILE,
        {
            "format": _FORMAT,
            "written_ns": record.written_ns,
            "shadow_clean": record.shadow_clean,
            "shadow_differs": sorted(record.shadow_differs),
            **_columns(record.entries),
        },
    )
    key = workdir.file_key(work / STATE_FILE)
    if memo is not None and key is not None:
        memo.put(SAVED, key, record.written_ns)
    # After the record: a run killed in between leaves an older stamp, which names another
    # record's time, and the no-op check then gives way to a render.
    treestamp.save_stamp(work, stamp_of(record))


def stamp_again(work: Path, written_ns: int, memo: Memo | None = None) -> None:
    """Save the stamp of the record taken at `written_ns` when the stamp in `work` is of
    another (a `.manifold/` kept from a version before stamps, or a run killed between the
    two): else no-op checks would give way to renders, which write nothing to stamp again."""
    stamp = treestamp.load_stamp(work)
    if written_ns and (stamp is None or stamp.written_ns != written_ns):
        record = load_record(work, memo)
        if record.written_ns == written_ns:
            treestamp.save_stamp(work, stamp_of(record))


def stamp_of(record: Record) -> treestamp.Stamp:
    """The record's stamp: its files' stats in one digest, and its racy files' digests."""
    trusted_before = record.written_ns - RACY_NS
    lines = [stat_line(path, *entry[:3]) for path, entry in record.entries.items()]
    racy = {
        path: entry.digest
        for path, entry in record.entries.items()
        if entry.mtime_ns >= trusted_before
    }
    return treestamp.Stamp(record.written_ns, stats_digest(lines), racy)


def _columns(entries: dict[str, Entry]) -> dict[str, list[Any]]:
    paths = list(entries)
    ordered = sorted(paths)  # entries kept in the record's order mostly are: little to sort
    values = entries.values() if ordered == paths else [entries[path] for path in ordered]
    fields = zip(*values, strict=True) if ordered else ((),) * 5
    return dict(zip(_COLUMNS, (ordered, *map(list, fields)), strict=True))


def _walk(folder: Path) -> dict[str, os.stat_result]:
    """Every file (and link) below `folder`, by relative path, with its stat."""
    return {relative: entry.stat(follow_symlinks=False) for relative, entry in files_below(folder)}


def folders_of(relative: str) -> list[str]:
    """The folders `relative` is in, outermost first (`a/b/c.yaml`: `a`, `a/b`)."""
    return [relative[:index] for index, character in enumerate(relative) if character == "/"]


def same_stat(known: Entry, stat: os.stat_result) -> bool:
    """Whether a file's stat is the recorded one (its content may still differ when it was
    written within the racy window of the record: the callers check that)."""
    return (known.size, known.mtime_ns, known.inode) == (
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ino,
    )


def read_entry(path: Path, stat: os.stat_result) -> Entry:
    if not S_ISREG(stat.st_mode):  # a link is never followed, a FIFO never opened: not ours
        return Entry(stat.st_size, stat.st_mtime_ns, stat.st_ino, "", False)
    content, head = read_digest(str(path), stat.st_size)
    return Entry(stat.st_size, stat.st_mtime_ns, stat.st_ino, content, is_generated(head))


def record_tree(rendered: Path, digests: dict[str, str], foreign: frozenset[str]) -> Record:
    """A record of rendered/ right after it was written: `digests` of manifold's files."""
    record = Record(written_ns=time.time_ns())
    for relative, stat in _walk(rendered).items():
        if relative in digests:
            record.entries[relative] = Entry(
                stat.st_size, stat.st_mtime_ns, stat.st_ino, digests[relative], True
            )
        elif relative in foreign:
            record.entries[relative] = read_entry(rendered / relative, stat)
    return record
