"""Two pull requests that each add a project, merged with real git: no conflict in rendered/,
and `manifold check` passes on the merge. Generated files must not hold one line (a list of
every project) that every such pull request edits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, run_cli


def _add_project(repo: Path, branch: str, name: str) -> None:
    git(repo, "checkout", "--quiet", "-b", branch, "main")
    text = (repo / "projects/semantic-search.yaml").read_text()
    text = text.replace("name: semantic-search", f"name: {name}")
    text = text.replace("bge-large-en-v1-5", f"{name}-bge")
    (repo / f"projects/{name}.yaml").write_text(text)
    result = run_cli("render", "-C", str(repo))
    assert result.exit_code == 0, result.stderr
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", f"--message=add {name}")


def _merge(repo: Path, first: str, second: str) -> subprocess.CompletedProcess[str]:
    git(repo, "checkout", "--quiet", "-b", f"merge-{first}-{second}", first)
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "merge", "--no-edit", second],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


PAIRS = [
    pytest.param("b-search", "d-search", id="apart"),
    # Names that sort next to each other: a list of every project's files (an environment-level
    # kustomization.yaml) would take both at the same line. Each project folder has its own.
    pytest.param("d-search", "e-search", id="adjacent"),
]


@pytest.mark.parametrize(("one", "other"), PAIRS)
@pytest.mark.parametrize("order", ["one-into-other", "other-into-one"])
def test_branches_adding_projects_merge_cleanly(
    example_git_repo: Path, one: str, other: str, order: str
) -> None:
    repo = example_git_repo
    (repo / ".gitignore").write_text(".manifold/\n")  # as `manifold init` writes it
    git(repo, "add", ".gitignore")
    git(repo, "commit", "--quiet", "--message=ignore the working state")
    _add_project(repo, one, one)
    _add_project(repo, other, other)
    first, second = (one, other) if order == "one-into-other" else (other, one)
    merged = _merge(repo, first, second)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    check = run_cli("check", "-C", str(repo))
    assert check.exit_code == 0, check.stderr
