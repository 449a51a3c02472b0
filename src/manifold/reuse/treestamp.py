"""The stamp of rendered/: one digest of every file's stat, for the no-op check.

The record of rendered/ (`treestate`, `.manifold/tree.json`) keeps five values per file; at
17,475 files it is 3.4 MB, and reading it (parse, form check, entries) takes 25 ms, a sixth
of a no-op render. The no-op check needs no single entry of it: only whether the stats of
all the files are, together, the recorded ones, and the content of the few files written too
close to the record for their stat to vouch for them (`treesurvey.RACY_NS`). The stamp is
exactly that, saved beside the record each time the record is (`treestate.save_record`): a
digest of every file's path, size, modification time and inode, the racy files' content
digests, and the record's time, which ties the stamp to the record and to the outcomes kept
with it (`reuse.fastpath`). After a render that changed a few files it is a few hundred
bytes.

This module is light on purpose, like `treestate`: the no-op check runs it before the
compiler is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from manifold.reuse import workdir

STAMP_FILE = "tree-stamp.json"
_FORMAT = 2
"""2: `stats` made of one digest per folder two levels down (`treesurvey.stats_digest`)."""
_DIGEST = {"type": "string", "pattern": "^([0-9a-f]{32})?$"}
_SCHEMA = workdir.StateSchema(
    {
        "type": "object",
        "required": ["format", "written_ns", "stats", "racy"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": _FORMAT},
            "written_ns": {"type": "integer", "minimum": 0},
            "stats": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "racy": {
                "type": "object",
                "propertyNames": workdir.safe_path_schema(),
                "additionalProperties": _DIGEST,
            },
        },
    }
)
"""A stamp of another form (another version, a file cut short, a path that leaves rendered/)
is as none: the no-op check then gives way to a render."""


@dataclass(frozen=True)
class Stamp:
    written_ns: int
    """The time of the record this stamp was saved with."""
    stats: str
    """`treesurvey.stats_digest` of every file under rendered/."""
    racy: dict[str, str] = field(default_factory=dict)
    """The content digests of the files modified within the racy window of `written_ns`."""


def save_stamp(work: Path, stamp: Stamp) -> None:
    data = {
        "format": _FORMAT,
        "written_ns": stamp.written_ns,
        "stats": stamp.stats,
        "racy": stamp.racy,
    }
    workdir.write_state(work, STAMP_FILE, data)


def load_stamp(work: Path) -> Stamp | None:
    """The stamp in `work`, or None when there is none this version can trust."""
    data = workdir.read_state(work / STAMP_FILE, _SCHEMA)
    if data is None:
        return None
    return Stamp(data["written_ns"], data["stats"], data["racy"])
