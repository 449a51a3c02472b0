"""`sync.root` against where the repository really is in git: a monorepo subfolder without
it, or with the wrong value, is refused with the value to set; outside git nothing is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.core import yaml as yamlio
from manifold.gitops.location import repository_prefix
from tests.conftest import git, run_cli

SYNC = '{repository: "https://git.example.com/mono.git", flux: {}%s}'

# (where the manifold repository is in git, its sync.root, the error expected or None)
CASES = [
    ("platform/ml", None, "set `root: platform/ml` under sync"),
    ("platform/ml", "platform/ml", None),
    ("platform/ml", "platform", "sync.root is 'platform' but this repository is at 'platform/ml'"),
    ("", None, None),
    ("", "ml", "spec.sync.root: sync.root is 'ml' but this repository is at the root"),
]


def _repository(folder: Path, root: str | None) -> None:
    environments = folder / "environments"
    environments.mkdir(parents=True)
    setting = f", root: {root}" if root else ""
    (environments / "dev.yaml").write_text(
        "apiVersion: manifold.dev/v1alpha1\nkind: Environment\nmetadata: {name: dev}\n"
        f"spec:\n  sync: {SYNC % setting}\n"
    )


@pytest.mark.parametrize(("prefix", "root", "error"), CASES)
def test_sync_root_must_be_where_the_repository_is(
    tmp_path: Path, prefix: str, root: str | None, error: str | None
) -> None:
    git(tmp_path, "init", "--quiet")
    folder = tmp_path / prefix
    _repository(folder, root)
    result = run_cli("render", "-C", str(folder))
    if error is not None:
        assert result.exit_code == 1
        assert "environments/dev.yaml:" in result.stderr
        assert error in result.stderr
        assert not (folder / "rendered").exists()
        return
    assert result.exit_code == 0, result.stderr
    flux = folder / "rendered/_flux/dev/kustomization-manifold-dev.yaml"
    path = "/".join(part for part in (".", prefix, "rendered/dev") if part)
    assert yamlio.load_one(flux.read_text())["spec"]["path"] == path


def test_outside_git_the_root_is_not_checked(tmp_path: Path) -> None:
    assert repository_prefix(tmp_path) is None
    _repository(tmp_path / "ml", "anything")
    assert run_cli("render", "-C", str(tmp_path / "ml")).exit_code == 0


def test_the_prefix_is_relative_to_the_work_tree(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert repository_prefix(tmp_path) == ""
    assert repository_prefix(tmp_path / "a" / "b") == "a/b"
