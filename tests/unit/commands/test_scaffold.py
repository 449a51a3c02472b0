"""`manifold init`: a new repository that is already rendered, checked and committed, with
dot-files restored from their stored names; a folder that holds anything is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.commands.scaffold import init
from manifold.core.errors import UsageProblem
from manifold.core.options import CheckOptions, InitOptions
from manifold.pipeline import commands
from tests.conftest import git


def test_init_makes_a_rendered_committed_repository(tmp_path: Path) -> None:
    target = tmp_path / "new"
    outcome = init(InitOptions(target))
    assert outcome.summary.startswith(f"created {target} (")
    assert (target / "projects" / "example.yaml").is_file()
    assert (target / "rendered").is_dir() and (target / "schemas").is_dir()
    assert not any(path.name.startswith("dot-") for path in target.rglob("*"))
    assert (target / ".gitignore").is_file()
    commands.check(CheckOptions(target), None)  # raises on drift
    assert git(target, "status", "--porcelain") == ""


def test_a_folder_that_holds_anything_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageProblem, match="exists and is not empty"):
        init(InitOptions(tmp_path))
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
