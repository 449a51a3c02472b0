"""Running a command as a child process: its wall time, user CPU time, peak memory and exit
status.

User CPU time (of the command and of every process it waited for: forked workers) comes from
the kernel's accounting of this process's finished children. It is the command's own code at
work; system time, the kernel's work for it (creating and writing thousands of files), moves
with the file system: a render from nothing of the benchmark repository took 2.4 s to 14 s of
system time from one run to the next, for the same 3.8 s of user time. So user time tells a
slower disk from slower code, and the wall time the user waits holds both.

Peak memory is read from /proc while the command runs, two ways:

- resident set: the largest of the process's own high-water mark (VmHWM) and the sum of the
  resident sets (VmRSS) of it and its descendants (Kapitan's worker processes, for instance),
  polled every 10 ms. A page that forked workers share with their parent counts once per
  process, so this overstates a tree of forked workers.
- proportional set (PSS, from /proc/<pid>/smaps_rollup): a shared page counts a share per
  process that maps it, so the sum over the tree is what the tree takes from the machine.
  The kernel walks the page tables to compute it, so after the first 0.2 s it is polled
  every 50 ms; a peak shorter than that may be missed, the high-water mark above never is.

The kernel's `ru_maxrss` cannot serve: a child's counts the resident set of the process it
was forked from, here the benchmark itself with every object in memory.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    user_seconds: float
    """User CPU time of the command and the processes it waited for."""
    peak_rss: int
    """Bytes."""
    peak_pss: int
    """Bytes; 0 where the kernel does not report it."""
    exit_code: int
    stderr: str


@dataclass(frozen=True)
class Invocation:
    """One command line, where it runs, and where its standard output goes (None: nowhere)."""

    argv: Sequence[str]
    cwd: Path | None = None
    stdout: Path | None = None


class CommandFailed(Exception):
    def __init__(self, invocation: Invocation, run: Run) -> None:
        super().__init__(
            f"`{' '.join(invocation.argv)}` exited with {run.exit_code}:\n{run.stderr.strip()}"
        )


def run(invocation: Invocation) -> Run:
    """Run to completion; raise CommandFailed on a non-zero exit."""
    with (
        (invocation.stdout or Path(os.devnull)).open("wb") as out,
        tempfile.TemporaryFile() as err,
    ):
        used_before = _children_user_seconds()
        start = time.perf_counter()
        process = subprocess.Popen(invocation.argv, cwd=invocation.cwd, stdout=out, stderr=err)
        watch = MemoryWatch(process.pid)
        watch.start()
        process.wait()
        seconds = time.perf_counter() - start
        # Runs are one at a time, so the children's total grew by this command's alone.
        user_seconds = _children_user_seconds() - used_before
        watch.stop.set()
        watch.join()
        err.seek(0)
        stderr = err.read()[-4000:].decode("utf-8", "replace")
    result = Run(seconds, user_seconds, watch.peak, watch.peak_pss, process.returncode, stderr)
    if result.exit_code != 0:
        raise CommandFailed(invocation, result)
    return result


def _children_user_seconds() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def process_user_seconds(pid: int) -> float:
    """User CPU time a running process has used so far, with the children it waited for
    (/proc/<pid>/stat: utime and cutime); 0.0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces: the fields that follow start after its ")".
    fields = stat.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[13])
    return ticks / os.sysconf("SC_CLK_TCK")


class MemoryWatch(threading.Thread):
    """Polls the resident memory of a process tree until told to stop."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self.stop = threading.Event()

    def run(self) -> None:
        polls = 0
        while True:
            high_water = _status_kib(self.pid, "VmHWM:")
            processes = _tree(self.pid)
            tree = sum(_status_kib(pid, "VmRSS:") for pid in processes)
            self.peak = max(self.peak, high_water * 1024, tree * 1024)
            # Every poll while the command is young: the first reading may come as it starts
            # (a Python process's PSS is then a few KiB), and a command of 50 ms would have
            # no other.
            if polls < _PSS_EVERY_POLL_FOR or polls % _PSS_EVERY == 0:
                pss = sum(_field_kib(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in processes)
                self.peak_pss = max(self.peak_pss, pss * 1024)
            polls += 1
            if self.stop.wait(0.01):
                return


_PSS_EVERY = 5
"""Polls of the resident set per poll of the proportional set (10 ms each)..."""
_PSS_EVERY_POLL_FOR = 20
"""...after the first 20 polls (0.2 s), during which both are read every time."""


def _status_kib(pid: int, field: str) -> int:
    return _field_kib(f"/proc/{pid}/status", field)


def _field_kib(path: str, field: str) -> int:
    """A "Name:  1234 kB" line of a /proc file, in KiB; 0 when the process is gone."""
    try:
        with Path(path).open(encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # gone, or a zombie without memory
    return 0


def _tree(pid: int) -> list[int]:
    """The process and its descendants, as far as /proc shows them now."""
    found, index = [pid], 0
    while index < len(found):
        tasks = Path(f"/proc/{found[index]}/task")
        index += 1
        try:
            for task in tasks.iterdir():
                found.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


@dataclass(frozen=True)
class Stats:
    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        ordered = sorted(values)
        if len(ordered) >= 2:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = q3 = ordered[0]
        return cls(statistics.median(ordered), ordered[0], ordered[-1], q1, q3)
