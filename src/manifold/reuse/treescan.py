"""rendered/ read against the record of the last write (`treestate`): `scan` here, or
`survey_ahead`, surveyed by a forked process while this one compiles.

A render that may reuse projects needs rendered/'s state for one thing while it compiles:
which files of its earlier results are still on disk, with the digests it recorded. The
record answers that for every file whose stat still matches it, and the survey that
checks those stats (`survey`: a stat per file, 17,475 of them on the benchmark
repository, some 60 ms, a quarter of a one-change render in a watching process) needs
nothing the compile makes. So the compile takes the record's digests for the disk's
(`recorded_disk`), a child process surveys the tree meanwhile on the CPU the compile leaves
idle, and the caller checks afterwards (`reused_as_found`) that every file it reused is what
the survey found; where one is not (edited by hand since the last write: rare), it compiles
again with the disk's own digests. Either way the answer is the one a survey before the
compile gives.

Below `SURVEY_AHEAD_FROM` recorded files, or with one process allowed (MANIFOLD_JOBS), the
survey runs here, when asked for: a fork costs a few milliseconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from manifold.core.forked import Child
from manifold.core.jobs import jobs_wanted
from manifold.core.kept import ByDigest, KeptFile
from manifold.core.memo import Memo
from manifold.output.header import REQUEST_INDEX, indexed_files
from manifold.reuse import treestate, workdir
from manifold.reuse.treestate import (
    Entry,
    Record,
    TreeState,
    folders_of,
    read_entry,
    same_stat,
)
from manifold.reuse.treesurvey import RACY_NS, files_below

SURVEY_AHEAD_FROM = 2_000
"""Recorded files from which the survey is worth a process (2,000 stats take about 7 ms)."""


class Survey(NamedTuple):
    """What a walk of rendered/ found that the record cannot vouch for (all else is as it says)."""

    read: dict[str, Entry]
    """Files whose stat differs from their entry, or too recent to trust, as read now."""
    gone: frozenset[str]


def tree_record(rendered: Path, memo: Memo | None = None) -> Record:
    """The record of rendered/ as last written, to read the tree against; refused when
    rendered/ is a link (never followed)."""
    workdir.refuse_link(rendered, f"{rendered.name}/")
    return treestate.load_record(rendered.parent / workdir.WORK_DIR, memo)


def scan(rendered: Path, record: Record, within: frozenset[str] | None = None) -> TreeState:
    """The tree as it is now, reading only what the record cannot vouch for; with `within`,
    only the files of those top-level folders (a `check -e ENV`: its environment's and the
    sync folders, a third of the tree with three environments)."""
    if within is not None:
        record = replace(record, entries=_within(record.entries, within))
    return state_of(rendered, record, survey(rendered, record, within))


def _within(entries: dict[str, Entry], folders: frozenset[str]) -> dict[str, Entry]:
    return {path: entry for path, entry in entries.items() if path.split("/", 1)[0] in folders}


def _files(rendered: Path, within: frozenset[str] | None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file (and link) below rendered/, as `files_below` lists them, or only those
    named at its top by `within` and below them."""
    if within is None:
        yield from files_below(rendered)
        return
    try:
        listing = os.scandir(rendered)
    except FileNotFoundError:
        return
    with listing:
        tops = [entry for entry in listing if entry.name in within]
    for top in tops:
        if top.is_dir(follow_symlinks=False):
            for relative, item in files_below(top.path):
                yield f"{top.name}/{relative}", item
        else:
            yield top.name, top


def survey(rendered: Path, record: Record, within: frozenset[str] | None = None) -> Survey:
    """The part of `scan` that is system calls (a stat per file: 60-70 ms at N = 1,000), which
    `survey_ahead` runs in another process; `within`, as for `scan` (the record's entries
    then only those of its folders)."""
    entries = record.entries
    trusted_before = record.written_ns - RACY_NS
    walked: list[str] = []
    to_read: list[tuple[str, os.stat_result]] = []
    for relative, item in _files(rendered, within):
        stat = item.stat(follow_symlinks=False)
        walked.append(relative)
        known = entries.get(relative)
        if known is None or not same_stat(known, stat) or stat.st_mtime_ns >= trusted_before:
            to_read.append((relative, stat))
    new = sum(1 for relative, _ in to_read if relative not in entries)
    gone = entries.keys() - set(walked) if len(walked) != len(entries) + new else set()
    read = {relative: read_entry(rendered / relative, stat) for relative, stat in to_read}
    return Survey(read, frozenset(gone))


def state_of(rendered: Path, record: Record, found: Survey) -> TreeState:
    """The tree as `found` says it differs from `record`: a file the record vouches for keeps
    its entry as it is (a one-change render finds some 17,000 such files, a handful of others)."""
    entries = dict(record.entries)  # the record stays as read: the writer compares with it
    for relative in found.gone:
        entries.pop(relative, None)
    entries.update(found.read)
    state = TreeState(
        generated={relative: entry[3] for relative, entry in entries.items() if entry[4]},
        entries=entries,
        unverified=found.gone | found.read.keys(),
        record=record,
    )
    foreign = {relative for relative, entry in entries.items() if not entry[4]}
    for owned in _indexed(rendered, state, foreign):
        entry = entries[owned]._replace(generated=True)
        entries[owned] = entry
        state.generated[owned] = entry.digest
        foreign.discard(owned)
    state.foreign = frozenset(foreign)
    return state


def _indexed(rendered: Path, state: TreeState, foreign: set[str]) -> list[str]:
    """Files that are manifold's without its header: the JSON an index of requests lists.

    An index makes manifold's only `.json` files below its own folder
    (`header.indexed_files`), so it is read only when such a file is not known to be
    manifold's already: after a write, the record says every listed file is, and the
    hundreds of indexes of a large tree are not read and parsed on every run."""
    undecided = {
        folder
        for relative in foreign
        if relative.endswith(".json")
        for folder in folders_of(relative)
    }
    owned: list[str] = []
    for relative in state.generated if undecided else ():  # none to decide: no index to find
        folder, _, name = relative.rpartition("/")
        if name == REQUEST_INDEX and folder in undecided:
            listed = indexed_files(relative, (rendered / relative).read_bytes())
            owned.extend(path for path in listed if path in state.entries)
    return owned


def recorded_disk(record: Record) -> dict[str, str]:
    """manifold's files under rendered/ by digest, as the record has them."""
    return {relative: entry.digest for relative, entry in record.entries.items() if entry.generated}


def reused_as_found(files: Mapping[str, str | ByDigest], tree: TreeState) -> bool:
    """Whether every file a build reused (`KeptFile`) is on disk as the build took it to be;
    only files the record could not vouch for may not be."""
    for relative in tree.unverified:
        kept = files.get(relative)
        if isinstance(kept, KeptFile) and tree.generated.get(relative) != kept.digest:
            return False
    return True


@contextmanager
def survey_ahead(rendered: Path, record: Record) -> Iterator[Callable[[], TreeState]]:
    """A function that gives rendered/'s state (as `scan` does), surveyed by a child process
    started now when it pays; the child is stopped when the block ends."""
    if len(record.entries) < SURVEY_AHEAD_FROM or jobs_wanted() < 2:
        yield lambda: scan(rendered, record)
        return
    child = Child.start(lambda: _sent(survey(rendered, record)))
    try:
        yield lambda: state_of(rendered, record, _received(child, rendered, record))
    finally:
        child.close()


def _sent(found: Survey) -> tuple[dict[str, tuple[Any, ...]], list[str]]:
    """A survey as marshal data: plain tuples for the entries (marshal takes no NamedTuple)."""
    return {relative: tuple(entry) for relative, entry in found.read.items()}, sorted(found.gone)


def _received(child: Child, rendered: Path, record: Record) -> Survey:
    """The child's survey; surveyed here when it sent none, or not one this code sends."""
    sent = child.result()
    if isinstance(sent, tuple) and len(sent) == 2 and isinstance(sent[0], dict):
        read, gone = sent
        try:
            return Survey({str(path): Entry(*row) for path, row in read.items()}, frozenset(gone))
        except TypeError:  # a row of another length, a list of paths that is not one
            pass
    return survey(rendered, record)
