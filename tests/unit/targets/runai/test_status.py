"""`status`: for every workload an environment renders or recorded, its phase on the control
plane, whether it matches rendered/, and its latest throughput and latency; what cannot be
read is a warning, not a failure. Run against the Run:ai control plane of
tests/runai_server.py, on the runai-inference case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manifold.targets.runai import reconcile
from manifold.targets.runai.client import RetryPolicy
from manifold.targets.runai.command_options import RunaiApplyOptions, RunaiStatusOptions
from manifold.targets.runai.status import status
from tests import runai_server
from tests.conftest import SHARED, SHARED_MISSING, run_cli

TOKEN = "status-token"
WORKLOADS = ["code/complete", "code/small", "search/embed"]

pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"{SHARED_MISSING} (the server validates against the seed)"
)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[runai_server.RunningServer]:
    monkeypatch.setenv("RUNAI_TOKEN", TOKEN)
    monkeypatch.setattr(reconcile, "RETRY", RetryPolicy(attempts=1, backoff=0.001))
    with runai_server.serve(TOKEN) as running:
        yield running
    assert running.plane.faults == []


@pytest.fixture
def repo(tmp_path: Path, server: runai_server.RunningServer) -> Path:
    runai_server.copy_case(tmp_path, server.url)
    assert run_cli("render", "-C", str(tmp_path), "--env", "dev").exit_code == 0
    return tmp_path


def test_before_apply_every_workload_is_not_created(repo: Path) -> None:
    outcome = status(RunaiStatusOptions(repo, "dev"))
    rows = outcome.details["workloads"]
    assert [(r["workload"], r["phase"], r["sync"]) for r in rows] == [
        (label, None, "not created") for label in WORKLOADS
    ]
    assert outcome.diagnostics == []
    lines = outcome.summary.splitlines()
    assert lines[0].startswith("Run:ai workloads of environment dev at http://127.0.0.1:")
    assert lines[1].split() == [
        "WORKLOAD", "PROJECT", "WORKLOAD", "ID", "PHASE", "SYNC", "THROUGHPUT", "LATENCY",
    ]  # fmt: skip
    assert lines[2].split() == ["code/complete", "12", "-", "-", "not", "created", "-", "-"]
    # the columns line up: every cell starts where its header does
    assert lines[2].index("12") == lines[1].index("PROJECT")


def test_after_apply_phase_sync_and_latest_metrics(
    repo: Path, server: runai_server.RunningServer
) -> None:
    reconcile.apply(RunaiApplyOptions(repo, "dev"), None)
    ids = {w["name"]: workload_id for workload_id, w in server.plane.workloads.items()}
    del server.plane.workloads[ids["embed"]]  # deleted by someone else
    server.plane.fail(503, method="GET", name="small")  # the next look at it fails
    outcome = status(RunaiStatusOptions(repo, "dev"))
    rows = {row["workload"]: row for row in outcome.details["workloads"]}
    complete = rows["code/complete"]
    assert (complete["phase"], complete["sync"]) == ("Running", "in sync")
    # the latest sample of each metric, by timestamp
    assert (complete["throughput"], complete["latency"]) == ("4.25", "0.2")
    assert (rows["search/embed"]["phase"], rows["search/embed"]["sync"]) == (
        "Deleted",
        "deleted outside manifold",
    )
    assert rows["code/small"]["phase"] is None
    [warning] = outcome.diagnostics
    assert warning.message.startswith("code/small: cannot read it: ")
    assert warning.file == str(repo / ".manifold/runai/dev.json")
