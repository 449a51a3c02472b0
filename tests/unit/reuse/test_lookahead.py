"""The no-op check's look at rendered/ started ahead (`manifold.reuse.lookahead`): started
for what looks like a render or check of a repository with a stamp, used only for the same
repository and the stamp's own time, and never the cause of another answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manifold.core.jobs import JOBS_VARIABLE
from manifold.reuse import fastpath, lookahead, stampcheck, treestamp, treesurvey, workdir
from tests.conftest import run_cli


@pytest.fixture(autouse=True)
def _nothing_left_ahead() -> Iterator[None]:
    yield
    ahead = lookahead.take(Path())
    if ahead is not None:
        ahead.close()


@pytest.fixture
def rendered_repo(example_repo: Path) -> Path:
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    assert (example_repo / workdir.WORK_DIR / treestamp.STAMP_FILE).is_file()
    return example_repo


def test_the_stamp_and_rendered_are_where_the_rest_of_manifold_puts_them() -> None:
    assert Path(workdir.WORK_DIR, treestamp.STAMP_FILE) == Path(lookahead._STAMP)
    assert lookahead._RENDERED == "rendered"


@pytest.mark.parametrize(
    ("arguments", "root"),
    [
        (["render"], "."),
        (["check", "-e", "dev"], "."),
        (["render", "-C", "repo"], "repo"),
        (["check", "--root", "repo", "--format", "json"], "repo"),
        (["render", "--root=repo"], "repo"),
        (["render", "-Crepo"], "repo"),
        (["render", "--watch"], None),
        (["check", "--help"], None),
        (["diff", "-C", "repo"], None),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_repository_a_command_line_names(arguments: list[str], root: str | None) -> None:
    assert lookahead._root(arguments) == root


def test_one_process_allowed_no_child(rendered_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    lookahead.start(["render", "-C", str(rendered_repo)])
    assert lookahead.take(rendered_repo) is None


def test_no_stamp_no_child(example_repo: Path) -> None:
    lookahead.start(["render", "-C", str(example_repo)])
    assert lookahead.take(example_repo) is None


def test_the_survey_ahead_is_the_one_the_check_would_make(rendered_repo: Path) -> None:
    stamp = treestamp.load_stamp(rendered_repo / workdir.WORK_DIR)
    assert stamp is not None
    lookahead.start(["check", "-C", str(rendered_repo)])
    ahead = lookahead.take(rendered_repo)
    assert ahead is not None
    since = stampcheck.racy_since(stamp)
    assert ahead.survey(since) == treesurvey.survey(rendered_repo / "rendered", since)
    assert lookahead.take(rendered_repo) is None  # taken once


def test_a_survey_from_another_time_is_not_used(rendered_repo: Path) -> None:
    lookahead.start(["render", "-C", str(rendered_repo)])
    ahead = lookahead.take(rendered_repo)
    assert ahead is not None
    assert ahead.survey(12345) is None


def test_a_survey_of_another_repository_is_stopped(rendered_repo: Path, tmp_path: Path) -> None:
    lookahead.start(["render", "-C", str(rendered_repo)])
    assert lookahead.take(tmp_path / "elsewhere") is None
    assert lookahead.take(rendered_repo) is None


def test_a_stamp_the_child_cannot_read_leaves_the_look_to_the_check(rendered_repo: Path) -> None:
    (rendered_repo / lookahead._STAMP).write_text('{"written_ns": "soon"}')
    lookahead.start(["render", "-C", str(rendered_repo)])
    ahead = lookahead.take(rendered_repo)
    assert ahead is not None
    assert ahead.survey(0) is None


def test_a_no_op_render_answers_from_the_survey_ahead(
    rendered_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookahead.start(["render", "-C", str(rendered_repo)])
    # Only the child, forked before this, may look at rendered/ now.
    monkeypatch.setattr(treesurvey, "survey", lambda *args: pytest.fail("looked again"))
    result = run_cli("render", "-C", str(rendered_repo))
    assert result.exit_code == 0 and "up to date" in result.stdout


def test_a_render_with_changed_inputs_stops_the_survey_ahead(
    rendered_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = next((rendered_repo / "projects").glob("*.yaml"))
    project.write_text(project.read_text() + "\n# changed\n")
    lookahead.start(["render", "-C", str(rendered_repo)])
    closed: list[int] = []
    close = lookahead.Ahead.close

    def counted(self: lookahead.Ahead) -> None:
        closed.append(1)
        close(self)

    monkeypatch.setattr(lookahead.Ahead, "close", counted)
    assert run_cli("render", "-C", str(rendered_repo)).exit_code == 0
    assert closed == [1]


def test_fastpath_takes_what_was_started(rendered_repo: Path) -> None:
    """What the check takes is gone after it: a later render in the same process (a watch)
    looks for itself."""
    lookahead.start(["render", "-C", str(rendered_repo)])
    digest = fastpath.inputs_digest(rendered_repo, "render")
    assert fastpath.unchanged(rendered_repo, "render", digest) is not None
    assert lookahead.take(rendered_repo) is None


@pytest.mark.parametrize("written_ns", [0, 1, 1796509424452372923])
def test_the_child_reads_the_time_of_a_stamp_as_manifold_writes_it(
    tmp_path: Path, written_ns: int
) -> None:
    """The child reads the stamp's time without `json`; a stamp written by manifold's own
    writer must read back the same (the racy digests and their names come before it)."""
    stamp = treestamp.Stamp(written_ns, "0" * 32, {"written_ns": "1" * 32})
    treestamp.save_stamp(tmp_path, stamp)
    assert lookahead._stamp_time(str(tmp_path / treestamp.STAMP_FILE)) == written_ns


@pytest.mark.parametrize(
    "text", ["", "{}", '{"written_ns": "soon"}', '{"written_ns": -4}', '{"written_ns": 1.5}']
)
def test_a_stamp_time_the_child_cannot_read_is_none(tmp_path: Path, text: str) -> None:
    (tmp_path / "stamp.json").write_text(text)
    assert lookahead._stamp_time(str(tmp_path / "stamp.json")) is None
    assert lookahead._stamp_time(str(tmp_path / "absent.json")) is None
