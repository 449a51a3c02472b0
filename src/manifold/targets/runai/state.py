"""What `manifold runai apply` created: one state file per environment.

The API (v2.22 as the seed describes it) finds a workload by id only; it cannot list
workloads by label. So manifold records, for each workload it created, the id the API gave
it and the request it last sent: the id to find it again, the request to tell what changed
(and which fields it set, so that it removes only those). A workload that is not in the state
file is never changed or deleted. The file holds no secret.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.compile.layout import canonical_json
from manifold.core.errors import OutputProblem, ProblemsFound
from manifold.reuse import workdir

FORMAT = 1


@dataclass(frozen=True)
class Entry:
    workload_id: str
    label: str
    """`<manifold project>/<service>`, for people."""
    applied: dict[str, Any]
    """The InferenceCreationRequest as manifold last sent it (created or patched)."""


@dataclass
class State:
    environment: str
    workloads: dict[str, Entry] = field(default_factory=dict)
    """By `workload_key` of the request."""


def workload_key(request: dict[str, Any]) -> str:
    """Run:ai names are unique within a project of a cluster."""
    return f"{request.get('clusterId')}/{request.get('projectId')}/{request.get('name')}"


def _schema(environment: str) -> workdir.StateSchema:
    entry = {
        "type": "object",
        "required": ["workloadId", "label", "applied"],
        "additionalProperties": False,
        "properties": {
            "workloadId": {"type": "string", "minLength": 1},
            "label": {"type": "string"},
            "applied": {"type": "object"},
        },
    }
    return workdir.StateSchema(
        {
            "type": "object",
            "required": ["format", "environment", "workloads"],
            "additionalProperties": False,
            "properties": {
                "format": {"const": FORMAT},
                "environment": {"const": environment},
                "workloads": {"type": "object", "additionalProperties": entry},
            },
        }
    )


def load(path: Path, environment: str) -> State:
    if not os.path.lexists(path):
        return State(environment)
    data = workdir.read_state(path, _schema(environment))
    if data is None:
        raise ProblemsFound(
            f"cannot read the Run:ai state file {path}: it is not a format-{FORMAT} state of "
            f"environment {environment!r} (a regular JSON file of that form); restore it from "
            "where it is kept (without it manifold cannot find the workloads it created)"
        )
    workloads = {
        key: Entry(entry["workloadId"], entry["label"], entry["applied"])
        for key, entry in data["workloads"].items()
    }
    return State(environment, workloads)


def save(path: Path, state: State) -> None:
    """Write the whole file at once: a crash leaves the old state or the new one."""
    data = {
        "format": FORMAT,
        "environment": state.environment,
        "workloads": {
            key: {"workloadId": entry.workload_id, "label": entry.label, "applied": entry.applied}
            for key, entry in sorted(state.workloads.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(canonical_json(data), encoding="utf-8")
    temporary.replace(path)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One `manifold runai apply` per state file at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f"{path.name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputProblem(
                f"another `manifold runai apply` is using {path}; run again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
