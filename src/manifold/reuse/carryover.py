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

from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    objects = {}
    for key, entry in data["objects"].items():
        kept = was.objects.get(key)
        if kept is not None and kept[0] == known.texts.text(entry):
            objects[key] = replace(kept[1], raw=entry)
        else:
            objects[key] = CachedObject.decoded(entry)
    decoded: dict[str, cacheforms.Decoded | None] = {}
    if every_project:
        for name, entry in projects.items():
            last = was.projects.get(name)
            if last is not None and last[0] == known.texts.text(entry):
                decoded[name] = last[1]
            else:
                decoded[name] = cacheforms.decoded_project(entry)
    known.derived["environment"] = CachedEnvironment(projects, objects, "", decoded)
