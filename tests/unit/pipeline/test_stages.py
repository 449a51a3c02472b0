"""The order of the stages is written once, as `STAGES`, and docs/architecture.md's table of
stages says the same: the table's rows, by their first named module, are the stages that read
the repository, then `STAGES` in order, then the ones that write."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostic, Diagnostics
from manifold.pipeline import commands
from manifold.pipeline.environment import render_environment
from manifold.pipeline.stages import STAGES
from manifold.reuse.incremental import CachedEnvironment
from manifold.schemas.store import SchemaStore
from manifold.targets import registry
from manifold.targets.base import CompiledProject, Finding, Target
from tests.conftest import REPO_ROOT

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"
READING = ("inputs.sources", "inputs.decode", "compile.environments")
WRITING = ("gitops.render", "output.writer")


def _table_rows() -> list[tuple[str, str]]:
    """(number, first module named) of each row of the table under "## The stages"."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## The stages", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\| (\d+b?) \| `([^`]+)`", line)
        if match:
            rows.append((match[1], match[2]))
    return rows


def test_the_table_of_stages_is_the_tuple() -> None:
    modules = [module for _, module in _table_rows()]
    assert modules == [*READING, *(stage.name for stage in STAGES), *WRITING]


def test_the_table_is_numbered_in_order() -> None:
    numbers = [number.rstrip("b") for number, _ in _table_rows()]
    main = [int(n) for n, (full, _) in zip(numbers, _table_rows(), strict=True) if n == full]
    assert main == list(range(1, len(main) + 1))


def test_every_stage_is_named_once() -> None:
    names = [stage.name for stage in STAGES]
    assert len(set(names)) == len(names)


def test_a_finding_between_projects_is_an_error_of_its_project_and_keeps_it_out_of_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`Target.environment_problems` runs once the projects are compiled: what it finds is
    reported, and the project it is reported in is not kept for the next render."""
    diagnostics = Diagnostics()
    inputs = commands.load_inputs(REPO_ROOT, diagnostics)
    real = registry.get_target

    def across(
        fresh: Mapping[str, CompiledProject], reused: Mapping[str, CompiledProject]
    ) -> list[Finding]:
        return [Finding("chat-assistant", Diagnostic("across projects", file="x.yaml"))]

    def target(name: str) -> Target:
        found = real(name)
        return replace(found, environment_problems=across) if name == "ome" else found

    monkeypatch.setattr("manifold.pipeline.stages.get_target", target)
    rendered = render_environment(
        inputs.environments["dev"],
        inputs,
        SchemaStore(REPO_ROOT),
        diagnostics,
        None,
        CachedEnvironment({}, {}),
        {},
    )
    assert [d.message for d in diagnostics if d.is_error] == ["across projects"]
    assert "chat-assistant" not in rendered.projects
    assert "code-assistant" in rendered.projects
