"""rendered/ looked at for the no-op check: every file's stat, on two CPUs, with nothing
else imported.

The no-op check (`stampcheck`) lists every folder of rendered/, stats every file, and
compares the digest of the stats with the stamp (`treestamp`). At N = 1,000 projects x 3
environments (17,475 files in 3,000-odd folders) one process takes 64 ms here: 21 ms
listing, 35 ms of stat (a system call per file, about 2 us each on this machine), 8 ms
forming the lines and the digest. None of it needs the other files' results, so a forked
child (`core.forked`) takes every other folder two levels down (an environment's
namespaces) while this process takes the rest; the child's lines come back as marshal data
(9,000 lines: about 1 ms) and join this process's before the digest, which sorts them, so
the survey is the one a single process makes. The fork costs 1.5 ms: a tree of fewer than
`SPLIT_FROM` such folders is looked at by one process. A child that dies or sends nothing
whole is as none: this process looks at its folders itself.

A survey needs no stamp, only the time from which a file's stat cannot vouch for it, so it
can start before the stamp is read and trusted: `reuse.lookahead` runs one (unsplit) in a
child forked before the CLI is imported. That is why this module imports only `os`,
`hashlib`, `core.forked` and `core.jobs`: every import here is paid by that child before it
starts looking (the record and stamp modules import the schema validator, 20 ms).
"""

from __future__ import annotations

import hashlib
import os
from stat import S_ISREG
from typing import NamedTuple

from manifold.core import forked
from manifold.core.jobs import jobs_wanted

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

RACY_NS = 50_000_000
"""Files modified this close to (or after) a record are read anyway: a second write within
the file system's timestamp granularity would not change their stat."""
SPLIT_FROM = 64
"""Folders two levels down from which a child looks at half of them."""
_PIECE = 1 << 20
_HEADER_PROBE = 128
Near = list[tuple[str, os.DirEntry[str]]]
Looked = tuple[list[str], dict[str, str]] | tuple[()]
"""What one process found: its stat lines and the content digests of its files modified
since the time given, or () when a folder vanished while it was walked."""


class Survey(NamedTuple):
    """rendered/ as looked at: `stats_digest` of every file ("" for none), and the content
    digests of the files modified since a given time, by relative path."""

    stats: str
    recent: dict[str, str]


def stat_line(relative: str, size: int, mtime_ns: int, inode: int) -> str:
    """One file's share of `stats_digest`. A path holds no NUL and the numbers no newline,
    so the lines of two different trees never join into the same text."""
    return f"{relative}\0{size}\0{mtime_ns}\0{inode}\n"


def stats_digest(lines: Iterable[str]) -> str:
    """The digest of a tree's `stat_line`s, in any order (they are sorted first: the order
    a folder lists its files in is the file system's)."""
    text = "".join(sorted(lines)).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def files_below(
    folder: str | os.PathLike[str], *, strict: bool = False
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file (and link) below `folder`: its relative path and its directory entry. A
    folder that vanishes while it is walked is passed over, or with `strict` raises
    FileNotFoundError."""
    # Strings, not Path objects: a Path per folder costs more than listing it.
    stack = [(os.fspath(folder), "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            listing = os.scandir(directory)
        except FileNotFoundError:
            if strict:
                raise
            continue
        with listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    yield prefix + entry.name, entry


def read_digest(path: str, size: int) -> tuple[str, bytes]:
    """The content digest of the regular file at `path` (`size` bytes when stat-ed), and its
    first bytes, where manifold's header would be."""
    hasher = hashlib.blake2b(digest_size=16)
    # os.read rather than a file object: a cold `check` reads every file of rendered/, and
    # the buffered reader's set-up and the read that finds the end cost more than the reading.
    # In pieces: a foreign file may be larger than memory.
    descriptor = os.open(path, os.O_RDONLY)
    try:
        wanted = min(size + 1, _PIECE)
        piece = os.read(descriptor, wanted)
        head = piece[:_HEADER_PROBE]
        while piece:
            hasher.update(piece)
            if len(piece) < wanted:
                break  # a regular file reads short only at its end
            piece = os.read(descriptor, _PIECE)
            wanted = _PIECE
    finally:
        os.close(descriptor)
    return hasher.hexdigest(), head


def survey(rendered: str | os.PathLike[str], since_ns: int, *, split: bool = True) -> Survey | None:
    """rendered/ looked at, with the content of the files modified since `since_ns`; None
    when a folder vanished while it was walked. `split`: a large tree is looked at half in a
    child where manifold may use more than one process (`core.jobs`); not by a child itself,
    while its parent imports (three processes on two CPUs)."""
    rendered = os.fspath(rendered)
    try:
        near, folders = _two_levels(rendered)
    except FileNotFoundError:
        return None
    split = split and len(folders) >= SPLIT_FROM and jobs_wanted() > 1
    theirs = folders[1::2] if split else []
    ours = folders[0::2] if theirs else folders
    child = forked.Child.start(lambda: _look(rendered, theirs, since_ns)) if theirs else None
    try:
        mine = _look(rendered, ours, since_ns, near)
        other = child.result() if child is not None and mine else None
    finally:
        if child is not None:
            child.close()
    if theirs and mine and other is None:  # the child sent nothing whole: look here
        other = _look(rendered, theirs, since_ns)
    if not mine or (theirs and not other):
        return None
    lines, recent = mine
    if other:
        lines, recent = [*lines, *other[0]], {**recent, **other[1]}
    return Survey(stats_digest(lines) if lines else "", recent)


def _two_levels(rendered: str) -> tuple[Near, list[str]]:
    """The files of rendered/ and of its folders (each relative path and its entry), and the
    folders two levels down (relative, with a closing "/")."""
    near: Near = []
    below: list[str] = []
    levels = [("", rendered)]
    for depth in (0, 1):
        found: list[tuple[str, str]] = []
        for prefix, directory in levels:
            with os.scandir(directory) as listing:
                for entry in listing:
                    if not entry.is_dir(follow_symlinks=False):
                        near.append((prefix + entry.name, entry))
                    elif depth == 0:
                        found.append((f"{prefix}{entry.name}/", entry.path))
                    else:
                        below.append(f"{prefix}{entry.name}/")
        levels = found
    return near, sorted(below)


def _look(rendered: str, folders: list[str], since_ns: int, near: Near | None = None) -> Looked:
    """The stat lines of the files in `folders` (and of the files `near`), and the content
    digests of those modified since `since_ns`."""
    lines: list[str] = []
    recent: dict[str, str] = {}
    try:
        for relative, item in _files(rendered, folders, near or []):
            stat = item.stat(follow_symlinks=False)
            lines.append(stat_line(relative, stat.st_size, stat.st_mtime_ns, stat.st_ino))
            if stat.st_mtime_ns >= since_ns:
                recent[relative] = _content(os.path.join(rendered, relative), stat)
    except FileNotFoundError:  # removed while walked
        return ()
    return lines, recent


def _files(rendered: str, folders: list[str], near: Near) -> Iterator[tuple[str, os.DirEntry[str]]]:
    yield from near
    for folder in folders:
        for relative, entry in files_below(os.path.join(rendered, folder), strict=True):
            yield folder + relative, entry


def _content(path: str, stat: os.stat_result) -> str:
    """A file's content digest; "" for what is not a regular file (a link is never followed,
    a FIFO never opened), as the record has it (`treestate.read_entry`)."""
    return read_digest(path, stat.st_size)[0] if S_ISREG(stat.st_mode) else ""
