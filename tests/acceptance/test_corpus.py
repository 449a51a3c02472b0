"""The hostile-input corpus (tests/cases/invalid/) as a whole, through the CLI.

Each case is also a test of its own (test_cases.py); this runs all of them in one separate
process under hard limits of memory and CPU time, so that a crash of the interpreter, a
runaway expansion or an endless loop fails the test instead of the test run.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.casefolders import cases
from tests.conftest import REPO_ROOT

MEMORY_LIMIT = 1024**3
"""Address space the whole corpus run may use: several times what it needs (~100 MB)."""
CPU_SECONDS = 120
"""CPU time the whole corpus run may use: a generous multiple of what it needs (~3 s)."""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    if sys.platform.startswith("linux"):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_the_corpus_holds_at_least_100_cases() -> None:
    assert len(cases("invalid")) >= 100


def test_the_whole_corpus_runs_without_a_traceback(tmp_path: Path) -> None:
    expected = {case.name: case.exit for case in cases("invalid")}
    process = subprocess.run(
        [sys.executable, "-m", "tests.corpus_driver", str(tmp_path)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        preexec_fn=_limits,
        timeout=10 * CPU_SECONDS,
        check=False,
    )
    results = [json.loads(line) for line in process.stdout.splitlines()]
    finished = [result["case"] for result in results]
    assert process.returncode == 0, (
        f"the corpus run died after {finished[-1:] or 'no case'}: {process.stderr[-2000:]}"
    )
    assert finished == sorted(expected)
    for result in results:
        assert result["exit"] == expected[result["case"]], result
        assert "Traceback" not in result["output"], result
        assert "internal error" not in result["output"], result
