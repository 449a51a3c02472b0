"""The no-op check's look at rendered/, started before the CLI is imported.

A `render` or `check` that changes nothing spends its time in two places that do not depend
on each other: this process imports the CLI and hashes the inputs (65 ms at N = 1,000 x 3),
then the no-op check looks at the 17,475 files of rendered/ (`treesurvey`: 35 ms on two
CPUs). So the executable's first step (`cli.launch`), when the arguments look like such a
run and the repository has a stamp, forks a child that makes the `treesurvey.Survey` at
once, on the CPU the imports leave idle; the check then takes it (`take`) instead of looking
itself.

The child needs the stamp's time and must not wait for the stamp to be trusted (that takes
the schema validator's import), so it reads the time from the file as it is, and sends it
back with the survey: the check uses the survey only when that time is the one of the stamp
it trusts, and otherwise looks again itself. The arguments are only a hint in the same way:
a survey of another folder than the run's is not used. So the answer never depends on the
child; a child that dies or sends nothing whole is as none. A run that is not a no-op (the
inputs changed) stops the child when the check gives way, before the render starts.

The child looks alone (`treesurvey.survey(split=False)`): split again, three processes
would share two CPUs while this one imports. At N = 1,000 x 3 the no-op render went from
126 ms (the look split, after the imports) to 95 ms here; 144 ms before either.

This module is light on purpose: it is imported before anything else of manifold's.
"""

from __future__ import annotations

import os

from manifold.core import forked
from manifold.core.jobs import jobs_wanted

TYPE_CHECKING = False  # `typing`, `json`, `pathlib`: imported after the fork, as they delay it
if TYPE_CHECKING:
    from pathlib import Path

    from manifold.reuse.treesurvey import Survey

_COMMANDS = ("render", "check")
_STAMP = os.path.join(".manifold", "tree-stamp.json")
_RENDERED = "rendered"


class Ahead:
    """A survey of rendered/ under way in a child, for the repository at `root`."""

    def __init__(self, root: str, child: forked.Child) -> None:
        self.root = root
        self.child = child

    def survey(self, since_ns: int) -> Survey | None:
        """The child's survey, if it looked from `since_ns` (else None: look again); the
        child is reaped either way."""
        from manifold.reuse.treesurvey import Survey

        sent = self.child.result()
        if not isinstance(sent, tuple) or len(sent) != 3 or sent[0] != since_ns:
            return None
        _, stats, recent = sent
        return Survey(stats, recent) if stats is not None else None  # vanished: look again

    def close(self) -> None:
        self.child.close()


_AHEAD: Ahead | None = None


def start(arguments: list[str]) -> None:
    """Start a survey of rendered/ when `arguments` (the command line after the program)
    look like a render or check of a repository with a stamp, and manifold may use more
    than one process (`core.jobs`: MANIFOLD_JOBS, one per CPU on Linux)."""
    global _AHEAD
    root = _root(arguments)
    if root is None or not os.path.isfile(os.path.join(root, _STAMP)) or jobs_wanted() < 2:
        return  # not a no-op candidate, or no other CPU (or no fork) to look with
    _AHEAD = Ahead(os.path.abspath(root), forked.Child.start(lambda: _survey(root)))


def take(root: Path) -> Ahead | None:
    """The survey started for the repository at `root`, once; another one's is stopped."""
    global _AHEAD
    ahead, _AHEAD = _AHEAD, None
    if ahead is not None and ahead.root != os.path.abspath(root):
        ahead.close()
        return None
    return ahead


def _root(arguments: list[str]) -> str | None:
    """The repository a render or check names (`-C`, `--root`), or None for any other
    command (a render that watches never answers from the record at once; help reads
    nothing)."""
    if not arguments or arguments[0] not in _COMMANDS or {"--watch", "--help"} & {*arguments}:
        return None
    root = "."
    for index, argument in enumerate(arguments):
        if argument in ("-C", "--root") and index + 1 < len(arguments):
            root = arguments[index + 1]
        elif argument.startswith("--root="):
            root = argument.removeprefix("--root=")
        elif argument.startswith("-C") and len(argument) > 2:
            root = argument[2:]
    return root


def _survey(root: str) -> tuple[int, str | None, dict[str, str]] | None:
    """In the child: the stamp's time as the file says, and the survey from its racy time."""
    import json

    from manifold.reuse import treesurvey

    try:
        with open(os.path.join(root, _STAMP), "rb") as handle:
            written_ns = json.loads(handle.read()).get("written_ns")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(written_ns, int) or isinstance(written_ns, bool):
        return None
    since = written_ns - treesurvey.RACY_NS
    found = treesurvey.survey(os.path.join(root, _RENDERED), since, split=False)
    return (since, None, {}) if found is None else (since, found.stats, found.recent)
