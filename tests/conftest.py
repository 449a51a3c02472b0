"""Shared test helpers: the repository's paths, the CLI runner, ../shared and snapshots."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from manifold.cli.main import main

# Property tests check properties, not speed: on a busy machine (CI's first run, with no
# example database yet) hypothesis's timing checks failed a correct test.
settings.register_profile("manifold", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("manifold")

REPO_ROOT = Path(__file__).resolve().parents[1]
CASES = REPO_ROOT / "tests" / "cases"
SHARED = REPO_ROOT.parent / "shared"
EXAMPLE_FOLDERS = ("projects", "environments", "platform", "schemas", "rendered")
"""What the repository's own example is made of (its inputs and its committed outputs)."""
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
    if not source.is_dir():
        return
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


def render_cleanly(root: Path) -> str:
    """Generate schemas/ and render the repository at `root` (no problem, no warning, and
    `check` passes after); its rendered/ as one readable text, for snapshots."""
    assert run_cli("schemas", "generate", "-C", str(root)).exit_code == 0
    result = run_cli("render", "-C", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert run_cli("check", "-C", str(root)).exit_code == 0
    return tree_text(root / "rendered")


@pytest.fixture
def example_repo(tmp_path: Path) -> Iterator[Path]:
    """A copy of this repository's own example (projects, environments, schemas, rendered)."""
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, tmp_path / folder)
    yield tmp_path


@pytest.fixture(autouse=True)
def _no_outer_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests make throwaway git repositories: git variables of whatever runs the tests (a
    hook, `git rebase --exec`) would point git at the outer repository instead."""
    for name in [name for name in os.environ if name.startswith("GIT_")]:
        monkeypatch.delenv(name)


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` as a throwaway identity, whatever the machine's git configuration."""
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=manifold tests",
            "-c",
            "user.email=tests@manifold.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def example_git_repo(example_repo: Path) -> Path:
    """The repository's example as a git repository with one commit on `main`."""
    git(example_repo, "init", "--quiet", "--initial-branch=main")
    git(example_repo, "add", "--all")
    git(example_repo, "commit", "--quiet", "--message=example")
    return example_repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new))
