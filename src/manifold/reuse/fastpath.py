"""A render or check that cannot find anything new answers at once.

After a successful `render` or `check`, manifold records a digest of everything the result
depends on: every input file (projects/, environments/, platform/, and schemas/, which
validation reads), manifold's own code, and the command's options. When a later run finds
the same digest and rendered/ exactly as the writer left it (by stat, see `treestate`), the
recorded outcome, warnings included, is the answer: nothing is parsed, rendered or written,
and the compiler is not even imported.

The record lives in `.manifold/` with the writer's; deleting it only makes the next run do
the work.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.core.diagnostics import DIAGNOSTIC_RECORD, Diagnostic
from manifold.core.errors import OutputProblem
from manifold.core.memo import Memo
from manifold.core.outcome import Outcome
from manifold.reuse import lookahead, stampcheck, treestamp, treestate, workdir
from manifold.reuse.fingerprints import (
    InputRecord,
    code_fingerprint,
    hash_folders,
    load_inputs_record,
    save_inputs_record,
)

RECORD = "outcomes.json"
INPUT_FOLDERS = ("projects", "environments", "platform", "schemas")
"""What a render reads besides manifold's own code: a change below them changes its inputs."""
_RENDERED_DIR = "rendered"
_OUTCOMES_SCHEMA = workdir.StateSchema(
    {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "required": ["digest", "tree", "summary", "diagnostics"],
            "additionalProperties": False,
            "properties": {
                "digest": {"type": "string"},
                "tree": {"type": "integer"},
                "summary": {"type": "string"},
                "diagnostics": {"type": "array", "items": DIAGNOSTIC_RECORD},
            },
        },
    }
)


@dataclass(frozen=True)
class InputsDigest:
    """The digest of everything a command's answer depends on, and the record of the input
    files read to make it (saved with the answer, so the next run reads only what changed)."""

    digest: str
    record: InputRecord = field(compare=False, repr=False)
    inputs: str = field(default="", compare=False)
    """The digest of the input files alone (`look_at_inputs`), as a watching process
    compares them between renders."""


def inputs_digest(root: Path, command: str, options: tuple[str, ...] = ()) -> InputsDigest:
    inputs, record = look_at_inputs(root, load_inputs_record(workdir.existing(root)))
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(code_fingerprint())
    hasher.update(json.dumps([command, *options]).encode())
    hasher.update(inputs.encode())
    return InputsDigest(hasher.hexdigest(), record, inputs)


def look_at_inputs(root: Path, known: InputRecord | None) -> tuple[str, InputRecord]:
    """The digest of the input files (their paths and bytes) and the record of them as read
    now; a file whose stat `known` vouches for is not read."""
    hasher = hashlib.blake2b(digest_size=20)
    record = hash_folders(hasher, root, INPUT_FOLDERS, known)
    return hasher.hexdigest(), record


def _records(root: Path) -> dict[str, Any]:
    work = workdir.existing(root)
    data = workdir.read_state(work / RECORD, _OUTCOMES_SCHEMA) if work else None
    return data if data is not None else {}


def unchanged(root: Path, command: str, digest: InputsDigest) -> Outcome | None:
    """The recorded outcome of `command`, when nothing it depends on has changed since. A
    survey of rendered/ started ahead (`reuse.lookahead`) is used, or stopped, here."""
    ahead = lookahead.take(root)
    try:
        return _unchanged(root, command, digest, ahead)
    finally:
        if ahead is not None:
            ahead.close()


def _unchanged(
    root: Path, command: str, digest: InputsDigest, ahead: lookahead.Ahead | None
) -> Outcome | None:
    recorded = _records(root).get(command)
    if not isinstance(recorded, dict) or recorded.get("digest") != digest.digest:
        return None
    work = workdir.existing(root)
    if work is None:
        return None
    stamp = treestamp.load_stamp(work)
    # The outcome holds for the tree it was recorded with: a render killed after recording
    # rendered/ but before its outcome leaves a record of another tree, whatever its stat.
    if stamp is None or recorded["tree"] != stamp.written_ns:
        return None
    found = ahead.survey(stampcheck.racy_since(stamp)) if ahead is not None else None
    if not stampcheck.unchanged_since(root / _RENDERED_DIR, stamp, found):
        return None
    if digest.record.read:  # files read again (touched, checked out): not next time
        _save_inputs(root, digest.record)
    diagnostics = [Diagnostic.from_record(item) for item in recorded["diagnostics"]]
    return Outcome(recorded["summary"], diagnostics)


def remember(
    root: Path, command: str, digest: InputsDigest, outcome: Outcome, memo: Memo | None = None
) -> None:
    records = _records(root)
    work = workdir.existing(root)
    records[command] = {
        "digest": digest.digest,
        "tree": treestate.recorded_time(work, memo) if work is not None else 0,
        # Answered from this record, the run finds nothing to do, and says so.
        "summary": outcome.unchanged_summary or outcome.summary,
        "diagnostics": [d.to_record() for d in outcome.diagnostics],
    }
    # A read-only checkout, or no folder of manifold's: the next run does the work.
    with contextlib.suppress(OSError, OutputProblem):
        work = workdir.folder(root, create=True)
        assert work is not None
        workdir.write_state(work, RECORD, records)
        save_inputs_record(work, digest.record)
        treestate.stamp_again(work, records[command]["tree"], memo)


def _save_inputs(root: Path, record: InputRecord) -> None:
    with contextlib.suppress(OSError, OutputProblem):
        work = workdir.existing(root)
        if work is not None:
            save_inputs_record(work, record)
