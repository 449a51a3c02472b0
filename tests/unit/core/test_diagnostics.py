"""Diagnostics as manifold keeps them in .manifold/ (the cache and the record of outcomes)."""

from __future__ import annotations

import json

import pytest

from manifold.core.diagnostics import (
    Diagnostic,
    Position,
    Problem,
    Severity,
    by_environment,
    problem_diagnostic,
)
from manifold.core.jsonpath import JsonPath


def test_a_diagnostic_survives_its_record_through_json() -> None:
    full = Diagnostic(
        "unknown field 'replica'",
        file="projects/a.yaml",
        position=Position(3, 5),
        path=("spec", "services", 0, "replica"),
        severity=Severity.WARNING,
        hint="did you mean 'replicas'?",
        environment="prod",
    )
    bare = Diagnostic("no projects/ folder")
    for diagnostic in (full, bare):
        record = json.loads(json.dumps(diagnostic.to_record()))
        assert Diagnostic.from_record(record) == diagnostic


def test_what_a_diagnostic_quotes_is_capped() -> None:
    """Every channel prints diagnostics; none may echo a 100,000-character key whole."""
    key = "k" * 100_000
    diagnostic = Diagnostic(f"unknown field {key}", path=("spec", key, 3), hint=key)
    assert len(diagnostic.message) < 300
    assert diagnostic.message.startswith("unknown field kkk") and diagnostic.message.endswith("...")
    assert diagnostic.hint is not None and len(diagnostic.hint) <= 200
    assert diagnostic.path[0] == "spec" and diagnostic.path[2] == 3
    assert isinstance(diagnostic.path[1], str) and len(diagnostic.path[1]) == 200


def test_ordinary_messages_are_kept_whole() -> None:
    message = "rendered InferenceService 'chat' is invalid at spec.engine: " + "word " * 100
    assert Diagnostic(message).message == message


IN_BASE = Diagnostic("too many", file="projects/a.yaml", path=("spec", "services", 0))
IN_OVERRIDE = Diagnostic("too many", file="projects/a.yaml", path=("spec", "environments", "b"))
IN_ENVIRONMENT = Diagnostic("bad patch", file="environments/b.yaml", path=("spec", "patches"))


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # Every environment has it: reported once, naming none.
        ({"a": [IN_BASE], "b": [IN_BASE]}, [(None, None)]),
        # One environment has it, in a project's own spec: named, and pointed at its override.
        (
            {"a": [], "b": [IN_BASE]},
            [
                (
                    "b",
                    "this holds in environment 'b' only; what applies there alone goes "
                    "under spec.environments.b of projects/a.yaml",
                )
            ],
        ),
        # Already in the override of that environment: named, no hint to go there.
        ({"a": [], "b": [IN_OVERRIDE]}, [("b", None)]),
        # An environment file has no overrides.
        ({"a": [], "b": [IN_ENVIRONMENT]}, [("b", None)]),
        # Two of three: one diagnostic for each, in the order of the environments.
        ({"a": [IN_OVERRIDE], "b": [], "c": [IN_OVERRIDE]}, [("a", None), ("c", None)]),
        # The other environment found another error in the file, which may have stopped
        # the check: no witness that the problem does not hold there, so reported as it is;
        # a problem in an environment's own override holds there only, witness or not.
        ({"a": [IN_BASE], "b": [IN_OVERRIDE]}, [(None, None), ("b", None)]),
        # A single environment rendered: nothing to tell apart.
        ({"a": [IN_BASE]}, [(None, None)]),
    ],
)
def test_a_problem_names_the_environments_it_holds_in_when_not_all(
    found: dict[str, list[Diagnostic]], expected: list[tuple[str | None, str | None]]
) -> None:
    merged = by_environment(list(found.items()))
    assert [(d.environment, d.hint) for d in merged] == expected


class _File:
    """A file that places every path on the line of its length (keys one column left)."""

    path = "projects/demo.yaml"

    def locate(self, path: JsonPath, *, key: bool = False) -> Position:
        return Position(len(path), 1 if key else 2)


@pytest.mark.parametrize(("at_key", "column"), [(False, 2), (True, 1)])
def test_problem_diagnostic_ties_a_problem_to_its_file(at_key: bool, column: int) -> None:
    problem = Problem(
        ("spec", "models", 0), "bad", at_key=at_key, hint="fix it", severity=Severity.WARNING
    )
    diagnostic = problem_diagnostic(_File(), problem)
    assert diagnostic == Diagnostic(
        "bad",
        file="projects/demo.yaml",
        position=Position(3, column),
        path=("spec", "models", 0),
        severity=Severity.WARNING,
        hint="fix it",
    )
