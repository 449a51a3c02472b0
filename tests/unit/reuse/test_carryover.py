"""Entries of an environment's cache file that a watching process wrote back unchanged are
carried over as decoded before (`reuse.carryover`): the same objects, equal to what decoding
the new file gives; an entry whose text changed is decoded afresh."""

from __future__ import annotations

import json
from pathlib import Path

from manifold.core.memo import Memo
from manifold.core.options import RenderOptions
from manifold.pipeline import commands
from manifold.reuse import cacheforms, carryover, entrytext, incremental, readback
from manifold.reuse.workdir import WORK_DIR
from tests.conftest import edit

PROJECT = "projects/faq-answers.yaml"


def _environment(root: Path, memo: Memo, name: str = "dev") -> incremental.CachedEnvironment:
    return commands.project_cache(root, memo).environment(name)


def _render(root: Path, memo: Memo) -> None:
    commands.render(RenderOptions(root), lambda _: None, None, memo=memo)
    memo.do_pending()  # the cache saved, as a watching process does once it waits
    incremental.decode_ahead(root, memo)


def test_unchanged_entries_are_the_objects_decoded_before(rendered: Path) -> None:
    memo = Memo(waits=True)
    incremental.decode_ahead(rendered, memo)
    edit(rendered / PROJECT, "batchSize: 8", "batchSize: 16")
    _render(rendered, memo)
    before = _environment(rendered, memo)
    edit(rendered / PROJECT, "batchSize: 16", "batchSize: 32")
    _render(rendered, memo)
    after = _environment(rendered, memo)
    changed = "faq-answers"
    assert changed in after.decoded and len(after.decoded) > 1
    for name, decoded in after.decoded.items():
        assert decoded is not None
        assert (decoded is before.decoded[name]) == (name != changed)
    for key, kept in after.objects.items():
        assert kept.files is before.objects[key].files  # the same files, a new entry
        assert kept.raw is not before.objects[key].raw
    fresh = _environment(rendered, Memo())  # decoded from the bytes by a new process
    assert after.objects == fresh.objects
    assert after.decoded == {n: cacheforms.decoded_project(e) for n, e in fresh.projects.items()}


def test_an_entry_whose_text_changed_is_decoded_afresh(rendered: Path) -> None:
    """A kept decoding is used only for the very text it came from: one that says otherwise
    (a render's bookkeeping gone wrong, or a file changed behind its back) is not used."""
    memo = Memo(waits=True)
    known = _known(rendered, memo)
    loaded = _environment(rendered, memo)
    name = next(iter(loaded.projects))
    carryover.prepare_environment(known)
    honest = known.derived["environment"].decoded[name]
    wrong = carryover.Before(projects={name: ("{}", honest)})
    carryover.prepare_environment(known, before=lambda: wrong)
    decoded = known.derived["environment"].decoded[name]
    assert decoded == honest and decoded is not honest


def _known(root: Path, memo: Memo) -> readback.KnownFile:
    incremental.decode_ahead(root, memo)
    path = root / WORK_DIR / incremental.CACHE_DIR / "env-dev.json"
    known = memo.get(readback.KNOWN, str(path))
    assert known is not None and known.data is not None
    return known


def test_before_names_each_decoded_entry_with_its_text(rendered: Path) -> None:
    memo = Memo(waits=True)
    _known(rendered, memo)
    cache = commands.project_cache(rendered, memo)
    loaded = cache.environment("dev")
    texts = entrytext.EntryTexts()
    noted = carryover.before(loaded, texts)
    assert set(noted.projects) == set(loaded.decoded) == set(loaded.projects)
    for name, (text, decoded) in noted.projects.items():
        assert text == json.dumps(loaded.projects[name], separators=(",", ":"))
        assert decoded is loaded.decoded[name]
    assert set(noted.objects) == set(loaded.objects)
    assert carryover.before(None, texts) == carryover.Before()
