"""The project result store: a kept project is reused only while its file and every project it
looked up are unchanged; the store is read back only in the context (environments, platform,
schemas, code) it was written in; and a render that reuses gives the bytes of one that does
not (the differential test, on the example, after each kind of edit)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from manifold.compile.finalize import NamespaceUser
from manifold.compile.layout import PlacedFile
from manifold.compile.project import ProjectResult
from manifold.core.diagnostics import Diagnostic, Severity
from manifold.core.kept import KeptFile
from manifold.core.memo import Memo
from manifold.core.options import RenderOptions
from manifold.output import writer
from manifold.pipeline import commands
from manifold.reuse import incremental
from manifold.reuse.incremental import (
    ALL,
    KeptResults,
    ProjectCache,
    ProjectKey,
    dependencies,
    everything,
    still_valid,
)
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
    assert still_valid(own, depends_on, "1", digests) is valid


def test_the_store_is_read_back_only_in_its_own_context(tmp_path: Path) -> None:
    names = {"projects/a.yaml": ("d" * 40, "a")}
    ProjectCache(tmp_path, "context-1").save(names, {})
    assert ProjectCache(tmp_path, "context-1").names() == names
    assert ProjectCache(tmp_path, "context-2").names() == {}


def test_the_context_digest_follows_the_folders_and_the_code(tmp_path: Path) -> None:
    (tmp_path / "environments").mkdir()
    memo = Memo()
    first = incremental.context_digest(tmp_path, ("environments",), b"code", memo)
    assert first == incremental.context_digest(tmp_path, ("environments",), b"code", memo)
    assert first != incremental.context_digest(tmp_path, ("environments",), b"other", memo)
    (tmp_path / "environments" / "dev.yaml").write_text("x")
    assert first != incremental.context_digest(tmp_path, ("environments",), b"code", memo)


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
    # Its Namespace, reused by what it is built from, changes with it.
    "a project's team": ("projects/faq-answers.yaml", "team: support", "team: helpdesk"),
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
    if edited in ("nothing", "a project", "a project's team"):  # the others are reused
        assert kept > 0


USER = NamespaceUser("demo", "demo-dev", "ai", "projects/demo.yaml")
ENVIRONMENT = ("dev", ("environments/dev.yaml",), {"tier": "dev"}, None)


@pytest.mark.parametrize(
    ("namespace", "sharing", "environment"),
    [
        ("other-dev", (USER,), ENVIRONMENT),
        ("demo-dev", (dataclasses.replace(USER, team="ml"),), ENVIRONMENT),
        ("demo-dev", (dataclasses.replace(USER, name="demo2"),), ENVIRONMENT),
        ("demo-dev", (dataclasses.replace(USER, path="projects/demo2.yaml"),), ENVIRONMENT),
        ("demo-dev", (USER, dataclasses.replace(USER, name="b")), ENVIRONMENT),
        ("demo-dev", (USER,), ("prod", *ENVIRONMENT[1:])),
        ("demo-dev", (USER,), (*ENVIRONMENT[:2], {"tier": "test"}, None)),
        ("demo-dev", (USER,), (*ENVIRONMENT[:3], {"note": "x"})),
    ],
)
def test_a_namespace_key_changes_with_anything_its_namespace_is_built_from(
    namespace: str, sharing: tuple[NamespaceUser, ...], environment: tuple[Any, ...]
) -> None:
    before = incremental.namespace_key("demo-dev", (USER,), ENVIRONMENT)
    assert incremental.namespace_key("demo-dev", (USER,), ENVIRONMENT) == before
    changed = incremental.namespace_key(namespace, sharing, environment)
    assert changed != before
    # A process that keeps the keys it made (`NAMESPACE_KEYS`) gives the same ones.
    memo = Memo()
    assert incremental.namespace_key("demo-dev", (USER,), ENVIRONMENT, memo) == before
    assert incremental.namespace_key(namespace, sharing, environment, memo) == changed
    assert incremental.namespace_key("demo-dev", (USER,), ENVIRONMENT, memo) == before


# --------------------------------------------------------------------------- the store

CONTEXT = "context-1"
NEIGHBOURS = {"demo": "d1", "other": "d2"}
KEY = incremental.ProjectKey("demo", "d1", CONTEXT, NEIGHBOURS)
TEXT = "kind: ConfigMap\n"


def _result() -> ProjectResult:
    placed = PlacedFile("dev/demo/configmap-x.yaml", TEXT, ("projects/demo.yaml",), True)
    return ProjectResult(
        "demo",
        "projects/demo.yaml",
        (placed,),
        (("", "ConfigMap", "demo-dev", "x"),),
        frozenset({0}),
        (Diagnostic("a warning", file="projects/demo.yaml", severity=Severity.WARNING),),
        frozenset({"other"}),
        NamespaceUser("demo", "demo-dev", "ai", "projects/demo.yaml"),
    )


def _store(entries: dict[str, Any], disk: dict[str, str] | None = None) -> KeptResults:
    on_disk = {"dev/demo/configmap-x.yaml": content_digest(TEXT.encode())} if disk is None else disk
    return KeptResults(incremental.CachedEnvironment(entries, {}, CONTEXT), on_disk)


def _entry() -> dict[str, Any]:
    empty = _store({})
    empty.put(KEY, _result())
    return empty.kept["demo"]


def test_a_result_put_is_got_back_with_its_files_by_digest() -> None:
    store = _store({"demo": _entry()})
    got = store.get(KEY)
    assert got is not None
    [placed] = got.files
    assert placed.text == KeptFile(content_digest(TEXT.encode()))
    assert dataclasses.replace(got, files=_result().files) == _result()
    assert store.kept == {"demo": _entry()}  # what the next render may reuse


@pytest.mark.parametrize(
    "key",
    [
        incremental.ProjectKey("demo", "d0", CONTEXT, NEIGHBOURS),  # its own file changed
        incremental.ProjectKey("demo", "d1", CONTEXT, {**NEIGHBOURS, "other": "d3"}),  # a lookup
        incremental.ProjectKey("demo", "d1", "context-2", NEIGHBOURS),  # the context
        incremental.ProjectKey("absent", "d1", CONTEXT, NEIGHBOURS),
    ],
)
def test_a_result_is_not_got_once_what_it_depended_on_changed(key: ProjectKey) -> None:
    store = _store({"demo": _entry(), "absent": {**_entry(), "name": "demo"}})
    assert store.get(key) is None
    assert "demo" not in store.kept


def test_a_result_whose_files_left_rendered_is_not_got() -> None:
    assert _store({"demo": _entry()}, disk={}).get(KEY) is None


@pytest.mark.parametrize(
    "malformed",
    [
        {"files": "not a list"},
        {"files": [["too", "short"]]},
        {"identities": [["a", "b"]]},
        {"diagnostics": [{"no": "record"}]},
        {"depends_on": ["not", "a", "mapping"]},
        {"digest": None, "name": None},
    ],
)
def test_a_malformed_entry_is_ignored_not_crashed_on(malformed: dict[str, Any]) -> None:
    assert _store({"demo": {**_entry(), **malformed}}).get(KEY) is None
    damaged = _entry()
    del damaged["team"]
    assert _store({"demo": damaged}).get(KEY) is None


def test_the_context_seen_again_is_the_context_computed_afresh(tmp_path: Path) -> None:
    """`context_digest` reads again only what the stat it saw last cannot vouch for: a file
    rewritten at once with the same size (within the racy window), one added, one removed."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "a.json").write_text('{"a": 1}')

    memo = Memo()  # what this process saw, kept from one digest to the next

    def both() -> tuple[str, str]:
        seen = incremental.context_digest(tmp_path, ("schemas",), b"code", memo)
        return seen, incremental.context_digest(tmp_path, ("schemas",), b"code", Memo())

    digests = [both()]
    (schemas / "a.json").write_text('{"a": 2}')  # same size, at once
    digests.append(both())
    (schemas / "b.json").write_text("{}")
    digests.append(both())
    (schemas / "a.json").unlink()
    digests.append(both())
    assert all(seen == afresh for seen, afresh in digests)
    assert len({seen for seen, _ in digests}) == len(digests)


@pytest.mark.parametrize(
    ("written", "disk", "expected"),
    [
        ({"a": "1", "b": "2"}, {"a": "1", "b": "2"}, True),
        ({"a": "1", "b": "2"}, {"a": "1", "b": "2", "c": "3"}, True),  # others beside
        ({"a": "1", "b": "2"}, {"a": "1", "b": "9"}, False),  # changed
        ({"a": "1", "b": "2"}, {"a": "1"}, False),  # gone
        ({}, {}, True),  # an object with no file
        (None, {"a": "1"}, False),  # not kept by digest
    ],
)
def test_on_disk_holds_each_kept_file_against_rendered(
    written: dict[str, str] | None, disk: dict[str, str], expected: bool
) -> None:
    assert incremental.on_disk(written, disk) is expected
    # The same answer from any mapping, not only a dict.
    assert incremental.on_disk(written, dataclasses.replace(_Disk(disk))) is expected


@dataclasses.dataclass
class _Disk(Mapping[str, str]):
    """A mapping that is not a dict (the record's digests may be given as any)."""

    files: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.files[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)
