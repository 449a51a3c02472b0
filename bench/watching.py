"""The rows of `manifold render --watch` (issue 16: edits in a blink): one project changed
while a watching process runs, then another.

Each is timed from the moment the edited project file is written to the moment the watcher
prints the render's summary: the time includes noticing the change (the watcher looks every
0.1 s by default, so half of that on average), not only rendering it. Each change is made
once the watcher has said it is watching again, as a user edits once it is ready. A round starts one
watching process, as a user does, on a repository that `manifold render` has just brought up
to date (untimed: the watcher's own first render then has nothing to do), times the first
change and the next, and stops it with SIGINT, as Ctrl-C does. Its peak memory is the
watching process's over the round.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from bench.measure import MemoryWatch, process_user_seconds, run

if TYPE_CHECKING:
    from bench.harness import Bench

WAIT_SECONDS = 600.0
"""How long a summary may take before the round is given up as broken."""
READY = "manifold: watching "
"""How the watcher says it waits for the next change (on stderr)."""


@dataclass
class WatchStep:
    """One change a watching process renders, timed once per round (a harness step)."""

    key: str
    label: str
    timed: Callable[[], tuple[float, float]]
    """One change: its wall seconds and the watcher's user CPU seconds meanwhile."""
    seconds: list[float] = field(default_factory=list)
    user_seconds: list[float] = field(default_factory=list)
    peak_rss: int = 0
    peak_pss: int = 0

    def measure(self) -> float:
        seconds, user_seconds = self.timed()
        self.seconds.append(seconds)
        self.user_seconds.append(user_seconds)
        return seconds


def add_watch_steps(bench: Bench) -> None:
    if "watch" in bench.options.skip:
        for key in ("render_watch_change", "render_watch_next_change"):
            bench.skipped[key] = {"reason": "--skip watch"}
        return
    session = _Session(bench)
    first = WatchStep(
        "render_watch_change", "manifold render --watch (one project changed)", session.first_change
    )
    after = WatchStep("render_watch_next_change",
                      "manifold render --watch (then another project changed)",
                      session.next_change)  # fmt: skip
    session.steps = [first, after]
    bench.steps += [first, after]


class _Session:
    """One watching process per round: started by the first step, stopped by the second."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.steps: list[WatchStep] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.memory: MemoryWatch | None = None
        self.errors: IO[bytes] | None = None
        self.pending = b""
        self.renders = 0

    def first_change(self) -> tuple[float, float]:
        run(self.bench.render(self.bench.repo))  # up to date, as when a user starts watching
        self._start()
        return self._timed(self.bench.change_one_project)

    def next_change(self) -> tuple[float, float]:
        try:
            return self._timed(self.bench.change_another_project)
        finally:
            self._stop()

    def _start(self) -> None:
        # Open across two steps (closed in `_stop`): no `with` block spans them.
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        argv = [*self.bench.manifold, "render", "--watch", "-C", str(self.bench.repo)]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.errors)
        self.memory = MemoryWatch(self.process.pid)
        self.memory.start()
        self.pending = b""
        self.renders = 0
        self._summary()  # its first render

    def _timed(self, change: Callable[[], None]) -> tuple[float, float]:
        assert self.process is not None
        self._ready()
        used_before = process_user_seconds(self.process.pid)
        change()
        started = time.perf_counter()
        line = self._summary()
        seconds = time.perf_counter() - started
        user_seconds = process_user_seconds(self.process.pid) - used_before
        if not line.startswith("rendered "):
            raise RuntimeError(f"the watcher did not render the change: {line!r}")
        return seconds, user_seconds

    def _summary(self) -> str:
        """The next line the watcher prints on stdout (a render's summary)."""
        assert self.process is not None and self.process.stdout is not None
        out = self.process.stdout.fileno()
        deadline = time.monotonic() + WAIT_SECONDS
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([out], [], [], max(left, 0))
            chunk = os.read(out, 65536) if ready else b""
            if not chunk:
                raise RuntimeError(f"the watcher stopped or hung: {self._stderr()}")
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        self.renders += 1
        return line.decode("utf-8", "replace")

    def _ready(self) -> None:
        """Wait for the watcher to say it watches again after its last render, as a user
        sees it do before editing (it may first do work that needs no change: the shadow)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while self._stderr().count(READY) < self.renders:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the watcher did not get ready: {self._stderr()}")
            time.sleep(0.01)

    def _stderr(self) -> str:
        if self.errors is None:
            return ""
        self.errors.seek(0)
        return self.errors.read()[-4000:].decode("utf-8", "replace")

    def _stop(self) -> None:
        assert self.process is not None and self.memory is not None
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT_SECONDS)
        self.memory.stop.set()
        self.memory.join()
        for step in self.steps:
            step.peak_rss = max(step.peak_rss, self.memory.peak)
            step.peak_pss = max(step.peak_pss, self.memory.peak_pss)
        if self.process.stdout is not None:
            self.process.stdout.close()
        stderr = self._stderr()
        if self.errors is not None:
            self.errors.close()
        if code != 0:
            raise RuntimeError(f"the watcher ended with {code}: {stderr}")
