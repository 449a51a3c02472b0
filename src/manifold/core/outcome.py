"""What a command that succeeded hands back to the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import EXIT_OK


@dataclass(frozen=True)
class Outcome:
    """A command that succeeded: what to tell the user, and warnings."""

    summary: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: str | None = None
    """What the command produces for stdout (a diff); the summary then goes to stderr."""
    exit_code: int = EXIT_OK
    details: dict[str, Any] = field(default_factory=dict)
    """More for programs: added to the JSON output."""
    unchanged_summary: str | None = None
    """What the same command says when run again with nothing changed (a render that wrote
    files then finds rendered/ up to date); None: the summary itself."""
