"""The no-op fast path answers only when nothing the answer depends on has changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manifold.commands import recorded
from manifold.core.options import CheckOptions, RenderOptions
from manifold.core.outcome import Outcome
from manifold.pipeline import commands as pipeline
from manifold.reuse import fastpath, treestamp, treestate


def _render(repo: Path) -> Outcome:
    return recorded.render(RenderOptions(repo), lambda _: None, None)


@pytest.fixture
def rendered_repo(example_repo: Path) -> Path:
    _render(example_repo)
    time.sleep(0.06)  # past the racy window of the files just written
    _render(example_repo)  # renews the record; from now on a no-op is answered
    return example_repo


def _forbid_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> Outcome:
        raise AssertionError("the fast path should have answered")

    monkeypatch.setattr(pipeline, "render", refuse)
    monkeypatch.setattr(pipeline, "check", refuse)


def test_nothing_changed_is_answered_from_the_record(
    rendered_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_work(monkeypatch)
    assert "up to date" in _render(rendered_repo).summary


def test_warnings_are_told_again(example_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dev = example_repo / "environments/dev.yaml"
    dev.write_text(
        dev.read_text() + "  patches:\n  - target: {kind: Nothing}\n    mergePatch: {a: 1}\n"
    )
    first = _render(example_repo)
    time.sleep(0.06)
    _render(example_repo)
    _forbid_work(monkeypatch)
    again = _render(example_repo)
    assert [d.message for d in again.diagnostics] == [d.message for d in first.diagnostics]
    assert any("selects no rendered object" in d.message for d in again.diagnostics)


@pytest.mark.parametrize(
    "change",
    [
        lambda repo: (repo / "projects/semantic-search.yaml").write_text(
            (repo / "projects/semantic-search.yaml").read_text() + "\n"
        ),
        lambda repo: (repo / "environments/notes.md").write_text("an input folder's file\n"),
        lambda repo: (repo / "rendered/dev/ml-platform/kustomization.yaml").write_text("edited\n"),
        lambda repo: (repo / "rendered/dev/ml-platform/kustomization.yaml").unlink(),
        lambda repo: (repo / "rendered/dev/extra.txt").write_text("new\n"),
    ],
    ids=["input edited", "input added", "output edited", "output deleted", "output added"],
)
def test_any_change_is_seen(rendered_repo: Path, change: object) -> None:
    change(rendered_repo)  # type: ignore[operator]
    digest = fastpath.inputs_digest(rendered_repo, "render")
    assert fastpath.unchanged(rendered_repo, "render", digest) is None


def test_new_code_is_a_change(rendered_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "code_fingerprint", lambda: b"another version")
    digest = fastpath.inputs_digest(rendered_repo, "render")
    assert fastpath.unchanged(rendered_repo, "render", digest) is None


def test_options_are_part_of_the_answer(rendered_repo: Path) -> None:
    digest = fastpath.inputs_digest(rendered_repo, "render", ("dev",))
    assert fastpath.unchanged(rendered_repo, "render", digest) is None


def test_check_remembers_only_a_pass(rendered_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorded.check(CheckOptions(rendered_repo), None)
    _forbid_work(monkeypatch)
    assert "up to date" in recorded.check(CheckOptions(rendered_repo), None).summary


@pytest.mark.parametrize("special", ["fifo", "device"])
def test_inputs_are_hashed_as_the_compiler_reads_them(example_repo: Path, special: str) -> None:
    """A FIFO or a link to an endless device is not read (which would never end), only named;
    a plain file is hashed by its bytes."""
    target = example_repo / "projects" / "special.yaml"
    if special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    result = subprocess.run(
        [sys.executable, "-m", "manifold", "render", "-C", str(example_repo)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "projects/special.yaml" in result.stderr
    before = fastpath.inputs_digest(example_repo, "render")
    (example_repo / "projects" / "chat-assistant.yaml").write_text("changed\n", encoding="utf-8")
    assert fastpath.inputs_digest(example_repo, "render") != before


def test_a_render_that_wrote_files_is_answered_as_up_to_date(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after a render that wrote files, the record answers (the files it wrote are read
    back, not distrusted for being recent), and it says there is nothing to do."""
    shutil.rmtree(example_repo / "rendered")
    first = _render(example_repo)
    assert "added" in first.summary
    _forbid_work(monkeypatch)
    again = _render(example_repo)
    assert again.summary.startswith("rendered/ is up to date (")


def test_an_outcome_holds_only_for_the_tree_it_was_recorded_with(rendered_repo: Path) -> None:
    """A render killed after it recorded rendered/ but before its outcome: the outcome left
    from before is of another tree, and is not the answer even if the stat agrees."""
    work = rendered_repo / ".manifold"
    record = treestate.load_record(work)
    record.written_ns += 1
    treestate.save_record(work, record)
    digest = fastpath.inputs_digest(rendered_repo, "render")
    assert fastpath.unchanged(rendered_repo, "render", digest) is None


def test_a_record_without_its_stamp_is_stamped_by_the_next_render(rendered_repo: Path) -> None:
    """A `.manifold/` from a version before stamps: the render that the no-op check gave way
    to writes nothing, yet leaves the stamp, so that the run after it is answered at once."""
    (rendered_repo / ".manifold" / treestamp.STAMP_FILE).unlink()
    digest = fastpath.inputs_digest(rendered_repo, "render")
    assert fastpath.unchanged(rendered_repo, "render", digest) is None
    assert "up to date" in _render(rendered_repo).summary
    assert fastpath.unchanged(rendered_repo, "render", digest) is not None


def test_a_no_op_imports_neither_the_compiler_nor_the_yaml_parser(rendered_repo: Path) -> None:
    """The no-op answer's cost is mostly imports: it loads only what answers it."""
    code = (
        "import sys; from manifold.cli.main import main; sys.argv = ['manifold', 'render']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('manifold.core.yaml', 'manifold.pipeline.commands', 'ruamel.yaml')"
        " if m in sys.modules]\n"
        "print('LOADED', loaded, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=rendered_repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "is up to date" in result.stdout
    assert "LOADED []" in result.stderr
