"""Project files parsed ahead of the compiler, in a forked process, while this one imports it.

A run with no `.manifold/` (a fresh clone in CI: `manifold check`; a render from nothing)
parses every project file before any environment can be compiled, and on one CPU that is
serial time: at N = 1,000 about 0.55 s of YAML (libyaml and PyYAML's constructor, ~0.5 ms a
file). Before it can start, this process spends about 0.5 s importing the compiler and its
models (pydantic builds ~140 model classes). Here a child process forked before that import
reads and parses the project files meanwhile, so the two costs overlap on two CPUs.

The two processes split the files between them without a lock: the child takes them from
the front, this process (once it needs them) from the back, each publishing in shared memory
how far it has come, and each stops where the other's mark is. A mark read late is only ever
further from the meeting point than it really is, so no file is left to nobody; at most one
is parsed by both, and then this process's own result is used.

What comes back is plain data, not pickled objects: per file its bytes, whether it holds no
credential (this process then need not look again: ~0.1 s at N = 1,000, while the child has
long finished) and the document `marshal`led (dicts, lists and scalars, exact to the bit;
unmarshalling ~14,000 files takes ~0.1 s where unpickling the same as objects took 0.55 s;
`core.forked` sends and receives it).
A file the child could not read or parse is not sent at all: this process reads it itself,
so every diagnostic is the one the serial path gives. If the child dies, whatever it did
not send is done here, so the result never depends on it: `Documents.take` is exactly
`read_bytes` and `parse_document`.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.core import forked
from manifold.core.diagnostics import Diagnostic
from manifold.core.jobs import jobs_wanted
from manifold.core.secrets import secret_values
from manifold.inputs.filebytes import read_bytes
from manifold.inputs.sources import PROJECTS_DIR, Document, discover, parse_document

AHEAD_FROM = 200
"""Project files from which parsing them ahead is worth a process (a fork and its pipe cost a
few milliseconds; 200 files take ~0.1 s to parse)."""

_Parsed = tuple[bytes, Document]


@dataclass
class Documents:
    """The project files a child process parsed ahead (`read_ahead`), and the rest parsed
    here when first asked for."""

    root: Path
    files: list[str]
    child: forked.Child
    marks: memoryview
    """[files taken from the front by the child, first file taken here from the back]."""
    parsed: dict[str, _Parsed] | None = field(default=None, repr=False)

    def take(self, relative: str) -> _Parsed | None:
        """The file's bytes and document, if both read and parsed without a problem; None
        for a file this run should read itself (one unreadable or not parsed, or not listed
        when the child started)."""
        if self.parsed is None:
            self.parsed = self._collect()
        # Given once: the documents are the caller's from now on, not held here as well.
        return self.parsed.pop(relative, None)

    def _collect(self) -> dict[str, _Parsed]:
        """Parse from the back until the child's mark, then add what the child sent."""
        mine: dict[int, _Parsed] = {}
        while (index := self.marks[1] - 1) >= self.marks[0]:
            self.marks[1] = index
            if (done := _parse(self.root, self.files[index])) is not None:
                mine[index] = done
        sent = _received(self.child)
        parsed: dict[str, _Parsed] = {}
        for index, relative in enumerate(self.files):
            if index in mine:
                parsed[relative] = mine[index]
            elif index in sent:
                raw, data, credential_free = sent[index]
                text = raw.decode("utf-8")
                document = Document(relative, text, data, credential_free=credential_free is True)
                parsed[relative] = (raw, document)
        return parsed

    def close(self) -> None:
        """Stop the child (if it has not finished) and reap it; safe to call twice."""
        self.child.close()


@contextmanager
def read_ahead(root: Path) -> Iterator[Documents | None]:
    """Start parsing the project files in a child process when it pays: enough of them, and
    more than one process allowed (MANIFOLD_JOBS); None otherwise. For a run that will parse
    them all: the caller knows (`commands.recorded`: nothing recorded of an earlier run)."""
    files = discover(root, PROJECTS_DIR) if jobs_wanted() > 1 else []
    if len(files) < AHEAD_FROM:
        yield None
        return
    documents = _start(root, files)
    try:
        yield documents
    finally:
        documents.close()


def _start(root: Path, files: list[str]) -> Documents:
    shared = mmap.mmap(-1, 8)  # anonymous and MAP_SHARED: the child writes, this process reads
    marks = memoryview(shared).cast("i")
    marks[0], marks[1] = 0, len(files)
    return Documents(root, files, forked.Child.start(lambda: _front(root, files, marks)), marks)


def _front(root: Path, files: list[str], marks: memoryview) -> dict[int, tuple[bytes, Any, bool]]:
    """In the child: parse from the front until this process's mark; what to send back."""
    sent: dict[int, tuple[bytes, Any, bool]] = {}
    while (index := marks[0]) < marks[1]:
        marks[0] = index + 1
        if (done := _parse(root, files[index])) is not None:
            data = done[1].data
            sent[index] = (done[0], data, next(secret_values(data), None) is None)
    return sent


def _parse(root: Path, relative: str) -> _Parsed | None:
    raw = read_bytes(root, relative)
    if isinstance(raw, Diagnostic):
        return None
    document = parse_document(relative, raw)
    return (raw, document) if isinstance(document, Document) else None


def _received(child: forked.Child) -> dict[int, tuple[bytes, Any, bool]]:
    """What the child sent: nothing if it died before it had sent it whole."""
    sent = child.result()
    return sent if isinstance(sent, dict) else {}
