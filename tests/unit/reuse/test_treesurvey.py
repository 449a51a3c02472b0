"""A survey of rendered/ (`manifold.reuse.treesurvey`): split between this process and a
forked child, or made by one process, it is the same survey, whatever the tree holds and
wherever it changed; a child that sends nothing leaves it the same too."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manifold.core import forked
from manifold.core.jobs import JOBS_VARIABLE
from manifold.reuse import treesurvey
from manifold.reuse.treesurvey import Survey

FOLDERS = treesurvey.SPLIT_FROM + 3


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    root = tmp_path / "rendered"
    for index in range(FOLDERS):
        folder = root / ("dev" if index % 2 else "prod") / f"ns-{index:03}"
        (folder / "deep").mkdir(parents=True)
        (folder / "a.yaml").write_bytes(b"a")
        (folder / "deep" / "b.yaml").write_bytes(str(index).encode())
    (root / "README.md").write_bytes(b"mine\n")
    (root / "dev" / "kustomization.yaml").write_bytes(b"k")
    (root / "dev" / "ns-001" / "link").symlink_to("a.yaml")
    return root


def _alone(rendered: Path, since_ns: int, monkeypatch: pytest.MonkeyPatch) -> Survey | None:
    with monkeypatch.context() as patched:
        patched.setattr(treesurvey, "SPLIT_FROM", 1 << 30)
        return treesurvey.survey(rendered, since_ns)


def _lines(rendered: Path) -> list[str]:
    """The stat lines of every file, from a plain walk."""
    lines = []
    for relative, entry in treesurvey.files_below(rendered):
        stat = entry.stat(follow_symlinks=False)
        lines.append(treesurvey.stat_line(relative, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return lines


@pytest.mark.parametrize(
    "change",
    [
        "none",
        "a file edited in the child's half",
        "a file added in this process's half",
        "a namespace removed",
        "a file beside the environments",
    ],
)
def test_split_or_alone_the_survey_is_the_same(
    rendered: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    if change == "a file edited in the child's half":
        (rendered / "prod/ns-000/a.yaml").write_bytes(b"edited")
    elif change == "a file added in this process's half":
        (rendered / "dev/ns-001/deep/c.yaml").write_bytes(b"c")
    elif change == "a namespace removed":
        for path in sorted((rendered / "dev/ns-003").rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        (rendered / "dev/ns-003").rmdir()
    elif change == "a file beside the environments":
        (rendered / "NOTES").write_bytes(b"n")
    started: list[int] = []
    start = forked.Child.start

    def counted(work: Callable[[], Any]) -> forked.Child:
        started.append(1)
        return start(work)

    monkeypatch.setattr(forked.Child, "start", counted)
    split = treesurvey.survey(rendered, 0)
    assert started == [1]
    assert split is not None
    assert split == _alone(rendered, 0, monkeypatch)
    assert split.stats == treesurvey.stats_digest(_lines(rendered))


def test_recent_files_are_read_in_either_half(
    rendered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = (rendered / "README.md").stat().st_mtime_ns + 10**12
    for relative in ("prod/ns-000/a.yaml", "dev/ns-001/deep/b.yaml", "dev/ns-001/link"):
        os.utime(rendered / relative, ns=(later, later), follow_symlinks=False)
    found = treesurvey.survey(rendered, later)
    assert found is not None
    assert found.recent == {
        "prod/ns-000/a.yaml": treesurvey.read_digest(str(rendered / "prod/ns-000/a.yaml"), 1)[0],
        "dev/ns-001/deep/b.yaml": treesurvey.read_digest(
            str(rendered / "dev/ns-001/deep/b.yaml"), 1
        )[0],
        "dev/ns-001/link": "",  # a link is never followed
    }
    assert found == _alone(rendered, later, monkeypatch)


def test_a_child_that_sends_nothing_leaves_the_survey_the_same(
    rendered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = forked.Child.start
    monkeypatch.setattr(forked.Child, "start", lambda work: start(lambda: os._exit(3)))
    assert treesurvey.survey(rendered, 0) == _alone(rendered, 0, monkeypatch)


def test_a_small_tree_is_looked_at_by_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dev" / "ns").mkdir(parents=True)
    (tmp_path / "dev" / "ns" / "a.yaml").write_bytes(b"a")
    monkeypatch.setattr(forked.Child, "start", lambda work: pytest.fail("forked"))
    found = treesurvey.survey(tmp_path, 0)
    assert found is not None and set(found.recent) == {"dev/ns/a.yaml"}


def test_unsplit_it_is_the_same_survey_without_a_child(
    rendered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    split = treesurvey.survey(rendered, 0)
    monkeypatch.setattr(forked.Child, "start", lambda work: pytest.fail("forked"))
    assert treesurvey.survey(rendered, 0, split=False) == split


def test_one_process_allowed_never_forks(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    split = treesurvey.survey(rendered, 0)
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    monkeypatch.setattr(forked.Child, "start", lambda work: pytest.fail("forked"))
    assert treesurvey.survey(rendered, 0) == split


def test_an_empty_tree_has_no_stats_and_a_missing_one_no_survey(tmp_path: Path) -> None:
    assert treesurvey.survey(tmp_path, 0) == Survey("", {})
    assert treesurvey.survey(tmp_path / "absent", 0) is None
