"""How a command fails. The CLI turns each into an exit code, in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from manifold.core.diagnostics import Diagnostic

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_DIFFERENCES = 1
"""`diff --exit-code` found differences (as `git diff --exit-code` says it)."""
EXIT_USAGE = 2
EXIT_DRIFT = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as shells report a process the signal ended."""


class ManifoldError(Exception):
    exit_code = EXIT_PROBLEMS

    def __init__(
        self,
        message: str,
        diagnostics: Sequence[Diagnostic] = (),
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)
        self.details = dict(details or {})
        """More for programs: added to the JSON output."""


class ProblemsFound(ManifoldError):
    """The inputs (or files given to validate) have errors; nothing was written."""

    exit_code = EXIT_PROBLEMS


class DriftFound(ManifoldError):
    """rendered/ or schemas/ differ from what the inputs produce."""

    exit_code = EXIT_DRIFT


class UsageProblem(ManifoldError):
    """The command line asks for something that does not exist (an unknown environment...)."""

    exit_code = EXIT_USAGE


class OutputProblem(ManifoldError):
    """rendered/ could not be written (a foreign file in the way, a lock not obtained...)."""

    exit_code = EXIT_PROBLEMS
