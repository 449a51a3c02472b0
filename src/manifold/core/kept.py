"""A file's content known by its digest alone.

A render that reuses what `rendered/` already holds does not produce that file's text again;
the compiler lays such a file out like any other and the writer keeps it. Both sides name it
with this one type, so the compiler needs nothing of the cache that decided to reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeptFile:
    """A file to keep as it is under rendered/: it already holds what a render would write
    (the content with this digest), so its text need not be produced again."""

    digest: str


@dataclass(frozen=True, slots=True)
class ShadowFile:
    """A file a forked worker has already written into the shadow tree that the writer is
    building (`output.shadow`): only its digest travels back to the main process."""

    digest: str


@dataclass(frozen=True, slots=True)
class ComparedFile:
    """A file a forked worker rendered for `check`, which compares digests with what
    rendered/ holds and writes nothing: only its digest travels back to the main process."""

    digest: str


ByDigest = KeptFile | ShadowFile | ComparedFile
"""A file known by its digest rather than its text."""
