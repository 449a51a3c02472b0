"""The CLI's entry group (`manifold.cli.main`): the commands it mounts. How outcomes become
exit codes is `cli.running`'s, tested in test_running.py."""

from __future__ import annotations

from manifold.cli import main


def test_the_cli_mounts_every_command() -> None:
    assert {"render", "check", "validate", "diff", "schemas", "init"} <= set(main.main.commands)
