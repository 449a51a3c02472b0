"""The repository's pre-commit hook, run by the real pre-commit on a real commit: a commit that
only edits platform/ is refused while rendered/ is stale, and goes through once rendered.

The hook's id, files pattern and entry come from `.pre-commit-hooks.yaml` itself, so a pattern
that misses a folder manifold reads fails here. The hook runs as a `repo: local` hook with
`language: system` and this environment's manifold: pre-commit then needs no network to
install it, and the test checks this checkout's manifold rather than a published one.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from manifold.core import yaml as yamlio
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT
from tests.tools import find_tool

PRE_COMMIT = find_tool("pre-commit")
MANIFOLD = find_tool("manifold")
GIT = shutil.which("git")

pytestmark = pytest.mark.skipif(
    None in (PRE_COMMIT, MANIFOLD, GIT),
    reason="pre-commit (a dev extra), manifold or git is not installed",
)

# Only the GPU model a node selector names changes: the AcceleratorClass renders it.
EDIT_BEFORE = "nvidia.com/gpu.product: NVIDIA-L4}"
EDIT_AFTER = "nvidia.com/gpu.product: NVIDIA-L4-PCIE}"


def _local_hook(hook_id: str) -> dict[str, Any]:
    """The hook `hook_id` of .pre-commit-hooks.yaml, as a local hook running our manifold."""
    hooks = yamlio.load_one((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == hook_id)
    words = shlex.split(hook["entry"])
    assert words[0] == "manifold"
    return {
        "id": hook["id"],
        "name": hook["name"],
        "entry": shlex.join([str(MANIFOLD), *words[1:]]),
        "language": "system",
        "pass_filenames": hook["pass_filenames"],
        "files": hook["files"],
    }


def _environment(tmp_path: Path) -> dict[str, str]:
    """git and pre-commit isolated from the user's configuration and caches."""
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }


@pytest.fixture
def repository(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A git repository holding this repository's example, with the check hook installed."""
    root = tmp_path / "repo"
    root.mkdir()
    for folder in EXAMPLE_FOLDERS:
        shutil.copytree(REPO_ROOT / folder, root / folder)
    (root / ".gitignore").write_text(".manifold/\n")
    config = {"repos": [{"repo": "local", "hooks": [_local_hook("manifold-check")]}]}
    (root / ".pre-commit-config.yaml").write_text(yamlio.emit(config))
    env = _environment(tmp_path)
    _run(root, env, str(GIT), "init", "--quiet", "--initial-branch=main")
    _run(root, env, str(PRE_COMMIT), "install")
    return root, env


def _run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _commit(root: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    subprocess.run([str(GIT), "add", "--all"], cwd=root, env=env, check=True)
    return subprocess.run(
        [str(GIT), "commit", "--quiet", "--message", message],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_a_platform_only_commit_is_refused_until_rendered(
    repository: tuple[Path, dict[str, str]],
) -> None:
    root, env = repository
    first = _commit(root, env, "the example, rendered")
    assert first.returncode == 0, first.stdout + first.stderr

    platform = root / "platform" / "ml-platform.yaml"
    text = platform.read_text()
    assert text.count(EDIT_BEFORE) == 1
    platform.write_text(text.replace(EDIT_BEFORE, EDIT_AFTER))
    refused = _commit(root, env, "a new GPU model, rendered/ not updated")
    assert refused.returncode != 0, "the hook let a stale rendered/ through"
    assert "manifold check" in refused.stdout + refused.stderr
    assert "run `manifold render`" in refused.stdout + refused.stderr

    _run(root, env, str(MANIFOLD), "render")
    accepted = _commit(root, env, "a new GPU model, rendered")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    changed = _run(root, env, str(GIT), "show", "--name-only", "--format=", "HEAD").stdout
    assert "platform/ml-platform.yaml" in changed.split()
    assert any(path.startswith("rendered/") for path in changed.split())
