"""A folder of the repository that is a link to a place outside it is refused, by name,
and nothing outside is read into rendered/ or written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, run_cli, tree_bytes
from tests.faults.watch import confined_to


def _repo_with_linked(folder: str, base: Path) -> tuple[Path, Path]:
    repo, outside = base / "repo", base / "outside"
    for name in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / name, repo / name)
    outside.mkdir()
    shutil.move(repo / folder, outside / folder)
    (repo / folder).symlink_to(outside / folder)
    return repo, outside


@pytest.mark.parametrize("command", ["render", "check"])
def test_linked_rendered_is_refused(command: str, tmp_path: Path) -> None:
    repo, outside = _repo_with_linked("rendered", tmp_path)
    before = tree_bytes(outside / "rendered")
    with confined_to(repo) as escaped:
        result = run_cli(command, "-C", str(repo))
    assert result.exit_code == 1, result.stderr
    assert "rendered/ is a link" in result.stderr
    assert escaped == []
    assert (repo / "rendered").is_symlink()
    assert tree_bytes(outside / "rendered") == before


@pytest.mark.parametrize("folder", ["projects", "environments", "platform"])
def test_linked_input_folder_is_refused(folder: str, tmp_path: Path) -> None:
    repo, _ = _repo_with_linked(folder, tmp_path)
    before = tree_bytes(repo / "rendered")
    with confined_to(repo) as escaped:
        result = run_cli("render", "-C", str(repo))
    assert result.exit_code == 1, result.stderr
    assert f"{folder}/" in result.stderr
    assert "links to a place outside the repository" in result.stderr
    assert escaped == []
    assert tree_bytes(repo / "rendered") == before
