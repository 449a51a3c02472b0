"""Acceptance: the CLI on every case folder under tests/cases/ (see tests/casefolders.py).

- valid/*: `manifold render` exits 0; the rendered tree is snapshotted; `check` then passes.
- invalid/*: the command exits with `exit` (default 1) and reports exactly the `diagnostics`
  listed (file, line, column, path equal; message a substring), rendered/ is untouched, and
  no secret the case lists under `never_printed` shows in its output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.casefolders import Case, cases
from tests.conftest import run_cli, tree_bytes, tree_text
from tests.snapshots import TextSnapshot, YamlSnapshot

VALID = cases("valid")
INVALID = cases("invalid")


def test_there_are_cases_of_both_kinds() -> None:
    assert VALID and INVALID


@pytest.mark.parametrize("case", VALID, ids=[c.name for c in VALID])
def test_valid_case(case: Case, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    repo = case.materialize(tmp_path / "repo")
    assert run_cli("schemas", "generate", "-C", str(repo)).exit_code == 0
    for args in case.commands:
        result = run_cli(*args, "-C", str(repo))
        assert result.exit_code == 0, result.stderr
    assert tree_text(repo / "rendered") == snapshot(extension_class=YamlSnapshot)
    checked = run_cli("check", "-C", str(repo))
    assert checked.exit_code == 0, checked.stderr


def _matches(expected: dict[str, Any], found: dict[str, Any]) -> bool:
    for key in ("file", "line", "column", "path", "environment"):
        if key in expected and expected[key] != found[key]:
            return False
    return str(expected["message"]) in found["message"]


@pytest.mark.parametrize("case", INVALID, ids=[c.name for c in INVALID])
def test_invalid_case(case: Case, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    repo = case.materialize(tmp_path / "repo")
    before = tree_bytes(repo / "rendered")

    result = run_cli(*case.args, "-C", str(repo), "--format", "json")
    assert result.exit_code == case.exit, result.stdout + result.stderr
    errors = [d for d in json.loads(result.stdout)["diagnostics"] if d["severity"] == "error"]
    expected = case.spec["diagnostics"]
    for diagnostic in expected:
        assert any(_matches(diagnostic, found) for found in errors), (diagnostic, errors)
    assert len(errors) == len(expected), errors
    assert tree_bytes(repo / "rendered") == before

    text = run_cli(*case.args, "-C", str(repo))
    assert "Traceback" not in text.stderr
    for secret in case.never_printed:
        assert secret not in result.stdout + result.stderr + text.stdout + text.stderr
    assert text.stderr.replace(str(repo), "<repo>") == snapshot(extension_class=TextSnapshot)
