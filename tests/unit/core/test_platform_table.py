"""The platform table is the one the models check names against, and reading it (as the CLI
does on every run, the no-op answer included) imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys

from manifold.core import platform_names, platform_table


def test_the_models_check_names_against_this_table() -> None:
    assert platform_names.PLATFORMS is platform_table.PLATFORMS


def test_the_cli_starts_without_pydantic() -> None:
    """pydantic and the models cost about 0.1 s to import: more than a third of a no-op."""
    probe = (
        "import sys, manifold.cli.main; print(sorted(m for m in sys.modules if 'pydantic' in m))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
