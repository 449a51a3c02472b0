"""An input file's bytes, read safely: regular files inside the repository (links allowed when
they stay inside), at most one byte past the cap, and a diagnostic naming the file for
anything else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostic
from manifold.inputs.filebytes import MAX_FILE_BYTES, read_bytes


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    (root / "projects" / "a.yaml").write_bytes(b"kind: Project\n")
    (tmp_path / "outside.yaml").write_bytes(b"secret\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.yaml").write_bytes(b"kind: Project\n")
    return root


def _plant(root: Path, case: str) -> None:
    projects = root / "projects"
    outside = root.parent
    if case == "link-inside":
        (projects / "link.yaml").symlink_to(projects / "a.yaml")
    elif case == "link-outside":
        (projects / "link.yaml").symlink_to(outside / "outside.yaml")
    elif case == "dangling":
        (projects / "link.yaml").symlink_to(projects / "gone.yaml")
    elif case == "loop":
        (projects / "link.yaml").symlink_to(projects / "link.yaml")
    elif case == "folder-outside":
        (root / "linked").symlink_to(outside / "elsewhere")
    elif case == "fifo":
        os.mkfifo(projects / "link.yaml")


@pytest.mark.parametrize(
    ("case", "relative", "result"),
    [
        ("plain", "projects/a.yaml", b"kind: Project\n"),
        ("link-inside", "projects/link.yaml", b"kind: Project\n"),
        ("link-outside", "projects/link.yaml", "is a link to a place outside the repository"),
        ("dangling", "projects/link.yaml", "is a link to something that does not exist"),
        ("loop", "projects/link.yaml", "is a link that leads back to itself"),
        ("folder-outside", "linked/b.yaml", "in a folder that links to a place outside"),
        ("fifo", "projects/link.yaml", "not a regular file"),
    ],
)
def test_read_bytes(repo: Path, case: str, relative: str, result: bytes | str) -> None:
    _plant(repo, case)
    found = read_bytes(repo, relative)
    if isinstance(result, bytes):
        assert found == result
    else:
        assert isinstance(found, Diagnostic)
        assert result in found.message
        assert found.file == relative


def test_a_large_file_is_read_only_one_byte_past_the_cap(repo: Path) -> None:
    (repo / "projects" / "big.yaml").write_bytes(b"x" * (MAX_FILE_BYTES * 2))
    found = read_bytes(repo, "projects/big.yaml")
    assert isinstance(found, bytes) and len(found) == MAX_FILE_BYTES + 1
