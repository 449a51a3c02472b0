from __future__ import annotations

import json
from dataclasses import replace

from manifold.cli.report import format_json, format_text, summary
from manifold.core.diagnostics import Diagnostic, Diagnostics, Position, Severity

ERROR = Diagnostic(
    "unknown field 'x'",
    file="projects/a.yaml",
    position=Position(3, 5),
    path=("spec", "x"),
    hint="did you mean 'y'?",
)
WARNING = Diagnostic("unused", file="environments/b.yaml", severity=Severity.WARNING)


def test_text_format() -> None:
    assert format_text([ERROR, WARNING]) == (
        "projects/a.yaml:3:5: spec.x: unknown field 'x'\n"
        "  hint: did you mean 'y'?\n"
        "environments/b.yaml: warning: unused"
    )
    assert format_text([Diagnostic("no file at all")]) == "no file at all"


def test_summary_counts() -> None:
    assert summary([ERROR, ERROR, WARNING]) == "2 errors, 1 warning"
    assert summary([]) == ""


def test_json_format() -> None:
    payload = json.loads(format_json([ERROR], status="ProblemsFound", message="m"))
    assert payload == {
        "status": "ProblemsFound",
        "message": "m",
        "diagnostics": [
            {
                "severity": "error",
                "file": "projects/a.yaml",
                "line": 3,
                "column": 5,
                "path": "spec.x",
                "message": "unknown field 'x'",
                "hint": "did you mean 'y'?",
                "environment": None,
            }
        ],
    }


def test_a_problem_of_one_environment_names_it_in_text_and_json() -> None:
    error = replace(ERROR, environment="prod")
    warning = replace(WARNING, environment="dev")
    assert format_text([error, warning]) == (
        "projects/a.yaml:3:5: spec.x: error [prod]: unknown field 'x'\n"
        "  hint: did you mean 'y'?\n"
        "environments/b.yaml: warning [dev]: unused"
    )
    payload = json.loads(format_json([error], status="ProblemsFound", message="m"))
    assert payload["diagnostics"][0]["environment"] == "prod"


def test_diagnostics_are_deduplicated_and_sorted() -> None:
    collected = Diagnostics()
    later = Diagnostic("b", file="projects/a.yaml", position=Position(9, 1))
    collected.extend([later, ERROR, later])
    assert collected.sorted() == [ERROR, later]
    assert collected.has_errors
