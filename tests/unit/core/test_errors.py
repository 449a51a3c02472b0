"""How commands fail: each error class carries its exit code (the CLI maps them in one
place), its diagnostics and details, and the codes are distinct where they must be."""

from __future__ import annotations

import pytest

from manifold.core import errors
from manifold.core.diagnostics import Diagnostic


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.ManifoldError, 1),
        (errors.ProblemsFound, 1),
        (errors.OutputProblem, 1),
        (errors.UsageProblem, 2),
        (errors.DriftFound, 3),
    ],
)
def test_each_failure_has_its_exit_code(error: type[errors.ManifoldError], code: int) -> None:
    assert error.exit_code == code
    assert issubclass(error, errors.ManifoldError)


def test_exit_codes_follow_the_conventions() -> None:
    # sysexits' EX_SOFTWARE for a bug, 128 + SIGINT for Ctrl-C, git's 1 for differences.
    assert (errors.EXIT_OK, errors.EXIT_INTERNAL, errors.EXIT_INTERRUPTED) == (0, 70, 130)
    assert errors.EXIT_DIFFERENCES == errors.EXIT_PROBLEMS == 1
    codes = {errors.EXIT_OK, errors.EXIT_PROBLEMS, errors.EXIT_USAGE, errors.EXIT_DRIFT}
    assert len(codes) == 4


def test_an_error_keeps_its_message_diagnostics_and_details() -> None:
    diagnostic = Diagnostic("bad", file="projects/a.yaml")
    details = {"files": 2}
    error = errors.ProblemsFound("problems found", (diagnostic,), details)
    details["files"] = 3  # copied: the caller's mapping may change afterwards
    assert str(error) == error.message == "problems found"
    assert error.diagnostics == [diagnostic]
    assert error.details == {"files": 2}
    assert errors.DriftFound("x").diagnostics == [] and errors.DriftFound("x").details == {}
