"""Two pull requests that each add a project, merged with real git: no conflict in rendered/,
and `manifold check` passes on the merge. Generated files must not hold one line (a list of
every project) that every such pull request edits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, run_cli

RENAMES = {
    # An OME project: its model is cluster-wide, so it gets a name of its own.
    "semantic-search": {"bge-large-en-v1-5": "{name}-bge"},
    # A Run:ai project: its workload (named for the service) shares one Run:ai project.
    "code-assistant": {"name: complete": "name: {name}"},
}
"""The example's projects a branch copies, and what else a copy must rename to be unique."""


def _add_project(repo: Path, branch: str, name: str, template: str) -> None:
    git(repo, "checkout", "--quiet", "-b", branch, "main")
    text = (repo / f"projects/{template}.yaml").read_text()
    text = text.replace(f"name: {template}", f"name: {name}")
    for old, new in RENAMES[template].items():
        text = text.replace(old, new.format(name=name))
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
    pytest.param("b-search", "d-search", "semantic-search", id="apart"),
    # Names that sort next to each other: a list of every project's files (an environment-level
    # kustomization.yaml) would take both at the same line. Each project folder has its own.
    pytest.param("d-search", "e-search", "semantic-search", id="adjacent"),
    # The same for Run:ai's requests, which no kustomization lists: an index of every
    # project's requests (`_runai/index.yaml`) would. Each project's folder has its own.
    pytest.param("d-code", "e-code", "code-assistant", id="runai-adjacent"),
]


@pytest.mark.parametrize(("one", "other", "template"), PAIRS)
@pytest.mark.parametrize("order", ["one-into-other", "other-into-one"])
def test_branches_adding_projects_merge_cleanly(
    example_git_repo: Path, one: str, other: str, template: str, order: str
) -> None:
    repo = example_git_repo
    (repo / ".gitignore").write_text(".manifold/\n")  # as `manifold init` writes it
    git(repo, "add", ".gitignore")
    git(repo, "commit", "--quiet", "--message=ignore the working state")
    _add_project(repo, one, one, template)
    _add_project(repo, other, other, template)
    first, second = (one, other) if order == "one-into-other" else (other, one)
    merged = _merge(repo, first, second)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    check = run_cli("check", "-C", str(repo))
    assert check.exit_code == 0, check.stderr
