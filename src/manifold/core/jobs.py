"""How many processes manifold may work with: one setting read in one place, by the
environment pool that renders environments side by side, the reader that parses input files
ahead of the compiler (`manifold.inputs.ahead`), and the looks at rendered/ made in a child
(`reuse.treescan`, `reuse.treesurvey`, `reuse.lookahead`). Light to import: the last is
asked before anything else is imported (multiprocessing alone would take 12 ms)."""

from __future__ import annotations

import os
import sys

JOBS_VARIABLE = "MANIFOLD_JOBS"


def jobs_wanted() -> int:
    """Processes to work with: MANIFOLD_JOBS, or one per CPU on Linux. Where fork() is not
    available, or not safe by default (macOS), one."""
    if not hasattr(os, "fork"):  # Windows: multiprocessing offers no fork there either
        return 1
    configured = os.environ.get(JOBS_VARIABLE, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0))
