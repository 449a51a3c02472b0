"""envpool: environments rendered in forked processes give what one process gives."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import DriftFound
from manifold.core.options import CheckOptions
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


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_results_keep_the_order_of_the_environments_and_meanwhile_runs_once(
    monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Workers' results arrive as they finish (the first one back frees a CPU for the main
    process's own work); they are returned in the order asked, whichever finished first."""
    monkeypatch.setenv(envpool.JOBS_VARIABLE, str(jobs))
    delays = {"dev": 0.3, "staging": 0.0, "prod": 0.1}  # dev, asked first, finishes last

    def render(self: object, name: str) -> tuple[str, list[Diagnostic]]:
        time.sleep(delays[name])
        return name, []

    monkeypatch.setattr(envpool.EnvironmentPool, "render", render)
    pool = envpool.EnvironmentPool({}, None, None, None, None, {})  # type: ignore[arg-type]
    calls: list[int] = []
    rendered = pool.render_all(
        ["dev", "staging", "prod"],
        fresh_projects=envpool.PARALLEL_FROM,
        meanwhile=lambda: calls.append(os.getpid()),
    )
    names: list[object] = [name for name, _ in rendered]
    assert names == ["dev", "staging", "prod"]
    assert calls == [os.getpid()]  # once, in this process


def test_a_cold_check_reads_rendered_while_the_environments_render(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing to reuse, `check` reads rendered/ and compares schemas/ as the build's
    `meanwhile`; the answer is the one a check with everything read first gives."""
    monkeypatch.setenv(envpool.JOBS_VARIABLE, "2")
    monkeypatch.setattr(envpool, "PARALLEL_FROM", 0)
    cold = pipeline.check(CheckOptions(example_repo), None)
    assert pipeline.project_cache(example_repo).names(), "the cold check kept its results"
    warm = pipeline.check(CheckOptions(example_repo), None)
    assert (cold.summary, cold.diagnostics) == (warm.summary, warm.diagnostics)
    schema = example_repo / "schemas/manifold.dev/project_v1alpha1.json"
    schema.write_text(schema.read_text() + "\n")
    shutil.rmtree(example_repo / ".manifold")
    with pytest.raises(DriftFound) as drift:
        pipeline.check(CheckOptions(example_repo), None)
    assert [d.file for d in drift.value.diagnostics] == [
        "schemas/manifold.dev/project_v1alpha1.json"
    ]
