"""`build` renders in memory and writes nothing, of every environment or those asked for; an
unknown environment is a usage problem. Run on a copy of the repository's example."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.core.errors import UsageProblem
from manifold.output.header import is_generated
from manifold.pipeline.building import build
from tests.conftest import tree_bytes


def test_build_renders_what_rendered_holds_and_writes_nothing(example_repo: Path) -> None:
    before = tree_bytes(example_repo)
    built, diagnostics = build(example_repo)
    assert tree_bytes(example_repo) == before
    assert not diagnostics.has_errors
    assert built.environments == ("dev", "prod", "staging")
    on_disk = tree_bytes(example_repo / "rendered")
    texts = built.texts()
    assert {path: text.encode() for path, text in texts.items()} == {
        path: data for path, data in on_disk.items() if path in texts
    }
    assert all(is_generated(text.encode()) for path, text in texts.items() if path.endswith("yaml"))
    assert built.tally().startswith("3 environments, ")


def test_build_of_some_environments_renders_only_their_folders(example_repo: Path) -> None:
    built, _ = build(example_repo, ("prod",))
    assert built.environments == ("prod",)
    assert not any(path.startswith(("dev/", "staging/")) for path in built.files)
    assert any(path.startswith("prod/") for path in built.files)


def test_an_unknown_environment_is_a_usage_problem_with_a_suggestion(example_repo: Path) -> None:
    with pytest.raises(UsageProblem, match=r"unknown environment 'prd'.*prod") as raised:
        build(example_repo, ("prd",))
    assert "environments: dev, prod, staging" in str(raised.value)
