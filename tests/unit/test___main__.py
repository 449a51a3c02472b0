"""`python -m manifold` is the `manifold` command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from manifold import __version__
from manifold.cli import main as cli_main


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "manifold", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_an_unknown_command_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "manifold", "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_output_is_flushed_before_the_process_ends(tmp_path: Path) -> None:
    """The entry point ends the process without Python's teardown: what was written to a
    pipe must have reached it, on both streams, and the exit code must be the command's."""
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects/broken.yaml").write_text("spec: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "manifold", "check", "-C", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["status"] == "ProblemsFound"
    result = subprocess.run(
        [sys.executable, "-m", "manifold", "check", "-C", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("projects/broken.yaml:")
    assert result.stderr.rstrip().splitlines()[-1].startswith("manifold: problems found")


@pytest.mark.parametrize(
    ("code", "status", "stderr"), [(None, 0, ""), (4, 4, ""), ("a message", 1, "a message\n")]
)
def test_every_exit_the_group_raises_becomes_the_process_status(
    monkeypatch: pytest.MonkeyPatch, code: object, status: int, stderr: str
) -> None:
    """SystemExit as Python itself treats it: None is 0, a number is the status, anything
    else is printed and is 1."""
    ended: list[int] = []
    printed = io.StringIO()

    def main() -> None:
        raise SystemExit(code)

    def stop(status: int) -> None:
        ended.append(status)
        raise RuntimeError("ended")  # os._exit does not return

    monkeypatch.setattr(cli_main, "main", main)
    monkeypatch.setattr(os, "_exit", stop)
    monkeypatch.setattr(sys, "stderr", printed)
    with pytest.raises(RuntimeError, match="ended"):
        cli_main.entry()
    assert ended == [status]
    assert printed.getvalue() == stderr
