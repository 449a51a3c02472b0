"""Digests of what a result depends on: manifold's own code, and the files below folders of a
repository read as the compiler reads them. The no-op answer (`fastpath`) and the project
result store (`incremental`) both key their records on these.

Reading every input file to learn that none changed costs more than the rest of a no-op, so
the no-op check keeps a record of the files it read (`InputRecord`: size, modification time,
inode and content digest, in `.manifold/`) and reads again only those whose stat differs or
is too recent to trust, as `treestate` does for rendered/. A `git checkout` gives files new
times, so they are read again; the record changes how long the answer takes, never what it is.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from manifold.core.diagnostics import Diagnostic
from manifold.inputs.filebytes import read_bytes
from manifold.reuse import workdir
from manifold.reuse.treestate import digest
from manifold.reuse.treesurvey import RACY_NS

input_digest = digest
"""The digest of an input file's bytes, as of a rendered file's: the record's, and the project
cache's key, so that a file the record vouches for need not be read to be looked up."""

INPUTS_FILE = "inputs.json"
_FORMAT = 1
_INPUTS_SCHEMA = workdir.StateSchema(
    {
        "type": "object",
        "required": ["format", "written_ns", "entries"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": _FORMAT},
            "written_ns": {"type": "integer", "minimum": 0},
            "entries": {
                "type": "object",
                "propertyNames": workdir.safe_path_schema(),
                "additionalProperties": {
                    "type": "array",
                    "prefixItems": [
                        {"type": "integer", "minimum": 0},
                        {"type": "integer"},
                        {"type": "integer", "minimum": 0},
                        {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                    ],
                    "minItems": 4,
                    "maxItems": 4,
                },
            },
        },
    }
)
"""A record that does not have this form (another version, a file cut short, a path that
leaves the repository) is discarded: every input is then read."""

StatKey = tuple[int, int, int]
"""A file's size, modification time (ns) and inode."""


@dataclass
class InputRecord:
    """The input files as last read: by repository-relative path, their stat and digest."""

    written_ns: int = 0
    """When the files were stat-ed: one modified this close to it (or after) is read again."""
    entries: dict[str, tuple[StatKey, str]] = field(default_factory=dict)
    read: int = 0
    """Files read to make this record (the others were vouched for by the last one)."""

    def known_digest(self, relative: str, key: StatKey) -> str | None:
        known = self.entries.get(relative)
        if known is None or known[0] != key or key[1] >= self.written_ns - RACY_NS:
            return None
        return known[1]


def load_inputs_record(work: Path | None) -> InputRecord:
    data = workdir.read_state(work / INPUTS_FILE, _INPUTS_SCHEMA) if work else None
    if data is None:
        return InputRecord()
    return InputRecord(
        data["written_ns"],
        {path: ((v[0], v[1], v[2]), v[3]) for path, v in data["entries"].items()},
    )


def save_inputs_record(work: Path, record: InputRecord) -> None:
    entries = {path: [*key, digest] for path, (key, digest) in sorted(record.entries.items())}
    workdir.write_state(
        work, INPUTS_FILE, {"format": _FORMAT, "written_ns": record.written_ns, "entries": entries}
    )


def code_fingerprint() -> bytes:
    """manifold's own files by size and time: a new version or an edited checkout differs."""
    package = Path(__file__).parents[1]  # manifold/, this module being in manifold/reuse/
    parts = []
    for directory, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith((".py", ".yaml", ".json")):
                path = f"{directory}/{name}"  # a string: a Path per file doubles the cost
                info = os.stat(path)  # noqa: PTH116 (a string path, as above)
                parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts).encode()


def hash_folders(
    hasher: hashlib.blake2b,
    root: Path,
    folders: tuple[str, ...],
    record: InputRecord | None = None,
) -> InputRecord:
    """Feed every file below these folders of `root` to `hasher`: its path and the digest of
    its bytes as the compiler reads them (a link to a device, a FIFO or a huge file must not
    be read whole here: it is refused there). A file whose stat `record` vouches for is not
    read. Returns the record of the files as read now."""
    fresh = InputRecord(written_ns=time.time_ns())
    base = str(root)
    start = len(base) + 1  # the repository-relative part of a path os.walk gives
    for folder in folders:
        # Strings, not Path objects: one per file cost as much as the rest of the no-op check.
        for directory, subfolders, names in os.walk(f"{base}/{folder}"):
            subfolders.sort()
            inside = directory[start:].replace(os.sep, "/")
            for name in sorted(names):
                relative = f"{inside}/{name}"
                hasher.update(os.fsencode(relative) + b"\0")  # names need not be UTF-8
                hasher.update(_digest(root, relative, record, fresh) + b"\0")
    return fresh


def _digest(root: Path, relative: str, record: InputRecord | None, fresh: InputRecord) -> bytes:
    try:
        info = os.lstat(f"{root}/{relative}")
    except OSError:
        info = None
    key = (info.st_size, info.st_mtime_ns, info.st_ino) if info is not None else None
    if key is not None and record is not None:
        known = record.known_digest(relative, key)
        if known is not None:
            fresh.entries[relative] = (key, known)
            return known.encode()
    read = read_bytes(root, relative)
    if isinstance(read, Diagnostic):
        return b"unreadable: " + read.message.encode()
    digest = input_digest(read)
    fresh.read += 1
    # An unsafe name (one that is not UTF-8) would make the saved record refused whole.
    regular = key is not None and info is not None and stat.S_ISREG(info.st_mode)
    if regular and key is not None and workdir.safe_relative(relative):
        fresh.entries[relative] = (key, digest)
    return digest.encode()
