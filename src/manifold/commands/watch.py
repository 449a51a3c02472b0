"""`manifold render --watch`: render, then render again each time an input file changes.

Why a process that stays: of a one-project-changed render started from the shell (about
1.35 s on the benchmark repository, N = 1,000 projects x 3 environments), about 0.5 s is
Python starting and importing the compiler (pydantic building its models is most of it). A
watching process pays that once; each change then costs what the render itself costs.

Why looks, and why this test of "changed": the inputs are looked at as the no-op check
looks at them (`reuse.fastpath.look_at_inputs`, the very look a render takes): a
file is read again only when its size, time or inode differs from the last look, or when it
was modified too recently for its stat to be trusted (a second write within the file
system's timestamp granularity, same size, would change nothing else). So the watcher renders
again exactly when a `render` of the same inputs would have something new to do (the next
look is compared with what the last render read, `RendersLook`), and no answer depends on
file notifications, which behave differently on each system and inside containers' shared
folders: they only end a wait early (`commands.wakeup`: inotify on Linux), so that a saved
file is rendered at once rather than at the next look. A look at the 1,006 input files of
the benchmark repository costs about 6 ms; the wait between looks is at least `_BUSY_RATIO`
times the last look, so that watching 10,000 projects does not keep a CPU busy.

Each render is the CLI's own (`commands.recorded.render`, through `cli.running.perform`): the
answer is the same as a render run from the shell, whatever was rendered before in this
process (a test holds the two to the same bytes).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from manifold.commands.wakeup import Wakeup
from manifold.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED
from manifold.reuse import workdir
from manifold.reuse.fastpath import INPUT_FOLDERS, InputsDigest, look_at_inputs
from manifold.reuse.fingerprints import InputRecord, code_fingerprint, load_inputs_record

STOPPING_CODES = frozenset({EXIT_INTERNAL, EXIT_INTERRUPTED})
"""A render that ends so stops the watching: a bug in manifold, or Ctrl-C during a render."""

_BUSY_RATIO = 5
"""The wait between two looks is at least this many times the last look's cost: watching
takes at most a sixth of one CPU, whatever the size of the repository."""

MOST_NAMED = 3
"""How many changed files a message names before it says how many more."""


@dataclass
class InputWatch:
    """The input files of a repository as last looked at: their combined digest and the
    record of each file's stat and digest (which spares reading unchanged files)."""

    root: Path
    digest: str
    record: InputRecord

    @classmethod
    def start(cls, root: Path) -> InputWatch:
        """The inputs as they are now; the record of the last run (if any) spares reading
        the files it vouches for."""
        known = load_inputs_record(workdir.existing(root))
        digest, record = look_at_inputs(root, known)
        return cls(root, digest, record)

    def changes(self) -> list[str] | None:
        """None when nothing changed since the last look; else the repository-relative paths
        of the files added, removed or changed, sorted (empty when what changed is not a
        file the record can name, such as an unreadable one: the digest still tells)."""
        digest, record = look_at_inputs(self.root, self.record)
        before, self.record = self.record, record
        if digest == self.digest:
            return None
        self.digest = digest
        return sorted(
            path
            for path in before.entries.keys() | record.entries.keys()
            if _file_digest(before, path) != _file_digest(record, path)
        )


@dataclass
class RendersLook:
    """The look at the inputs a render took before it read them (`fastpath.inputs_digest`),
    handed to the watch in this process (never read back from `.manifold/`: a failed render
    saves none, and what is on disk is not to be trusted).

    Why: the watch's own look may land between an editor's truncate and its write and see
    an empty file; the render a moment later reads the whole file and is right, but against
    the watch's look the next one would find the file changed again and render once more.
    Compared with what the render read, it finds nothing; and a change made after the
    render's look is still a change. A render that parsed files in another process while
    it looked (`inputs.ahead`, with no `.manifold/`) gives no look: its parse is not known
    to come after it."""

    seen: tuple[str, InputRecord] | None = None

    def put(self, digest: InputsDigest) -> None:
        self.seen = (digest.inputs, digest.record)

    def take(self) -> tuple[str, InputRecord] | None:
        seen, self.seen = self.seen, None
        return seen


def _file_digest(record: InputRecord, path: str) -> str | None:
    entry = record.entries.get(path)
    return None if entry is None else entry[1]


def watch(
    render: Callable[[], int],
    root: Path,
    interval: float,
    say: Callable[[str], None],
    *,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
    restart: Callable[[], NoReturn] | None = None,
    between: Callable[[], object] = lambda: None,
    renders_look: RendersLook | None = None,
) -> int:
    """Render now, and again after each change to the inputs, until Ctrl-C while waiting
    (0) or a render that ends in a code of STOPPING_CODES (that code). `render` reports its
    own outcome and returns its exit code; `say` tells the user what the watch does.
    `restart` replaces the process when manifold's own code changes (`_restart`); `between`
    is work for the time after a render, before waiting (`output.idle.level_shadow`);
    `renders_look` is where `render` leaves the look it took at the inputs, if it does;
    `sleep` is the wait between looks (default: one a change in the input folders ends,
    `wakeup.Wakeup`)."""
    # This process runs the code it started with; the records a render leaves name the
    # code on disk (`fingerprints.code_fingerprint`). Once the two differ (an upgrade, an
    # edit of manifold itself), a render here would record the old code's output as the
    # new code's, which later runs would trust: the watch starts again instead.
    code_at_start = code_fingerprint()
    folders = [root / folder for folder in INPUT_FOLDERS]
    wakeup = Wakeup() if sleep is not None else Wakeup.start()
    # Looked at before the render: a file saved while it runs is a change after it.
    inputs = InputWatch.start(root)
    # Ctrl-C may come at any point between two renders, even while a message is written
    # (a render catches its own): every such point stops the watch the same way.
    try:
        code = _render(render, inputs, renders_look)
        _settle()
        while code not in STOPPING_CODES:
            between()
            # Before each wait, not on the way to a render: folders added since are watched
            # (a change made before is found by the look, which compares with the render's).
            wakeup.follow(folders)
            say(f"watching {', '.join(f'{name}/' for name in INPUT_FOLDERS)} (Ctrl-C stops)")
            changed = _next_change(inputs, interval, sleep or wakeup.wait, clock)
            say(describe(changed))
            if code_fingerprint() != code_at_start:
                say("manifold itself changed since watching started; starting again")
                (restart or _restart)()
            code = _render(render, inputs, renders_look)
    except KeyboardInterrupt:
        say("stopped watching")
        return 0
    finally:
        wakeup.close()
    return code


def _render(render: Callable[[], int], inputs: InputWatch, look: RendersLook | None) -> int:
    """Render; from then on, changes are told against what the render read, when it says."""
    code = render()
    seen = look.take() if look is not None else None
    if seen is not None:
        inputs.digest, inputs.record = seen
    return code


def _restart() -> NoReturn:
    """This command again, in a new program image of the same process (same terminal,
    same process id), running the code now on disk."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "manifold", *sys.argv[1:]])


def _settle() -> None:
    """Before the first wait: a first render with nothing to do never imports the compiler
    (`commands.recorded`); imported now, it does not delay the first change by half a
    second. The platforms' modules too, which the compiler imports on first use (some 50
    modules: 30 to 40 ms of CPU that only the first change paid, on the benchmark
    repository). What is alive then (modules, their caches) lives as long as the process:
    moved to the collector's permanent generation, it is not traversed again by the collections
    each render makes (on the benchmark repository they took 25 ms of a 0.55 s render
    before, 19 ms after)."""
    importlib.import_module("manifold.pipeline.commands")
    from manifold.targets import registry

    registry.all_targets()
    registry.settings_models()
    gc.collect()
    gc.freeze()


def _next_change(
    inputs: InputWatch,
    interval: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> list[str]:
    while True:
        started = clock()
        changed = inputs.changes()
        if changed is not None:
            return changed
        sleep(max(interval, _BUSY_RATIO * (clock() - started)))


def describe(changed: list[str]) -> str:
    """What a message says changed: up to MOST_NAMED paths, then how many more."""
    if not changed:
        return "the inputs changed; rendering"
    named = ", ".join(changed[:MOST_NAMED])
    more = len(changed) - MOST_NAMED
    return f"{named}{f' and {more} more' if more > 0 else ''} changed; rendering"
