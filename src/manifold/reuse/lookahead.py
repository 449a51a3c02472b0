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

The child lists rendered/ and offers its folders in chunks (`treesurvey.Chunks`), then
looks at one chunk after another; this process, once its imports are done and the stamp is
trusted, takes the chunks still left (`treesurvey.follow`) and joins the child's look. So
the look ends when both are done rather than when the child is. The look is what a no-op
waits for, so the child imports as little as it can before it starts: no `json` (the stamp's
time is read as text, `_stamp_time`), no `typing` or `hashlib` (`treesurvey`). At N = 1,000
x 3 the child alone looked until 81 ms, while this process was ready at 65 ms; now the look
ends at 70 ms. The no-op render went from 126 ms (the look split, after the imports) to
95 ms with the child looking alone, and from 90 to 83 ms (medians of 25) with the chunks
shared and the child's imports cut; 144 ms before any of it.

This module is light on purpose: it is imported before anything else of manifold's.
"""

from __future__ import annotations

import os

from manifold.core import forked
from manifold.core.jobs import jobs_wanted

TYPE_CHECKING = False  # `typing`, `json`, `pathlib`: imported after the fork, as they delay it
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from manifold.reuse.treesurvey import Looked, Survey

_COMMANDS = ("render", "check")
_STAMP = os.path.join(".manifold", "tree-stamp.json")
_RENDERED = "rendered"


class Ahead:
    """A survey of rendered/ under way in a child, for the repository at `root`, and the
    chunks of it the child offers."""

    def __init__(self, root: str, child: forked.Child, chunks: int) -> None:
        self.root = root
        self.child = child
        self.chunks = chunks
        """The reading end of the pipe of chunks (`treesurvey.Chunks`)."""

    def survey(self, since_ns: int) -> Survey | None:
        """The survey, this process taking the chunks the child has not, if the child looked
        from `since_ns` (else None: look again); the child is reaped either way."""
        from manifold.reuse import treesurvey

        def led() -> Looked | None:
            sent = self.child.result()
            if not isinstance(sent, tuple) or not sent or sent[0] != since_ns:
                return None
            looked: Looked = sent[1:]
            return looked

        try:
            rendered = os.path.join(self.root, _RENDERED)
            return treesurvey.follow(rendered, since_ns, treesurvey.Chunks(self.chunks), led)
        finally:
            self.close()

    def close(self) -> None:
        self.child.close()
        if self.chunks >= 0:
            os.close(self.chunks)
            self.chunks = -1


_AHEAD: Ahead | None = None


def start(arguments: list[str]) -> None:
    """Start a survey of rendered/ when `arguments` (the command line after the program)
    look like a render or check of a repository with a stamp, and manifold may use more
    than one process (`core.jobs`: MANIFOLD_JOBS, one per CPU on Linux)."""
    global _AHEAD
    root = _root(arguments)
    if root is None or not stamped(root) or jobs_wanted() < 2:
        return  # not a no-op candidate, or no other CPU (or no fork) to look with
    # The pipe of `treesurvey.Chunks`, made here: that module is imported after the fork.
    readable, writable = os.pipe()
    child = forked.Child.start(lambda: _survey(root, readable, writable))
    os.close(writable)  # the child's to offer
    _AHEAD = Ahead(os.path.abspath(root), child, readable)


def stamped(root: str) -> bool:
    """Whether the repository at `root` has a stamp of rendered/: a run there may be a
    no-op (without one it cannot be)."""
    return os.path.isfile(os.path.join(root, _STAMP))


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


def _survey(root: str, readable: int, writable: int) -> tuple[Any, ...] | None:
    """In the child: the stamp's time as the file says, and its look from the racy time
    (`treesurvey.lead`): (time, digests, recent), or (time,) when a folder vanished."""
    from manifold.reuse import treesurvey

    chunks = treesurvey.Chunks(readable, writable)
    written_ns = _stamp_time(os.path.join(root, _STAMP))
    if written_ns is None:
        chunks.close_offers()  # nothing offered: the check looks itself
        return None
    since = written_ns - treesurvey.RACY_NS
    return (since, *treesurvey.lead(os.path.join(root, _RENDERED), since, chunks))


def _stamp_time(path: str) -> int | None:
    """The stamp's `written_ns`, read without `json` (3 ms to import in the child, before it
    can look): the stamp is written with its keys sorted, and that one last. Only a hint:
    the check uses the survey only when this is the time of the stamp it trusts."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
        _, key, value = text.rpartition(b'"written_ns":')
        written_ns = int(value.rstrip(b"}\n\t "))
    except (OSError, ValueError):
        return None
    return written_ns if key and written_ns >= 0 else None
