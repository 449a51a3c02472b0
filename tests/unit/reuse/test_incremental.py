"""The project result store: a kept project is reused only while its file and every project it
looked up are unchanged; the store is read back only in the context (environments, platform,
schemas, code) it was written in; and a render that reuses gives the bytes of one that does
not (the differential test, on the example, after each kind of edit)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from manifold.core.kept import KeptFile
from manifold.core.options import RenderOptions
from manifold.output import writer
from manifold.pipeline import commands
from manifold.reuse import incremental
from manifold.reuse.incremental import ALL, ProjectCache, dependencies, everything, still_valid
from manifold.reuse.treestate import content_digest
from manifold.reuse.workdir import WORK_DIR
from tests.conftest import edit

DIGESTS = {"a": "1", "b": "2", "c": "3"}


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        (set(), {}),
        ({"a"}, {"a": "1"}),
        ({"a", "gone"}, {"a": "1", "gone": None}),
        ({ALL}, {ALL: everything(DIGESTS)}),
    ],
)
def test_dependencies_record_the_digest_of_each_lookup(
    seen: set[str], expected: dict[str, str | None]
) -> None:
    assert dependencies(seen, DIGESTS) == expected


def test_everything_changes_with_any_project_file() -> None:
    assert everything(DIGESTS) == everything(dict(reversed(DIGESTS.items())))
    assert everything(DIGESTS) != everything({**DIGESTS, "c": "4"})
    assert everything(DIGESTS) != everything({**DIGESTS, "d": "5"})


@pytest.mark.parametrize(
    ("own", "depends_on", "digests", "valid"),
    [
        ("1", {}, DIGESTS, True),
        ("0", {}, DIGESTS, False),  # its own file changed
        ("1", {"b": "2"}, DIGESTS, True),
        ("1", {"b": "2"}, {**DIGESTS, "b": "9"}, False),  # a project it looked up changed
        ("1", {"gone": None}, DIGESTS, True),
        ("1", {"gone": None}, {**DIGESTS, "gone": "7"}, False),  # a missing one appeared
        ("1", {ALL: everything(DIGESTS)}, DIGESTS, True),
        ("1", {ALL: everything(DIGESTS)}, {**DIGESTS, "d": "5"}, False),
    ],
)
def test_still_valid(
    own: str, depends_on: dict[str, str | None], digests: dict[str, str], valid: bool
) -> None:
    cached = _cached_project(digest=own, depends_on=depends_on)
    assert still_valid(cached, "1", digests) is valid


def _cached_project(digest: str, depends_on: dict[str, str | None]) -> incremental.CachedProject:
    # Only the digests matter to `still_valid`: the other fields are left empty.
    values: dict[str, object] = {
        f.name: None for f in dataclasses.fields(incremental.CachedProject)
    }
    values |= {"name": "p", "digest": digest, "depends_on": depends_on}
    return incremental.CachedProject(**values)  # type: ignore[arg-type]


def test_the_store_is_read_back_only_in_its_own_context(tmp_path: Path) -> None:
    names = {"projects/a.yaml": ("d" * 40, "a")}
    ProjectCache(tmp_path, "context-1").save(names, {})
    assert ProjectCache(tmp_path, "context-1").names() == names
    assert ProjectCache(tmp_path, "context-2").names() == {}


def test_the_context_digest_follows_the_folders_and_the_code(tmp_path: Path) -> None:
    (tmp_path / "environments").mkdir()
    first = incremental.context_digest(tmp_path, ("environments",), b"code")
    assert first == incremental.context_digest(tmp_path, ("environments",), b"code")
    assert first != incremental.context_digest(tmp_path, ("environments",), b"other code")
    (tmp_path / "environments" / "dev.yaml").write_text("x")
    assert first != incremental.context_digest(tmp_path, ("environments",), b"code")


def _digests(root: Path, reuse: bool) -> tuple[dict[str, str], int]:
    """The digest of every file a build gives, and how many of them it reused."""
    if reuse:
        cache = commands.project_cache(root)
        disk = writer.read_tree(root / "rendered").generated
        built, _ = commands.build(root, cache=cache, disk=disk)
    else:
        built, _ = commands.build(root)
    encoded = built.encoded()
    kept = sum(isinstance(content, KeptFile) for content in encoded.values())
    return {path: content_digest(content) for path, content in encoded.items()}, kept


EDITS = {
    "nothing": None,
    "a project": ("projects/faq-answers.yaml", "batchSize: 8", "batchSize: 16"),
    "the platform": ("platform/ml-platform.yaml", "team: ml-platform", "team: ml-infra"),
    "an environment": ("environments/prod.yaml", "production", "live"),
}


@pytest.mark.parametrize("edited", list(EDITS))
def test_reusing_gives_the_bytes_of_rendering_from_nothing(example_repo: Path, edited: str) -> None:
    commands.render(RenderOptions(example_repo), lambda _: None, None)
    assert (example_repo / WORK_DIR / incremental.CACHE_DIR).is_dir()
    change = EDITS[edited]
    if change is not None:
        path, old, new = change
        edit(example_repo / path, old, new)
    reused, kept = _digests(example_repo, reuse=True)
    fresh, _ = _digests(example_repo, reuse=False)
    assert reused == fresh
    if edited in ("nothing", "a project"):  # the other projects' results are reused
        assert kept > 0
