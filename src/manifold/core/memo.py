"""The one memo of a process that renders again: what it may keep from one render for the
next, injected by the command that owns the process's lifetime.

Why one, and why injected: `render --watch` renders in one process after each change, and a
few things are worth keeping between its renders (the position index of an environment
file, the text of each kustomization.yaml, the stat record of schemas/, the cache files it
wrote and decodes while it waits). Each of them once lived in a dictionary of its own module,
for as long as the process, in the compiler and the input readers too. Now the watch makes a
`Memo` and keeps it current for its renders (`keeping`); a one-shot command makes none, so
every `recall` computes and nothing outlives its run, as a test expects.

Why the answer cannot change: every key holds all that its value is made of (a text for its
positions, a folder's files and sources for its kustomization, a path and a digest for a
decoded file), and values are never changed in place. A kind keeps at most the `limit` its
user gives, the least recently used dropped first, so the memory stays that of a render's
working set.

The code that keeps something imports only this vocabulary (a `Memo` and `current`), never
the cache layer (`reuse/`): the import contracts hold compile/ and inputs/ to that.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_LIMIT = 100_000
"""Entries a kind keeps unless the kind says otherwise: above the kustomizations of
N = 10,000 projects x 3 environments."""


class Memo:
    """Values kept by kind and key (kubeconform's cache: get and set, and one get-or-compute
    point, `recall`)."""

    def __init__(self) -> None:
        self._kinds: dict[str, OrderedDict[Hashable, Any]] = {}

    def get(self, kind: str, key: Hashable) -> Any | None:
        kept = self._kinds.get(kind)
        if kept is None or key not in kept:
            return None
        kept.move_to_end(key)
        return kept[key]

    def put(self, kind: str, key: Hashable, value: Any, limit: int = DEFAULT_LIMIT) -> None:
        """Keep `value`; of the kind, at most `limit` entries stay."""
        kept = self._kinds.setdefault(kind, OrderedDict())
        kept[key] = value
        kept.move_to_end(key)
        while len(kept) > limit:
            kept.popitem(last=False)

    def drop(self, kind: str, key: Hashable) -> None:
        self._kinds.get(kind, OrderedDict()).pop(key, None)

    def values(self, kind: str) -> list[Any]:
        """What a kind keeps, the least recently used first."""
        return list(self._kinds.get(kind, OrderedDict()).values())


_current: ContextVar[Memo | None] = ContextVar("manifold_memo", default=None)


def current() -> Memo | None:
    """The memo of the renders now running; None in a one-shot command."""
    return _current.get()


def recall(kind: str, key: Hashable, make: Callable[[], T], limit: int = DEFAULT_LIMIT) -> T:
    """The value kept for `key`, else `make()` (kept when there is a memo)."""
    memo = _current.get()
    if memo is None:
        return make()
    found = memo.get(kind, key)
    if found is None:
        found = make()
        memo.put(kind, key, found, limit)
    kept: T = found
    return kept


@contextmanager
def keeping(memo: Memo | None) -> Iterator[Memo | None]:
    """`memo` current for what runs inside (a watching process's renders); None: nothing
    kept there, as in a one-shot command."""
    token = _current.set(memo)
    try:
        yield memo
    finally:
        _current.reset(token)
