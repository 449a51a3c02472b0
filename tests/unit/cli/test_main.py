"""The CLI's entry group (`manifold.cli.main`): the commands it mounts. How outcomes become
exit codes is `cli.running`'s, tested in test_running.py."""

from __future__ import annotations

import importlib
import subprocess
import sys

from manifold.cli import main
from manifold.targets.registry import command_groups, command_summaries


def test_the_cli_mounts_every_command() -> None:
    assert {"render", "check", "validate", "diff", "schemas", "init"} <= set(main.main.commands)


def test_the_help_names_a_platform_group_by_its_own_first_line() -> None:
    """`manifold --help` lists a platform's group by the line the registry holds
    (`command_summaries`), so that it need not import the platform: the two are one line."""
    from manifold.cli.running import run

    for name, module in command_groups().items():
        group = importlib.import_module(module).group(run)
        assert command_summaries()[name] == group.get_short_help_str(limit=1_000)


def test_the_help_imports_no_platform_and_no_model() -> None:
    """Listing the commands builds no compiler: 0.25 s of the 0.3 s `--help` took."""
    code = (
        "import sys; from manifold.cli.main import main; sys.argv = ['manifold', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pydantic', 'manifold.models', 'manifold.compile', 'manifold.targets.runai')\n"
        "print('LOADED', [m for m in heavy if m in sys.modules], file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "runai" in result.stdout
    assert "LOADED []" in result.stderr
