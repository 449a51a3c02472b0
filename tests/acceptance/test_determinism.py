"""Same inputs, same bytes: whatever the working directory or the order in which the file
system lists folders. (Hash seeds: test_cli.test_output_is_identical_across_hash_seeds.)"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.casefolders import cases
from tests.conftest import REPO_ROOT, run_cli, tree_bytes


def _render_from_scratch(repo: Path, root_argument: str) -> dict[str, bytes]:
    rendered = repo / "rendered"
    for path in sorted(rendered.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    result = run_cli("render", "-C", root_argument)
    assert result.exit_code == 0, result.stderr
    return tree_bytes(rendered)


def test_output_does_not_depend_on_the_working_directory(
    example_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed = tree_bytes(REPO_ROOT / "rendered")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for directory, root_argument in [
        (example_repo, "."),
        (example_repo / "projects", ".."),
        (example_repo.parent, example_repo.name),
        (elsewhere, str(example_repo)),
        (elsewhere, os.path.relpath(example_repo, elsewhere)),
    ]:
        monkeypatch.chdir(directory)
        assert _render_from_scratch(example_repo, root_argument) == committed, directory


class _Listing:
    """What os.scandir returns (an iterator and a context manager), in shuffled order."""

    def __init__(self, entries: list[Any]) -> None:
        self._entries = iter(entries)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self._entries)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None


@pytest.fixture(params=["example", "shared-namespace"])
def repository(request: pytest.FixtureRequest, example_repo: Path, tmp_path: Path) -> Path:
    """The repository's example, and a case where several projects share a namespace (the
    shared Namespace object lists them all, so their order shows)."""
    if request.param == "example":
        return example_repo
    case = next(case for case in cases("valid") if case.name == request.param)
    return case.materialize(tmp_path / "case")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_does_not_depend_on_the_order_of_directory_listings(
    repository: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    expected = _render_from_scratch(repository, str(repository))
    rng = random.Random(seed)
    reordered = [0]
    real_scandir, real_listdir = os.scandir, os.listdir

    def shuffled(entries: list[Any]) -> list[Any]:
        before = list(entries)
        rng.shuffle(entries)
        reordered[0] += entries != before
        return entries

    def scandir(path: Any = ".") -> _Listing:
        with real_scandir(path) as listing:
            return _Listing(shuffled(list(listing)))

    def listdir(path: Any = ".") -> list[str]:
        return shuffled(real_listdir(path))

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    assert _render_from_scratch(repository, str(repository)) == expected
    # and again over an existing tree, which the writer lists as well
    next((repository / "rendered").glob("*/*/kustomization.yaml")).unlink()
    assert run_cli("render", "-C", str(repository)).exit_code == 0
    monkeypatch.undo()
    assert tree_bytes(repository / "rendered") == expected
    assert reordered[0] >= 5, "the listings were not shuffled: the test proves nothing"


def test_the_example_renders_to_the_committed_tree(example_repo: Path) -> None:
    assert _render_from_scratch(example_repo, str(example_repo)) == tree_bytes(
        REPO_ROOT / "rendered"
    )
