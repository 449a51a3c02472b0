"""Diagnostics as manifold keeps them in .manifold/ (the cache and the record of outcomes)."""

from __future__ import annotations

import json

from manifold.diagnostics import Diagnostic, Position, Severity


def test_a_diagnostic_survives_its_record_through_json() -> None:
    full = Diagnostic(
        "unknown field 'replica'",
        file="projects/a.yaml",
        position=Position(3, 5),
        path=("spec", "services", 0, "replica"),
        severity=Severity.WARNING,
        hint="did you mean 'replicas'?",
    )
    bare = Diagnostic("no projects/ folder")
    for diagnostic in (full, bare):
        record = json.loads(json.dumps(diagnostic.to_record()))
        assert Diagnostic.from_record(record) == diagnostic
