"""Faults of the file system while manifold writes: a full disk, a read-only checkout, a name
too long. Each ends with exit 1, a message, no traceback, and rendered/ as it was; the next
healthy run completes."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, run_cli, tree_bytes
from tests.faults.watch import failing_writes


@pytest.fixture
def changed_repo(tmp_path: Path) -> Path:
    """The example, rendered once, with two rendered files removed: a render must write."""
    repo = tmp_path / "repo"
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, repo / folder)
    assert run_cli("render", "-C", str(repo)).exit_code == 0
    for victim in sorted((repo / "rendered").rglob("*.yaml"))[-2:]:
        victim.unlink()
    return repo


@pytest.mark.parametrize("after", [0, 1, 3, 10, 40, 120, 400])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG, errno.EIO])
def test_a_write_that_fails_leaves_the_old_tree(code: int, after: int, changed_repo: Path) -> None:
    before = tree_bytes(changed_repo / "rendered")
    with failing_writes(changed_repo, code, after):
        result = run_cli("render", "-C", str(changed_repo))
    if result.exit_code == 0:  # the fault came after the tree was complete (the record)
        assert tree_bytes(changed_repo / "rendered") == tree_bytes(REPO_ROOT / "rendered")
    else:
        assert result.exit_code == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert os.strerror(code) in result.stderr
        assert tree_bytes(changed_repo / "rendered") == before
    healthy = run_cli("render", "-C", str(changed_repo))
    assert healthy.exit_code == 0, healthy.stderr
    assert tree_bytes(changed_repo / "rendered") == tree_bytes(REPO_ROOT / "rendered")


def test_check_works_in_a_read_only_checkout(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, repo / folder)
    with failing_writes(repo, errno.EROFS):
        result = run_cli("check", "-C", str(repo))
    assert result.exit_code == 0, result.stderr
    assert not (repo / ".manifold").exists()


def test_render_in_a_read_only_checkout_says_so(changed_repo: Path) -> None:
    (changed_repo / ".manifold").rename(changed_repo.parent / "state-elsewhere")
    with failing_writes(changed_repo, errno.EROFS):
        result = run_cli("render", "-C", str(changed_repo))
    assert result.exit_code == 1
    assert "cannot create .manifold/ (Read-only file system)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_huge_foreign_file_is_read_in_pieces(changed_repo: Path) -> None:
    """A foreign file larger than memory is hashed piece by piece, never read whole: a render
    that meets one of 256 MiB needs no more memory than one that does not."""
    import tracemalloc

    def peak_of_a_render() -> int:
        next(iter(sorted((changed_repo / "rendered" / "prod").rglob("*.yaml")))).unlink()
        tracemalloc.start()
        try:
            result = run_cli("render", "-C", str(changed_repo))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert result.exit_code == 0, result.stderr

    without = peak_of_a_render()
    huge = changed_repo / "rendered" / "dev" / "huge.bin"
    with huge.open("wb") as handle:
        handle.truncate(256 * 1024 * 1024)  # sparse: costs no disk
    assert peak_of_a_render() < without + 16 * 1024 * 1024
    assert huge.stat().st_size == 256 * 1024 * 1024


def test_file_names_that_are_not_utf8_are_read_and_shown_escaped(tmp_path: Path) -> None:
    """A project file and a foreign file under rendered/ whose names are not UTF-8: the
    digest, the state schema and the report all handled them (they gave tracebacks)."""
    repo = tmp_path / "repo"
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, repo / folder)
    odd = os.fsdecode(b"odd-\xff")
    (repo / "rendered" / "dev" / odd).write_bytes(b"mine\n")
    assert run_cli("render", "-C", str(repo)).exit_code == 0
    assert run_cli("check", "-C", str(repo)).exit_code == 0
    copy = (repo / "projects" / "faq-answers.yaml").read_bytes()
    (repo / "projects" / f"{odd}.yaml").write_bytes(copy)
    result = run_cli("render", "-C", str(repo))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "projects/odd-\\udcff.yaml" in result.stderr  # the duplicate project, named
    assert (repo / "rendered" / "dev" / odd).read_bytes() == b"mine\n"
