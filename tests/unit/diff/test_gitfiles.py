"""rendered/ as committed: manifold's files only, as the writer sees them on disk."""

from __future__ import annotations

from pathlib import Path

from manifold.diff.gitfiles import rendered_at, resolve
from manifold.output.header import header
from tests.conftest import git


def test_only_manifolds_files_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "rendered" / "dev"
    folder.mkdir(parents=True)
    mine = header(["projects/demo.yaml"]) + "kind: ConfigMap\n"
    (folder / "mine.yaml").write_text(mine)
    (folder / "notes.yaml").write_text("kind: Hand-written\n")
    (folder / "link.yaml").symlink_to("mine.yaml")
    (tmp_path / "outside.yaml").write_text(mine)
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "add", "--all")
    git(tmp_path, "commit", "--quiet", "--message=files")
    (folder / "mine.yaml").write_text(mine + "data: {}\n")  # not committed: not read

    commit, name = resolve(tmp_path, "main")
    assert name == "main"
    assert rendered_at(tmp_path, commit) == {"dev/mine.yaml": mine.encode()}


def test_an_empty_rendered_folder(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("x\n")
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "add", "--all")
    git(tmp_path, "commit", "--quiet", "--message=files")
    commit, _ = resolve(tmp_path, "HEAD")
    assert rendered_at(tmp_path, commit) == {}
