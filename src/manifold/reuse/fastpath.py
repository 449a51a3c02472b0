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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from manifold.core.diagnostics import DIAGNOSTIC_RECORD, Diagnostic
from manifold.core.errors import OutputProblem
from manifold.core.outcome import Outcome
from manifold.reuse import treestate, workdir
from manifold.reuse.fingerprints import code_fingerprint, hash_folders

if TYPE_CHECKING:
    pass

RECORD = "outcomes.json"
_INPUT_FOLDERS = ("projects", "environments", "platform", "schemas")
_RENDERED_DIR = "rendered"
_OUTCOMES_SCHEMA = workdir.StateSchema(
    {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "required": ["digest", "summary", "diagnostics"],
            "additionalProperties": False,
            "properties": {
                "digest": {"type": "string"},
                "summary": {"type": "string"},
                "diagnostics": {"type": "array", "items": DIAGNOSTIC_RECORD},
            },
        },
    }
)


def inputs_digest(root: Path, command: str, options: tuple[str, ...] = ()) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(code_fingerprint())
    hasher.update(json.dumps([command, *options]).encode())
    hash_folders(hasher, root, _INPUT_FOLDERS)
    return hasher.hexdigest()


def _records(root: Path) -> dict[str, Any]:
    work = workdir.existing(root)
    data = workdir.read_state(work / RECORD, _OUTCOMES_SCHEMA) if work else None
    return data if data is not None else {}


def unchanged(root: Path, command: str, digest: str) -> Outcome | None:
    """The recorded outcome of `command`, when nothing it depends on has changed since."""
    recorded = _records(root).get(command)
    if not isinstance(recorded, dict) or recorded.get("digest") != digest:
        return None
    work = workdir.existing(root)
    if work is None:
        return None
    record = treestate.load_record(work)
    if not treestate.unchanged_since(root / _RENDERED_DIR, record):
        return None
    diagnostics = [Diagnostic.from_record(item) for item in recorded["diagnostics"]]
    return Outcome(recorded["summary"], diagnostics)


def remember(root: Path, command: str, digest: str, outcome: Outcome) -> None:
    records = _records(root)
    records[command] = {
        "digest": digest,
        "summary": outcome.summary,
        "diagnostics": [d.to_record() for d in outcome.diagnostics],
    }
    # A read-only checkout, or no folder of manifold's: the next run does the work.
    with contextlib.suppress(OSError, OutputProblem):
        work = workdir.folder(root, create=True)
        assert work is not None
        workdir.write_state(work, RECORD, records)
