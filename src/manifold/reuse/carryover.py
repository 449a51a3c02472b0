"""What an environment's cache file gives a render, built from its decoded data; for a file
this process wrote, the entries it wrote back unchanged are carried over as decoded before.

Why carry them over: a watching process decodes, while it waits, the files it just wrote
(`readback`), and decoding gives new objects, equal to the last ones but not the same. The
next render compares a folder's files with those its listing was made from
(`compile.layout.LISTINGS`), and objects that are the same compare at once: 1,000 folders
of equal but new objects took 4.6 ms an environment at N = 1,000 x 3, the same ones 0.3 ms.

Why the answer cannot change: an entry is carried over only when its JSON text is the text
of the entry it was decoded from, and decoding is a function of that text; what is carried
is never changed in place (frozen results, tuples; a CachedObject's `raw` is the new entry,
so that the entry's text is still known by identity, `entrytext`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from manifold.reuse import cacheforms, entrytext, readback
from manifold.reuse.cacheforms import CachedEnvironment, CachedObject


@dataclass(frozen=True)
class Before:
    """The entries of the file's last version, decoded, by name (projects) or key (objects),
    each with the text it was decoded from."""

    projects: dict[str, tuple[str, cacheforms.Decoded]] = field(default_factory=dict)
    objects: dict[str, tuple[str, CachedObject]] = field(default_factory=dict)


def before(loaded: CachedEnvironment | None, texts: entrytext.EntryTexts) -> Before:
    """What a render read of an environment (`loaded`, its entries' texts in `texts`) that may
    be carried over into the file it writes."""
    if loaded is None:
        return Before()
    projects = {
        name: (texts.text(loaded.projects[name]), decoded)
        for name, decoded in loaded.decoded.items()
        if decoded is not None and name in loaded.projects
    }
    objects = {
        key: (texts.text(kept.raw), kept)
        for key, kept in loaded.objects.items()
        if kept.raw is not None
    }
    return Before(projects, objects)


def prepare_environment(
    known: readback.KnownFile,
    every_project: bool = True,
    before: Callable[[], Before] | None = None,
) -> None:
    """The file's CachedEnvironment, in `known.derived`; with `every_project`, each project
    entry decoded ahead (idle work), and with `before`, those unchanged carried over."""
    data = known.data
    was = before() if before is not None else Before()
    projects = {item["name"]: item for item in data["projects"]}
    objects = _carried(data["objects"], was.objects, known.texts, CachedObject.decoded, _with_entry)
    decoded: dict[str, cacheforms.Decoded | None] = {}
    if every_project:
        decoded = _carried(
            projects, was.projects, known.texts, cacheforms.decoded_project, _as_it_was
        )
    known.derived["environment"] = CachedEnvironment(projects, objects, "", decoded)


T = TypeVar("T")


def _carried(
    entries: dict[str, Any],
    was: Mapping[str, tuple[str, T]],
    texts: entrytext.EntryTexts,
    decode: Callable[[Any], T],
    carry: Callable[[T, Any], T],
) -> dict[str, T]:
    """Each entry decoded, or carried over from `was` when its text is the one that was
    decoded from."""
    found: dict[str, T] = {}
    for key, entry in entries.items():
        last = was.get(key)
        same = last is not None and last[0] == texts.text(entry)
        found[key] = carry(last[1], entry) if last is not None and same else decode(entry)
    return found


def _with_entry(kept: CachedObject, entry: Any) -> CachedObject:
    """The object as decoded before, with the new entry as its raw one (`entrytext` knows
    an entry's text by its identity)."""
    return replace(kept, raw=entry)


def _as_it_was(decoded: T, entry: Any) -> T:
    return decoded
