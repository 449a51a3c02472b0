"""What a process keeps between the renders it runs: one object, made by the command and
passed down to whatever remembers an answer.

Why one object: a memo beside the code it serves (a module's dictionary) lives as long as the
process, is shared by every render in it, and is found only by reading that module. The
house rule is kubeconform's cache: one object injected at one boundary, asked at one point
(`get_or_compute`, over `get` and `put`), never changing an answer. The command makes it:
the CLI one per run, `render --watch` one for all its renders (`waits`). The compiler and
the input readers take it as a parameter and import no cache module; `None` there means
that nothing is kept.

Why the answer cannot change: each shelf's key is everything its answer is made of (a text
for the positions in it, the files a kustomization lists and their sources), or the answer
carries what it was made from and the caller checks it (a cache file's digest: `readback`).
Answers are never changed in place once put.

A process that waits between renders also keeps work a render leaves for the wait
(`when_waiting`): saving what only later renders read (the project cache, about 25 ms of a
one-change render at N = 1,000 x 3; the record of rendered/, 33 ms, with the repository's
lock held until it is saved), done before anything else once the render has been reported
(`output.idle.between_renders`), and by the next render first if nothing did it before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Shelf(Generic[T]):
    """One kind of answer a memo keeps: its name, and how many it keeps at most (the least
    recently asked for dropped first; None: one per key, as many keys as are asked for)."""

    name: str
    most: int | None = None


@dataclass
class Memo:
    """Answers kept by shelf and key."""

    waits: bool = False
    """The process waits between renders (`render --watch`): what it writes is worth keeping
    for the next one (a single render keeps no text it will never read again)."""
    _shelves: dict[str, dict[Hashable, Any]] = field(default_factory=dict, repr=False)
    _pending: list[Callable[[], object]] = field(default_factory=list, repr=False)

    def get(self, shelf: Shelf[T], key: Hashable) -> T | None:
        """The answer kept for `key` (None: none; no shelf keeps None as an answer)."""
        answers = self._shelves.get(shelf.name)
        if answers is None or key not in answers:
            return None
        if shelf.most is not None:  # most recently asked for last
            answers[key] = answers.pop(key)
        answer: T = answers[key]
        return answer

    def put(self, shelf: Shelf[T], key: Hashable, answer: T) -> None:
        answers = self._shelves.setdefault(shelf.name, {})
        answers.pop(key, None)
        if shelf.most is not None:
            while len(answers) >= shelf.most:
                del answers[next(iter(answers))]
        answers[key] = answer

    def get_or_compute(self, shelf: Shelf[T], key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept for `key`, else `compute()` kept and returned."""
        answer = self.get(shelf, key)
        if answer is None:
            answer = compute()
            self.put(shelf, key, answer)
        return answer

    def answers(self, shelf: Shelf[T]) -> Iterator[T]:
        """Every answer the shelf holds (a snapshot: the caller may put while it iterates)."""
        return iter(list(self._shelves.get(shelf.name, {}).values()))

    def when_waiting(self, work: Callable[[], object]) -> None:
        """`work` now; in a process that waits between renders (`waits`), once it waits
        (`do_pending`, first thing then). For work no answer of the render depends on, whose
        result only later renders read, so that a watching process tells the user sooner."""
        if self.waits:
            self._pending.append(work)
        else:
            work()

    def do_pending(self) -> None:
        """The work left for the time the process waits, in the order it was left; all of
        it even when some fails (the last is what lets go of the repository's lock), the
        first failure raised after."""
        pending, self._pending = self._pending, []
        with contextlib.ExitStack() as each:
            for work in reversed(pending):  # an exit stack calls back last in, first out
                each.callback(work)
