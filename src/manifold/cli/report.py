"""Diagnostics for people (`text`) and for programs (`json`)."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from manifold.core import secrets
from manifold.core.diagnostics import Diagnostic
from manifold.core.wording import counted

# Characters a terminal or a CI log would act on rather than show: C0 and C1 controls
# (escape sequences, carriage returns that overwrite a line, newlines that start a fake
# `::workflow-command`) and the invisible bidirectional controls.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """What manifold may print of a text: credentials masked, control characters escaped."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", secrets.mask_text(text))


def use_color() -> bool:
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def finished(diagnostics: Sequence[Diagnostic], message: str) -> tuple[str, str]:
    """What a command prints as it ends in text: its problems ("" for none, for stderr), and
    its summary line with their counts."""
    problems = format_text(diagnostics, color=use_color()) if diagnostics else ""
    counts = summary(diagnostics)
    return problems, clean(message) + (f" ({counts})" if counts else "")


def _location(diagnostic: Diagnostic) -> str:
    parts = []
    if diagnostic.file:
        parts.append(diagnostic.file)
        if diagnostic.position:
            parts.append(f"{diagnostic.position.line}:{diagnostic.position.column}")
    location = ":".join(parts)
    if diagnostic.json_path:
        location = f"{location}: {diagnostic.json_path}" if location else diagnostic.json_path
    return clean(location)


def format_text(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    lines = []
    for diagnostic in diagnostics:
        location = _location(diagnostic)
        severity = _severity(diagnostic)
        if color:
            location = f"\x1b[1m{location}\x1b[0m"
            severity = f"\x1b[33m{severity}\x1b[0m" if severity else ""
        prefix = f"{location}: " if location else ""
        lines.append(f"{prefix}{severity}{clean(diagnostic.message)}")
        if diagnostic.hint:
            lines.append(f"  hint: {clean(diagnostic.hint)}")
    return "\n".join(lines)


def _severity(diagnostic: Diagnostic) -> str:
    """Errors go unlabelled unless they hold in one environment only: `error [prod]: `."""
    label = "error" if diagnostic.is_error else "warning"
    if diagnostic.environment:
        return f"{label} [{clean(diagnostic.environment)}]: "
    return "" if diagnostic.is_error else f"{label}: "


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(counted(errors, "error"))
    if warnings:
        parts.append(counted(warnings, "warning"))
    return ", ".join(parts)


def format_json(
    diagnostics: Sequence[Diagnostic],
    *,
    status: str,
    message: str,
    details: Mapping[str, Any] | None = None,
) -> str:
    payload: dict[str, Any] = {
        "status": status,
        "message": secrets.mask_text(message),
        "diagnostics": [
            {
                "severity": str(d.severity),
                "file": d.file,
                "line": d.position.line if d.position else None,
                "column": d.position.column if d.position else None,
                "path": secrets.mask_text(d.json_path) or None,
                "message": secrets.mask_text(d.message),
                "hint": secrets.mask_text(d.hint) if d.hint else None,
                "environment": d.environment,
            }
            for d in diagnostics
        ],
    }
    payload.update(_masked(dict(details or {})))
    return json.dumps(payload, indent=2)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return secrets.mask_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value
