"""Shared test helpers: the repository's paths, the CLI runner, ../shared and snapshots."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from manifold.cli import main

REPO_ROOT = Path(__file__).resolve().parents[1]
CASES = REPO_ROOT / "tests" / "cases"
SHARED = REPO_ROOT.parent / "shared"
SHARED_MISSING = (
    "../shared (the real upstream CRDs and seeds) is not beside the repository; "
    "conformance with the upstream APIs is not checked"
)


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, stdin: bytes | None = None) -> CliResult:
    """Run `manifold ARGS...` in-process; exceptions other than SystemExit propagate."""
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    return SHARED


def copy_tree(source: Path, target: Path, *, skip: tuple[str, ...] = ()) -> None:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in skip or "__pycache__" in relative.parts:
            continue
        destination = target / relative
        if path.is_symlink():  # cases about links keep them as links
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.unlink(missing_ok=True)
            destination.symlink_to(path.readlink())
        elif path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def tree_text(folder: Path) -> str:
    """Every file of a folder in one readable text, for snapshots."""
    return "".join(
        f"# ===== {relative}\n{data.decode()}" for relative, data in tree_bytes(folder).items()
    )


@pytest.fixture
def example_repo(tmp_path: Path) -> Iterator[Path]:
    """A copy of this repository's own example (projects, environments, schemas, rendered)."""
    for folder in ("projects", "environments", "schemas", "rendered"):
        copy_tree(REPO_ROOT / folder, tmp_path / folder)
    yield tmp_path
