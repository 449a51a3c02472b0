"""What a run given `-e ENV` or `--shard i/n` answers for (`manifold.pipeline.sharding`):
the files of rendered/ it owns, and the problems it reports (its own projects', and those
of no one project, which every shard reports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostic, Diagnostics
from manifold.core.shards import Shard, shard_of
from manifold.pipeline.sharding import owned_files, owned_problems, scope

FILES = ("dev/a/x.yaml", "prod/a/x.yaml", "dev/b/y.yaml", "_flux/dev.yaml", "_argocd/app.yaml")
# Two projects that fall on different shards of two.
FIRST, SECOND = sorted(("a", "b", "c", "d"), key=lambda name: shard_of(name, 2))[::3]


def test_without_selection_the_run_owns_everything() -> None:
    assert scope((), None) is None
    assert owned_files({"x": 1}, None) == {"x": 1}


@pytest.mark.parametrize(
    ("environments", "owned"),
    [
        (("dev",), {"dev/a/x.yaml", "dev/b/y.yaml", "_flux/dev.yaml", "_argocd/app.yaml"}),
        (("prod", "dev"), set(FILES)),
        (("staging",), {"_flux/dev.yaml", "_argocd/app.yaml"}),
    ],
)
def test_environments_own_their_folders_and_the_controllers(
    environments: tuple[str, ...], owned: set[str]
) -> None:
    owns = scope(environments, None)
    assert owns is not None
    assert set(owned_files(dict.fromkeys(FILES, b""), owns)) == owned


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_shards_split_the_files_between_them(count: int) -> None:
    files = [f"dev/{name}/x.yaml" for name in "abcdefgh"] + ["dev/ns.yaml", "_flux/dev.yaml"]
    owners: list[int] = []
    for path in files:
        owning = [i for i in range(1, count + 1) if (s := scope((), Shard(i, count))) and s(path)]
        assert len(owning) == 1, path
        owners.extend(owning)
    assert owners[-2:] == [1, 1]  # files of no project: shard 1's


def test_a_shard_of_some_environments_owns_the_intersection() -> None:
    shard = Shard(shard_of("a", 2), 2)
    owns = scope(("dev",), shard)
    assert owns is not None
    assert owns("dev/a/x.yaml") and not owns("prod/a/x.yaml")


def _problems(*files: str | None) -> Diagnostics:
    diagnostics = Diagnostics()
    for file in files:
        diagnostics.add(Diagnostic(f"problem of {file}", file=file))
    return diagnostics


def test_without_a_shard_every_problem_is_reported() -> None:
    diagnostics = _problems("projects/a.yaml", None)
    assert owned_problems(Path(), diagnostics, {}, None) is diagnostics


def test_a_shard_reports_its_projects_problems_and_those_of_no_project(tmp_path: Path) -> None:
    known = {"projects/first.yaml": ("d1", FIRST), "projects/second.yaml": ("d2", SECOND)}
    diagnostics = _problems(
        "projects/first.yaml", "projects/second.yaml", "environments/dev.yaml", None
    )
    kept = owned_problems(tmp_path, diagnostics, known, Shard(shard_of(FIRST, 2), 2))
    assert [d.file for d in kept] == ["projects/first.yaml", "environments/dev.yaml", None]


@pytest.mark.parametrize(
    ("text", "every_shard"),
    [
        # A project with errors of its own names itself: its problems go to its shard.
        (f"kind: Project\nmetadata: {{name: {SECOND}}}\nspec: 1\n", False),
        # One that names no project (or cannot be parsed) is no one project's: every
        # shard reports it, since any shard's output may depend on it.
        (f"kind: Project\nmetadata:\n  name: {SECOND}\nspec: [\n", True),
        ("kind: Project\nmetadata: {name: ''}\n", True),
        ("- a list\n", True),
    ],
)
def test_an_unread_project_file_is_reported_by_the_shard_of_the_name_it_gives(
    tmp_path: Path, text: str, every_shard: bool
) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "broken.yaml").write_text(text)
    diagnostics = _problems("projects/broken.yaml")
    reporting = [
        index
        for index in (1, 2)
        if list(owned_problems(tmp_path, diagnostics, {}, Shard(index, 2)))
    ]
    assert reporting == ([1, 2] if every_shard else [shard_of(SECOND, 2)])
