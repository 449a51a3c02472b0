"""The benchmark's child-process measurements: wall time, peak memory, exit status."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import measure
from bench.measure import CommandFailed, Invocation, process_user_seconds, run

linux_proc = pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc smaps_rollup"
)


@linux_proc
def test_a_short_command_gets_both_peaks() -> None:
    result = run(Invocation([sys.executable, "-c", "pass"]))
    assert result.exit_code == 0
    assert result.peak_rss > 0
    assert result.peak_pss > 0


@linux_proc
def test_a_proportional_set_read_as_the_command_starts_is_read_again_soon(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first reading of every process is 1 KiB (as for a process read as it starts): the
    next 10 ms poll reads it again, not the 5th, so a 30 ms command gets its real peak."""
    real = measure._field_kib
    read: set[str] = set()

    def first_smaps_read_tiny(path: str, field: str) -> int:
        if path.endswith("smaps_rollup") and path not in read:
            read.add(path)
            return 1
        return real(path, field)

    monkeypatch.setattr(measure, "_field_kib", first_smaps_read_tiny)
    result = run(Invocation([sys.executable, "-c", "import time; time.sleep(0.03)"]))
    assert read
    assert result.peak_pss > 1024 * 1024


def test_a_failing_command_raises_with_its_stderr() -> None:
    with pytest.raises(CommandFailed, match="exited with 3:\nboom"):
        run(
            Invocation(
                [sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"]
            )
        )


def test_user_time_counts_the_command_and_the_workers_it_waited_for() -> None:
    """A command that spins 0.2 s of CPU in a forked child it waits for, and sleeps as long
    itself: its user time is the child's spin, not its wall time. (By CPU time, not wall
    time: on a busy machine a spin of 0.2 s of wall time got 0.14 s of CPU; and the clock is
    read seldom, as reading it is a system call.)"""
    spin = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    end = time.process_time() + 0.2\n"
        "    while time.process_time() < end:\n"
        "        for _ in range(100_000): pass\n"
        "    os._exit(0)\n"
        "os.wait()\n"
        "time.sleep(0.2)\n"
    )
    result = run(Invocation([sys.executable, "-c", spin]))
    assert 0.15 <= result.user_seconds < result.seconds


@linux_proc
def test_a_running_process_user_time_grows_and_a_gone_one_is_zero() -> None:
    import os
    import time

    before = process_user_seconds(os.getpid())
    # Busy in user space for 0.2 s of CPU, however busy the machine (the clock is read
    # seldom: reading it is a system call); the kernel counts 10 ms ticks.
    end = time.process_time() + 0.2
    while time.process_time() < end:
        for _ in range(100_000):
            pass
    assert process_user_seconds(os.getpid()) >= before + 0.1
    assert process_user_seconds(2**22 + 1) == 0.0
