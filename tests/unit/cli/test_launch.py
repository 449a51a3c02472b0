"""The executable's first step (`manifold.cli.launch`): the look ahead at rendered/ starts
before click or any command is imported, and the run then goes on as the CLI decides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli

_PROBE = """
import sys
from manifold.reuse import lookahead
started = lookahead.start

def start(arguments):
    print("imported before the look ahead:", "click" in sys.modules, file=sys.stderr)
    started(arguments)
    print("looking ahead:", lookahead._AHEAD is not None, file=sys.stderr)

lookahead.start = start
sys.argv = ["manifold", *sys.argv[1:]]
from manifold.cli.launch import entry
entry()
"""


def _launch(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_no_op_render_looks_ahead_before_the_cli_is_imported(example_repo: Path) -> None:
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    launched = _launch("render", "-C", str(example_repo))
    assert launched.returncode == 0, launched.stderr
    assert "imported before the look ahead: False" in launched.stderr
    assert "looking ahead: True" in launched.stderr
    assert "is up to date" in launched.stdout


def test_other_commands_go_straight_to_the_cli(example_repo: Path) -> None:
    launched = _launch("validate", "-C", str(example_repo))
    assert "looking ahead: False" in launched.stderr
    assert launched.returncode == 0, launched.stderr
