"""envpool: environments rendered in forked processes give what one process gives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostic
from manifold.pipeline import commands as pipeline
from manifold.pipeline import envpool
from tests.conftest import edit

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="environments are forked on Linux only"
)


def _build(
    root: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> tuple[dict[str, object], list[Diagnostic]]:
    monkeypatch.setenv(envpool.JOBS_VARIABLE, str(jobs))
    monkeypatch.setattr(envpool, "PARALLEL_FROM", 0)  # the example has four projects
    built, diagnostics = pipeline.build(root)
    return dict(built.files), list(diagnostics)


def test_forked_and_sequential_builds_are_the_same(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, diagnostics = _build(example_repo, monkeypatch, 1)
    assert _build(example_repo, monkeypatch, 2) == (files, diagnostics)
    assert len({path.split("/", 1)[0] for path in files}) >= 3


def test_forked_builds_report_every_environments_problems_in_order(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(example_repo / "projects/code-assistant.yaml", "model: qwen2-5-coder-7b-instruct",
         "model: qwen-that-is-not-there")  # fmt: skip
    files, diagnostics = _build(example_repo, monkeypatch, 1)
    assert any("qwen-that-is-not-there" in d.message for d in diagnostics)
    assert _build(example_repo, monkeypatch, 3) == (files, diagnostics)


def test_the_number_of_processes_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(envpool.JOBS_VARIABLE, "3")
    assert envpool.jobs_wanted() == 3
    monkeypatch.setenv(envpool.JOBS_VARIABLE, "none")  # not a number: one per CPU
    assert envpool.jobs_wanted() >= 1


def test_a_worker_renders_one_environment_and_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker done with its environment gives its memory back instead of idling until the
    others are done: each environment is rendered by a process of its own."""
    monkeypatch.setenv(envpool.JOBS_VARIABLE, "2")
    monkeypatch.setattr(envpool.EnvironmentPool, "render", lambda self, name: (os.getpid(), []))
    pool = envpool.EnvironmentPool({}, None, None, None, None, {})  # type: ignore[arg-type]
    rendered = pool.render_all(["dev", "staging", "prod"], fresh_projects=envpool.PARALLEL_FROM)
    processes: list[object] = [pid for pid, _ in rendered]
    assert len(set(processes)) == 3
    assert os.getpid() not in processes
