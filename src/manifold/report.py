"""Diagnostics for people (`text`) and for programs (`json`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from manifold.diagnostics import Diagnostic


def _location(diagnostic: Diagnostic) -> str:
    parts = []
    if diagnostic.file:
        parts.append(diagnostic.file)
        if diagnostic.position:
            parts.append(f"{diagnostic.position.line}:{diagnostic.position.column}")
    location = ":".join(parts)
    if diagnostic.json_path:
        location = f"{location}: {diagnostic.json_path}" if location else diagnostic.json_path
    return location


def format_text(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    lines = []
    for diagnostic in diagnostics:
        location = _location(diagnostic)
        severity = "" if diagnostic.is_error else "warning: "
        if color:
            location = f"\x1b[1m{location}\x1b[0m"
            severity = f"\x1b[33m{severity}\x1b[0m" if severity else ""
        prefix = f"{location}: " if location else ""
        lines.append(f"{prefix}{severity}{diagnostic.message}")
        if diagnostic.hint:
            lines.append(f"  hint: {diagnostic.hint}")
    return "\n".join(lines)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def format_json(diagnostics: Sequence[Diagnostic], *, status: str, message: str) -> str:
    payload = {
        "status": status,
        "message": message,
        "diagnostics": [
            {
                "severity": str(d.severity),
                "file": d.file,
                "line": d.position.line if d.position else None,
                "column": d.position.column if d.position else None,
                "path": d.json_path or None,
                "message": d.message,
                "hint": d.hint,
            }
            for d in diagnostics
        ],
    }
    return json.dumps(payload, indent=2)
