"""pipeline.drift: what `check` says of rendered/ and schemas/ besides the build."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from manifold.core.errors import DriftFound
from manifold.core.jobs import JOBS_VARIABLE
from manifold.core.kept import ComparedFile, KeptFile
from manifold.core.options import CheckOptions
from manifold.output import writer
from manifold.output.writer import Changes
from manifold.pipeline import commands as pipeline
from manifold.pipeline import drift, envpool
from manifold.reuse import treestate
from tests.conftest import edit


def test_schema_drift_names_a_schema_file_out_of_date(example_repo: Path) -> None:
    assert drift.schema_drift(example_repo) == []
    schema = next(p for p in sorted((example_repo / "schemas").rglob("*.json")))
    schema.write_text("{}\n")
    [found] = drift.schema_drift(example_repo)
    assert found.file == schema.relative_to(example_repo).as_posix()
    assert "stale: run `manifold schemas generate`" in found.message


def test_a_missing_schema_file_is_named(example_repo: Path) -> None:
    schema = next(p for p in sorted((example_repo / "schemas").rglob("*.json")))
    schema.unlink()
    [found] = drift.schema_drift(example_repo)
    assert (found.file, found.message) == (
        schema.relative_to(example_repo).as_posix(),
        "missing: run `manifold schemas generate`",
    )


def test_each_change_of_rendered_is_told_with_what_to_do() -> None:
    changes = Changes(added=("dev/a.yaml",), changed=("dev/b.yaml",), removed=("dev/c.yaml",))
    assert [(d.file, d.message) for d in drift.rendered_drift(changes)] == [
        ("rendered/dev/a.yaml", "missing: run `manifold render`"),
        ("rendered/dev/b.yaml", "differs from what the inputs produce: run `manifold render`"),
        ("rendered/dev/c.yaml", "no longer produced by the inputs: run `manifold render`"),
    ]


def test_the_side_work_reads_rendered_once_and_schemas_only_when_owned(example_repo: Path) -> None:
    side = drift.CheckSideWork(example_repo, schemas_owned=False)
    assert side.generated() == {}
    (example_repo / "schemas" / "manifold.dev" / "project_v1alpha1.json").write_text("{}\n")
    side()
    assert side.schemas == []  # another shard owns schemas/
    assert side.generated()  # rendered/ was read
    current = side.tree()
    side.read_tree()
    assert side.tree() is current
    owner = drift.CheckSideWork(example_repo, schemas_owned=True)
    owner()
    assert [d.file for d in owner.schemas] == ["schemas/manifold.dev/project_v1alpha1.json"]


def test_a_worker_sends_back_the_digest_a_read_of_the_written_file_gives() -> None:
    kept = KeptFile("0" * 32)
    compared = drift.CompareByDigest().write({"dev/a.yaml": "a: ü\n", "dev/b.yaml": kept})
    assert compared == {
        "dev/a.yaml": ComparedFile(treestate.digest("a: ü\n".encode())),
        "dev/b.yaml": kept,
    }


def _drift_of_a_cold_check(root: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> list[str]:
    monkeypatch.setenv(JOBS_VARIABLE, str(jobs))
    monkeypatch.setattr(envpool, "PARALLEL_FROM", 0)  # the example has four projects
    shutil.rmtree(root / ".manifold", ignore_errors=True)
    with pytest.raises(DriftFound) as found:
        pipeline.check(CheckOptions(root), None)
    return [f"{d.file}: {d.message}" for d in found.value.diagnostics]


def test_workers_comparing_by_digest_find_what_one_process_finds(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold check with forked workers compares the digests they send back; with one process
    it compares texts: the drift is the same, file by file."""
    compared: list[object] = []  # what the comparison got, file by file
    diff_tree = writer.diff_tree

    def spy(current: Any, wanted: Any, scope: Any) -> Any:
        compared.extend(wanted.values())
        return diff_tree(current, wanted, scope)

    monkeypatch.setattr(writer, "diff_tree", spy)
    rendered = example_repo / "rendered"
    edited = next(p for p in sorted(rendered.rglob("*.yaml")) if "prod/" in p.as_posix())
    edited.write_text(edited.read_text() + "# by hand\n")
    next(p for p in sorted(rendered.rglob("*.yaml")) if "dev/" in p.as_posix()).unlink()
    edit(example_repo / "projects/code-assistant.yaml", "cc-5120", "cc-5121")
    forked = _drift_of_a_cold_check(example_repo, monkeypatch, 2)
    assert any(isinstance(file, ComparedFile) for file in compared)
    assert not any(
        isinstance(file, bytes) and b"kind: InferenceService" in file for file in compared
    )
    compared.clear()
    assert forked == _drift_of_a_cold_check(example_repo, monkeypatch, 1)
    assert not any(isinstance(file, ComparedFile) for file in compared)
    assert len(forked) >= 3
