"""`build` renders in memory and writes nothing, of every environment or those asked for; an
unknown environment is a usage problem. Run on a copy of the repository's example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manifold.core.errors import UsageProblem
from manifold.core.memo import Memo
from manifold.output.header import is_generated
from manifold.pipeline.building import SCHEMA_STORES, build
from manifold.pipeline.commands import project_cache
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


def test_a_process_keeps_its_schema_store_while_schemas_are_unchanged(example_repo: Path) -> None:
    """A watching process compiles each validator once (`SCHEMA_STORES`, by the context
    digest): the same store while nothing changes, a new one, with the schema as edited, once
    schemas/ changes."""
    memo = Memo(waits=True)
    _, found = build(example_repo, cache=project_cache(example_repo, memo), disk={})
    store = memo.get(SCHEMA_STORES, (str(example_repo), project_cache(example_repo).context))
    assert store is not None and not found.has_errors
    build(example_repo, cache=project_cache(example_repo, memo), disk={})
    assert (
        memo.get(SCHEMA_STORES, (str(example_repo), project_cache(example_repo).context)) is store
    )
    schema = example_repo / "schemas/ome.io/inferenceservice_v1beta1.json"
    body = json.loads(schema.read_text())
    body["required"].append("status")  # what no rendered object has
    schema.write_text(json.dumps(body))
    _, found = build(example_repo, cache=project_cache(example_repo, memo), disk={})
    assert any("status" in d.message for d in found if d.is_error)
