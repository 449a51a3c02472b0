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
