"""rendered/ looked at for the no-op check: every file's stat, on two CPUs, with nothing
else imported.

The no-op check (`stampcheck`) lists every folder of rendered/, stats every file, and
compares the digest of the stats with the stamp (`treestamp`). At N = 1,000 projects x 3
environments (17,475 files in 2,406 folders) one process takes 64 ms here: 17 ms listing,
37 ms of stat (a system call per file, about 2 us each on this machine), the rest forming
the lines and the digests. None of it needs the other files' results, so two processes
share it: the folders two levels down (an environment's namespaces) are cut into at most
`CHUNKS` chunks whose numbers wait in a pipe (`Chunks`), and a forked child (`core.forked`)
and this process each take the next one until none is left. Whichever is free takes it, so
neither waits for the other when one started late or runs slower. The digest is made of
one digest per folder two levels down (`folder_digest`, `stats_digest`), so the child sends
back a digest per folder it looked at, not its 9,000 lines (marshalling those cost 4 ms).
The fork costs 1.5 ms: a tree of fewer than `SPLIT_FROM` such folders is looked at by one
process. A child that dies or sends nothing whole is as none: this process looks at the
folders it left itself, and a survey that does not account for every folder exactly once
is as none too.

A survey needs no stamp, only the time from which a file's stat cannot vouch for it, so it
can start before the stamp is read and trusted: `reuse.lookahead` starts one in a child
forked before the CLI is imported (`lead`), and the check takes what chunks are left once
it is ready (`follow`). That is why this module imports only `os`, `stat`, `_blake2`,
`core.forked` and `core.jobs`: every import here is paid by that child before it starts
looking, and the look is what the no-op render waits for (the record and stamp modules
import the schema validator, 20 ms; `typing` and `hashlib` alone took 8 ms in the child).
"""

from __future__ import annotations

import os
from stat import S_ISREG

try:  # what hashlib's blake2b is: 0.2 ms to import, hashlib 3.4 ms (it loads OpenSSL's too)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

from manifold.core import forked
from manifold.core.jobs import jobs_wanted

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

RACY_NS = 50_000_000
"""Files modified this close to (or after) a record are read anyway: a second write within
the file system's timestamp granularity would not change their stat."""
SPLIT_FROM = 64
"""Folders two levels down from which a child shares the look."""
CHUNKS = 256
"""Chunks of the folders two levels down, at most: a number of two bytes each, 512 bytes
written at once, which any pipe takes whole (POSIX's least PIPE_BUF). At N = 1,000 x 3 a
chunk is about 70 files, 0.3 ms: fine enough that neither process waits long for the other."""
NEAR = ""
"""The group of the files above the folders two levels down (in rendered/ or beside an
environment's namespaces)."""
_PIECE = 1 << 20
_HEADER_PROBE = 128
Near = list[tuple[str, os.DirEntry[str]]]
Looked = tuple[dict[str, str], dict[str, str]] | tuple[()]
"""What one process found: the `folder_digest` of each group it looked at, and the content
digests of its files modified since the time given; or () when a folder vanished while it
was walked."""


class Survey:
    """rendered/ as looked at: `stats_digest` of every file ("" for none), and the content
    digests of the files modified since a given time, by relative path. (A plain class: a
    NamedTuple would import `typing`.)"""

    __slots__ = ("recent", "stats")
    __hash__ = None  # type: ignore[assignment]  # compared by value, and mutable

    def __init__(self, stats: str, recent: dict[str, str]) -> None:
        self.stats = stats
        self.recent = recent

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Survey):
            return NotImplemented
        return (self.stats, self.recent) == (other.stats, other.recent)

    def __repr__(self) -> str:
        return f"Survey(stats={self.stats!r}, recent={self.recent!r})"


def stat_line(relative: str, size: int, mtime_ns: int, inode: int) -> str:
    """One file's share of `stats_digest`. A path holds no NUL and the numbers no newline,
    so the lines of two different trees never join into the same text."""
    return f"{relative}\0{size}\0{mtime_ns}\0{inode}\n"


def group_of(relative: str) -> str:
    """The folder two levels down that holds the file at `relative` (with its closing "/"),
    or `NEAR` for a file above them."""
    first = relative.find("/")
    second = relative.find("/", first + 1) if first >= 0 else -1
    return relative[: second + 1] if second >= 0 else NEAR


def folder_digest(lines: list[str]) -> str:
    """The digest of one group's `stat_line`s, in any order; "" for none (an empty folder is
    no difference: only files are recorded)."""
    if not lines:
        return ""
    text = "".join(sorted(lines)).encode("utf-8", "surrogateescape")
    return blake2b(text, digest_size=16).hexdigest()


def combined(digests: Mapping[str, str]) -> str:
    """The digest of a tree from its groups' `folder_digest`s."""
    text = "".join(f"{group}\0{digest}\n" for group, digest in sorted(digests.items()) if digest)
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def stats_digest(lines: Iterable[str]) -> str:
    """The digest of a tree's `stat_line`s, in any order (the order a folder lists its files
    in is the file system's): grouped by `group_of`, as a survey makes it."""
    groups: dict[str, list[str]] = {}
    group, members = NEAR, groups.setdefault(NEAR, [])
    # Sorted, a folder's lines come together: a line that starts with the group of the one
    # before is in it (a group ends with "/"), and its path is cut up only at the next group
    # (17,475 lines: 7.7 ms, against 11 ms cutting up every path).
    for line in sorted(lines):
        if not group or not line.startswith(group):
            found = group_of(line[: line.index("\0")])
            if found != group:
                group, members = found, groups.setdefault(found, [])
        members.append(line)
    return combined({group: folder_digest(members) for group, members in groups.items()})


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
    hasher = blake2b(digest_size=16)
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


class Chunks:
    """The folders two levels down cut into chunks, whose numbers wait in a pipe for the
    process that takes the next. Made before the fork: the child and this process read the
    same pipe, and the kernel gives each number to one of them."""

    __slots__ = ("readable", "writable")

    def __init__(self, readable: int, writable: int = -1) -> None:
        """The pipe's two ends (-1: not this process's to write)."""
        self.readable = readable
        self.writable = writable
        os.set_blocking(readable, False)  # an empty pipe is the end, not a wait

    @classmethod
    def made(cls) -> Chunks:
        return cls(*os.pipe())

    def offer(self, folders: list[str]) -> None:
        """Every chunk's number at once, and no more after (the writing end is closed)."""
        try:
            numbers = range(min(len(folders), CHUNKS))
            os.write(self.writable, b"".join(number.to_bytes(2, "big") for number in numbers))
        finally:
            self.close_offers()

    def close_offers(self) -> None:
        if self.writable >= 0:
            os.close(self.writable)
            self.writable = -1

    def taken(self, folders: list[str]) -> Iterator[str]:
        """The folders of each chunk this process takes, until none is left."""
        count = min(len(folders), CHUNKS)
        while True:
            try:
                number = os.read(self.readable, 2)
            except BlockingIOError:
                return
            chunk = int.from_bytes(number, "big")
            if len(number) != 2 or chunk >= count:
                return  # none left (or a number of another listing: `joined` sees the gap)
            yield from folders[chunk * len(folders) // count : (chunk + 1) * len(folders) // count]

    def close(self) -> None:
        self.close_offers()
        if self.readable >= 0:
            os.close(self.readable)
            self.readable = -1


def survey(rendered: str | os.PathLike[str], since_ns: int, *, split: bool = True) -> Survey | None:
    """rendered/ looked at, with the content of the files modified since `since_ns`; None
    when a folder vanished while it was walked. `split`: a large tree is looked at with a
    child where manifold may use more than one process (`core.jobs`)."""
    rendered = os.fspath(rendered)
    try:
        near, folders = _two_levels(rendered)
    except FileNotFoundError:
        return None
    if not (split and len(folders) >= SPLIT_FROM and jobs_wanted() > 1):
        return joined(folders, _look(rendered, folders, since_ns, near))
    chunks = Chunks.made()
    chunks.offer(folders)
    child = forked.Child.start(lambda: _look(rendered, chunks.taken(folders), since_ns))
    try:
        mine = _look(rendered, chunks.taken(folders), since_ns, near)
        theirs = child.result() if mine else None
    finally:
        child.close()
        chunks.close()
    if mine and theirs is None:  # the child sent nothing whole: its folders are looked at here
        theirs = _look(rendered, [folder for folder in folders if folder not in mine[0]], since_ns)
    return joined(folders, mine, theirs)


def lead(rendered: str, since_ns: int, chunks: Chunks) -> Looked:
    """In a child started ahead (`reuse.lookahead`): list rendered/, offer its chunks, and
    look at the files near and at chunk after chunk until none is left."""
    try:
        near, folders = _two_levels(rendered)
    except FileNotFoundError:
        chunks.close_offers()
        return ()
    chunks.offer(folders)
    return _look(rendered, chunks.taken(folders), since_ns, near)


def follow(
    rendered: str, since_ns: int, chunks: Chunks, led: Callable[[], Looked | None]
) -> Survey | None:
    """In the process that forked `lead`'s child, once it is ready: take the chunks left,
    then join what the child sent (`led`, None when it sent nothing usable)."""
    try:
        _, folders = _two_levels(rendered)
    except FileNotFoundError:
        return None
    mine = _look(rendered, chunks.taken(folders), since_ns)
    return joined(folders, mine, led())


def joined(folders: list[str], *looks: Looked | None) -> Survey | None:
    """The survey of what the processes found; None unless they looked at the files near and
    at every one of `folders`, each once (a folder vanished, a child that died, or listings
    that differ)."""
    digests: dict[str, str] = {}
    recent: dict[str, str] = {}
    for look in looks:
        if not look or not digests.keys().isdisjoint(look[0]):
            return None
        digests.update(look[0])
        recent.update(look[1])
    if digests.keys() != {NEAR, *folders}:
        return None
    return Survey(combined(digests) if any(digests.values()) else "", recent)


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


def _look(rendered: str, folders: Iterable[str], since_ns: int, near: Near | None = None) -> Looked:
    """The `folder_digest` of each of `folders` (and of the files `near`, when given), and
    the content digests of their files modified since `since_ns`."""
    digests: dict[str, str] = {}
    recent: dict[str, str] = {}
    try:
        if near is not None:
            digests[NEAR] = _digest(rendered, near, since_ns, recent)
        for folder in folders:
            below = files_below(os.path.join(rendered, folder), strict=True)
            files = ((folder + relative, entry) for relative, entry in below)
            digests[folder] = _digest(rendered, files, since_ns, recent)
    except FileNotFoundError:  # removed while walked
        return ()
    return digests, recent


def _digest(
    rendered: str,
    files: Iterable[tuple[str, os.DirEntry[str]]],
    since_ns: int,
    recent: dict[str, str],
) -> str:
    """The `folder_digest` of `files`; those modified since `since_ns` go in `recent`."""
    lines: list[str] = []
    for relative, item in files:
        stat = item.stat(follow_symlinks=False)
        lines.append(stat_line(relative, stat.st_size, stat.st_mtime_ns, stat.st_ino))
        if stat.st_mtime_ns >= since_ns:
            recent[relative] = _content(os.path.join(rendered, relative), stat)
    return folder_digest(lines)


def _content(path: str, stat: os.stat_result) -> str:
    """A file's content digest; "" for what is not a regular file (a link is never followed,
    a FIFO never opened), as the record has it (`treestate.read_entry`)."""
    return read_digest(path, stat.st_size)[0] if S_ISREG(stat.st_mode) else ""
