"""The no-op fast path answers only when nothing the answer depends on has changed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manifold.commands import recorded
from manifold.core.options import CheckOptions, RenderOptions
from manifold.core.outcome import Outcome
from manifold.pipeline import commands as pipeline
from manifold.reuse import fastpath


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
