"""Work done in a forked child process, its result sent back through a pipe as `marshal`
data (dicts, lists, tuples and scalars: no pickled objects, no imports on the way back).

Why fork and not a thread: the work handed to a child here is system calls and Python
between them (reading files, stat-ing a tree), and a thread doing that needs Python's lock
after every call, which a busy main thread holds for up to 5 ms at a time. A child inherits
what it needs with the memory, on the CPU the main process leaves idle.

The message says its length first, so that it is read into one buffer of that size: one
large allocation, given back to the system when freed (read in pieces and joined, tens of
MiB stayed in the heap of the reader, and of every worker it forked later). A child that
dies, or sends less than it announced, has sent nothing: its caller then does the work
itself, so that no answer ever depends on the child.
"""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False  # `typing` costs 6 ms to import: see `Child`
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Child:
    """A forked child working on one call, and the pipe its result comes through.

    Light to import (no dataclass, `signal` only when needed): `reuse.lookahead` forks one
    before anything else is imported, and whatever this module imports delays that."""

    __slots__ = ("pid", "pipe")

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe

    @classmethod
    def start(cls, work: Callable[[], Any]) -> Child:
        """Fork a child that sends `work()`'s result and exits; it ignores Ctrl-C, which is
        this process's to report."""
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            os.close(readable)
            _run(work, writable)
        os.close(writable)
        return cls(pid, readable)

    def result(self) -> Any | None:
        """What the child sent (waiting for it), or None when it sent nothing whole; the
        child is reaped either way."""
        try:
            return receive(self.pipe)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child (if it has not finished) and reap it; safe to call twice."""
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1


def _run(work: Callable[[], Any], pipe: int) -> None:  # pragma: no cover - in the child
    """Do the work, send its result, exit at once (no clean-up of the parent's state:
    atexit handlers and buffered output are not the child's)."""
    import signal

    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        send(pipe, work())
        status = 0
    finally:
        os._exit(status)


def send(pipe: int, data: Any) -> None:
    """`data` marshalled, after its length."""
    blob = marshal.dumps(data)
    message = memoryview(len(blob).to_bytes(8, "big") + blob)
    del blob
    while message:
        message = message[os.write(pipe, message) :]


def receive(pipe: int) -> Any | None:
    """What `send` wrote to the pipe; None when the pipe ends before it is whole, or it is
    not marshal data."""
    header = _read_exactly(pipe, 8)
    if header is None:
        return None
    body = _read_exactly(pipe, int.from_bytes(header, "big"))
    if body is None:
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None


def _read_exactly(pipe: int, size: int) -> bytearray | None:
    """`size` bytes from the pipe, or None when it ends first."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    done = 0
    while done < size:
        got = os.readv(pipe, [view[done:]])
        if got == 0:
            return None
        done += got
    return buffer
