"""A survey of rendered/ (`manifold.reuse.treesurvey`): shared between this process and a
forked child, or made by one process, it is the same survey, whatever the tree holds and
wherever it changed; a child that sends nothing leaves it the same too, and a look that does
not account for every folder once is none."""

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


def test_the_digest_of_the_lines_is_the_one_a_survey_makes_folder_by_folder(
    rendered: Path,
) -> None:
    """The stamp digests the record's lines (`stats_digest`); a survey digests each folder
    two levels down apart (`folder_digest`) and joins them: the two must agree."""
    (rendered / "dev" / "ns-00").mkdir()  # a name that sorts beside "dev/ns-001/"
    (rendered / "dev" / "ns-00" / "x.yaml").write_bytes(b"x")
    (rendered / "dev" / "ns-001.yaml").write_bytes(b"beside")  # a file near, sorted among them
    found = treesurvey.survey(rendered, 0, split=False)
    assert found is not None
    assert found.stats == treesurvey.stats_digest(_lines(rendered))
    assert found.stats == treesurvey.stats_digest(sorted(_lines(rendered), reverse=True))


@pytest.mark.parametrize(
    ("relative", "group"),
    [
        ("README.md", ""),
        ("dev/kustomization.yaml", ""),
        ("dev/ns/a.yaml", "dev/ns/"),
        ("dev/ns/deep/b.yaml", "dev/ns/"),
    ],
)
def test_the_group_of_a_file_is_its_folder_two_levels_down(relative: str, group: str) -> None:
    assert treesurvey.group_of(relative) == group


def _taking_all(rendered: Path) -> treesurvey.Chunks:
    """Chunks offered as a child started ahead offers them (`lead`), none taken yet."""
    chunks = treesurvey.Chunks.made()
    _, folders = treesurvey._two_levels(str(rendered))
    chunks.offer(folders)
    return chunks


def test_the_check_takes_every_chunk_the_child_left(
    rendered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that looked only at the files near (it got no chunk before the check was
    ready): the check looks at every folder, and the survey is the whole one."""
    chunks = _taking_all(rendered)
    near = treesurvey._look(str(rendered), [], 0, treesurvey._two_levels(str(rendered))[0])
    try:
        found = treesurvey.follow(str(rendered), 0, chunks, lambda: near)
    finally:
        chunks.close()
    assert found == _alone(rendered, 0, monkeypatch)


@pytest.mark.parametrize(
    "child",
    [
        "looked at the rest",
        "sent nothing",
        "a folder vanished",
        "looked at one twice",
        "missed one",
    ],
)
def test_a_look_that_does_not_account_for_every_folder_once_is_none(
    rendered: Path, child: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    near, folders = treesurvey._two_levels(str(rendered))
    mine = treesurvey._look(str(rendered), folders[:10], 0)
    rest = treesurvey._look(str(rendered), folders[10:], 0, near)
    assert mine and rest
    theirs: dict[str, treesurvey.Looked | None] = {
        "looked at the rest": rest,
        "sent nothing": None,
        "a folder vanished": (),
        "looked at one twice": treesurvey._look(str(rendered), folders[9:], 0, near),
        "missed one": treesurvey._look(str(rendered), folders[11:], 0, near),
    }
    joined = treesurvey.joined(folders, mine, theirs[child])
    if child == "looked at the rest":
        assert joined == _alone(rendered, 0, monkeypatch)
    else:
        assert joined is None
