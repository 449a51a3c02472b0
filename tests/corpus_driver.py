"""Runs every invalid case of tests/cases/ through the CLI in one process, for test_corpus.

Usage: python -m tests.corpus_driver WORKDIR. Prints one JSON line per case: its name, exit
code, everything it printed, and the peak memory of the process so far. A crash of the
interpreter (a segfault, the memory limit) shows as a missing line, not a pytest crash.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
from pathlib import Path

from manifold.cli.main import main
from tests.casefolders import cases


def _run(args: list[str]) -> tuple[int, str]:
    output = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            main(args, prog_name="manifold")
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, output.getvalue()


def run_all(workdir: Path) -> None:
    for case in cases("invalid"):
        repo = case.materialize(workdir / case.name)
        outputs = []
        code = 0
        for extra in ([], ["--format", "json"]):
            code, printed = _run([*case.args, "-C", str(repo), *extra])
            outputs.append(printed)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        line = {"case": case.name, "exit": code, "output": "".join(outputs), "peak": peak}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    run_all(Path(sys.argv[1]))
