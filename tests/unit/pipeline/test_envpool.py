"""envpool: environments rendered in forked processes give what one process gives."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import DriftFound
from manifold.core.jobs import JOBS_VARIABLE
from manifold.core.kept import ShadowFile
from manifold.core.options import CheckOptions
from manifold.output import writer
from manifold.pipeline import commands as pipeline
from manifold.pipeline import envpool
from manifold.reuse import treestate
from tests.conftest import edit, run_cli, tree_bytes

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="environments are forked on Linux only"
)


def _build(
    root: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> tuple[dict[str, object], list[Diagnostic]]:
    monkeypatch.setenv(JOBS_VARIABLE, str(jobs))
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


def test_a_worker_renders_one_environment_and_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker done with its environment gives its memory back instead of idling until the
    others are done: each environment is rendered by a process of its own."""
    monkeypatch.setenv(JOBS_VARIABLE, "2")
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
    monkeypatch.setenv(JOBS_VARIABLE, str(jobs))
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


def test_one_environment_renders_in_a_worker_while_this_process_does_its_own_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With fewer environments than CPUs (`check -e ENV` in CI), a worker renders while this
    process does its `meanwhile` at once: the worker waits for a mark `meanwhile` leaves,
    which it would never see if `meanwhile` ran only after the environment was back."""
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    mark = tmp_path / "meanwhile-ran"

    def render(self: object, name: str) -> tuple[tuple[str, int, bool], list[Diagnostic]]:
        deadline = time.monotonic() + 10
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return (name, os.getpid(), mark.exists()), []

    monkeypatch.setattr(envpool.EnvironmentPool, "render", render)
    pool = envpool.EnvironmentPool({}, None, None, None, None, {})  # type: ignore[arg-type]
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(os.getpid())
        mark.touch()

    [(rendered, _)] = pool.render_all(["dev"], envpool.PARALLEL_FROM, meanwhile)
    assert rendered == ("dev", rendered[1], True)  # type: ignore[index]
    assert rendered[1] != os.getpid()  # type: ignore[index]
    assert calls == [os.getpid()]
    # Without work of its own, one environment is not worth a process.
    [(alone, _)] = pool.render_all(["dev"], envpool.PARALLEL_FROM)
    assert alone[1] == os.getpid()  # type: ignore[index]


def test_a_cold_check_reads_rendered_while_the_environments_render(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing to reuse, `check` reads rendered/ and compares schemas/ as the build's
    `meanwhile`; the answer is the one a check with everything read first gives."""
    monkeypatch.setenv(JOBS_VARIABLE, "2")
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


# --------------------------------------------------------------------------- worker writes


_WRITE_TREE = writer.write_tree


def _record(root: Path) -> tuple[object, ...]:
    """What the record says of the tree, less what differs between any two writes: times,
    inodes, and where the shadow differs (files written within the racy window of the
    record are read again by the next run, and so counted as differing, or not)."""
    record = treestate.load_record(root / writer.WORK_DIR)
    entries = {p: (e.size, e.digest, e.generated) for p, e in record.entries.items()}
    return entries, record.shadow_clean


@dataclass
class _Rendered:
    exit_code: int
    output: str
    tree: dict[str, bytes]
    record: tuple[object, ...]
    workers_wrote: list[bool]
    """For each call of the writer: whether workers had written into the shadow."""

    def same(self) -> tuple[object, ...]:
        return self.exit_code, self.output, self.tree, self.record


def _render(root: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, *args: str) -> _Rendered:
    """`manifold render ARGS` with `jobs` processes."""
    monkeypatch.setenv(JOBS_VARIABLE, str(jobs))
    monkeypatch.setattr(envpool, "PARALLEL_FROM", 0)  # the example has four projects
    seen: list[bool] = []

    def spy(root: Path, wanted: Mapping[str, object], *rest: object) -> object:
        seen.append(any(isinstance(c, ShadowFile) for c in wanted.values()))
        return _WRITE_TREE(root, wanted, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "write_tree", spy)
    result = run_cli("render", "-C", str(root), *args)
    output = result.stdout + result.stderr
    return _Rendered(result.exit_code, output, tree_bytes(root / "rendered"), _record(root), seen)


def _steps(root: Path) -> list[tuple[tuple[str, ...], Callable[[], None]]]:
    """Each step's arguments to `render`, and what it does first. Deleting `.manifold/`
    makes the next render build its shadow afresh."""
    project = root / "projects/code-assistant.yaml"
    work = root / writer.WORK_DIR
    prod_file = root / "rendered/prod/chat-assistant/inferenceservice-chat.yaml"

    def forget() -> None:
        shutil.rmtree(work, ignore_errors=True)

    def from_nothing() -> None:
        shutil.rmtree(root / "rendered")
        forget()

    def a_problem() -> None:
        edit(project, "model: qwen2-5-coder-7b-instruct", "model: qwen-not-there")
        forget()

    def mended() -> None:
        edit(project, "model: qwen-not-there", "model: qwen2-5-coder-7b-instruct")

    def a_foreign_file() -> None:
        (root / "rendered/dev/NOTES.md").write_text("the team's own\n")

    def an_edit() -> None:
        edit(project, "cc-5120", "cc-5121")
        forget()

    def edited_by_hand() -> None:
        with prod_file.open("a") as handle:
            handle.write("# edited\n")
        forget()

    def in_the_way() -> None:
        prod_file.write_text("no longer manifold's\n")
        forget()

    def out_of_the_way() -> None:
        prod_file.unlink()
        (work / treestate.SHADOW_UNCLEAN).touch()

    return [
        (("-e", "dev"), from_nothing),
        (("--shard", "1/2"), forget),
        ((), a_problem),
        ((), mended),
        ((), a_foreign_file),
        ((), an_edit),
        ((), forget),
        ((), edited_by_hand),
        ((), in_the_way),
        ((), out_of_the_way),
        ((), lambda: None),
    ]


def test_workers_writing_the_shadow_give_the_tree_one_process_gives(
    tmp_path: Path, example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render whose forked workers write their files into a fresh shadow and a render in
    one process give the same output, tree and record, step after step (from nothing, `-e`,
    `--shard`, a problem, foreign and hand-edited files, a foreign file in the way,
    `.manifold/` deleted, an unclean shadow); and workers did write where they could."""
    one = tmp_path / "one"
    shutil.copytree(example_repo, one)
    worker_wrote: list[bool | None] = []
    exits = []
    for (args, change), (_, same_change) in zip(_steps(example_repo), _steps(one), strict=True):
        change()
        same_change()
        forked = _render(example_repo, monkeypatch, 2, *args)
        alone = _render(one, monkeypatch, 1, *args)
        assert forked.same() == alone.same(), args
        assert alone.workers_wrote in ([], [False])
        worker_wrote.append(forked.workers_wrote[0] if forked.workers_wrote else None)
        exits.append(forked.exit_code)
    assert exits == [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
    # -e: one environment, one process; a problem, or nothing changed at all: no writing; a
    # shadow to bring up to date: by the main process; .manifold/ deleted but nothing
    # changed: workers find every file in rendered/ already.
    expected = [False, True, None, True, False, True, False, True, True, True, None]
    assert worker_wrote == expected
