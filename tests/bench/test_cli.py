"""The benchmark's command (`bench/cli.py`): what it sets up before it runs anything."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT

_STARTED_IN_THE_BACKGROUND = """
import signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # what `&` in a shell script does
from bench.cli import interruptible_children
if sys.argv[1] == "restored":
    interruptible_children()
probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
print(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout)
"""


def _child_stops_on_sigint(restored: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", _STARTED_IN_THE_BACKGROUND, restored],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


def test_commands_started_from_a_background_benchmark_stop_on_sigint() -> None:
    """The watch rows stop their watcher with SIGINT: ignored, it would never stop."""
    assert _child_stops_on_sigint("as-is") == "False"
    assert _child_stops_on_sigint("restored") == "True"
