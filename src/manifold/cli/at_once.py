"""A plain `manifold render` or `manifold check` answered before click is imported, when
nothing changed since the last run.

A no-op render at N = 1,000 x 3 waits for two things at once: this process's imports and
look at the inputs, and the look at rendered/ that `reuse.lookahead` started in a child
(they share its last part: `treesurvey.follow`). Click and the CLI's modules are 15 ms of
those imports that the no-op answer does not need: it needs `commands.recorded` alone. So
when the command line is the plainest form of either command (nothing but the command and
the root, `-C DIR` or `--root DIR`) and the repository has a stamp, the launcher
(`cli.launch`) asks the record first, prints what the CLI prints for that outcome
(`report.finished`, as `running.emit` does) and ends with its exit code.

Anything else goes on to the CLI as before, which decides as always: another option, a
root that is not a folder, a run that is not a no-op (the record is asked again there, 7 ms
on a run that renders), or any error on the way (the CLI meets it again, and reports it as
it reports every error). The answer is the CLI's: `tests/unit/cli/test_at_once.py` holds
the two to the same bytes.
"""

from __future__ import annotations

import sys

from manifold.reuse import lookahead

_COMMANDS = ("render", "check")


def answer(arguments: list[str]) -> int | None:
    """The exit code of the command line `arguments` (after the program) once answered
    here, or None: the CLI is to run it."""
    plain = _plain(arguments)
    if plain is None or not lookahead.stamped(plain[1]):
        return None
    command, root = plain
    from pathlib import Path

    from manifold.commands import recorded

    folder = Path(root)
    try:
        outcome = recorded.at_once(command, folder) if folder.is_dir() else None
    except Exception:  # whatever it is, the CLI meets it again and reports it
        return None
    if outcome is None or outcome.output is not None:
        return None
    from manifold.cli import report

    problems, line = report.finished(outcome.diagnostics, outcome.summary)
    if problems:
        print(problems, file=sys.stderr)
    print(line)
    return outcome.exit_code


def _plain(arguments: list[str]) -> tuple[str, str] | None:
    """The command and the root of a plain command line; None for any other."""
    match arguments:
        case [str(command)] if command in _COMMANDS:
            return command, "."
        case [str(command), "-C" | "--root", str(root)] if command in _COMMANDS:
            return command, root
        case [str(command), str(option)] if command in _COMMANDS and option.startswith("--root="):
            return command, option.removeprefix("--root=")
    return None
