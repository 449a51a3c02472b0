"""What rendered/ holds, read against the writer's record: a file is re-read unless its stat
matches the record and it is older than the timestamp granularity; manifold's files are told
from others by header (or request index); the record survives a round trip and a record in
doubt is replaced by an empty one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from manifold.core.kept import KeptFile
from manifold.core.memo import Memo
from manifold.output import header as header_module
from manifold.output.header import header
from manifold.reuse import stampcheck, treescan, treestate, workdir
from manifold.reuse.treestate import Entry, Record

OURS = header(["projects/a.yaml"]).encode() + b"kind: ConfigMap\n"


def _aged(path: Path, seconds: int = 10) -> None:
    """Back-date a file so its stat is trusted (older than the racy window)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    root = tmp_path / "rendered"
    (root / "dev").mkdir(parents=True)
    (root / "dev" / "a.yaml").write_bytes(OURS)
    (root / "dev" / "notes.md").write_bytes(b"mine\n")
    for path in (root / "dev").iterdir():
        _aged(path)
    return root


def test_digest_and_kept_files_agree() -> None:
    assert treestate.content_digest(OURS) == treestate.digest(OURS)
    assert treestate.content_digest(KeptFile("ab" * 16)) == "ab" * 16
    assert len(treestate.digest(b"")) == 32


def test_without_a_record_every_file_is_read_and_sorted_by_owner(rendered: Path) -> None:
    state = treescan.scan(rendered, Record())
    assert state.generated == {"dev/a.yaml": treestate.digest(OURS)}
    assert state.foreign == frozenset({"dev/notes.md"})
    assert state.unverified == frozenset({"dev/a.yaml", "dev/notes.md"})


def test_a_recorded_tree_is_trusted_by_stat(rendered: Path) -> None:
    record = treestate.record_tree(rendered, {"dev/a.yaml": "f" * 32}, frozenset({"dev/notes.md"}))
    state = treescan.scan(rendered, record)
    assert state.unverified == frozenset()
    assert state.generated == {"dev/a.yaml": "f" * 32}  # the record's digest, not re-read
    assert stampcheck.unchanged_since(rendered, treestate.stamp_of(record))


@pytest.mark.parametrize("change", ["edited", "added", "removed", "fresh"])
def test_a_change_since_the_record_is_seen(rendered: Path, change: str) -> None:
    record = treestate.record_tree(
        rendered, {"dev/a.yaml": treestate.digest(OURS)}, frozenset({"dev/notes.md"})
    )
    target = rendered / "dev" / "a.yaml"
    if change == "edited":
        target.write_bytes(OURS + b"data: {}\n")
        _aged(target)
    elif change == "added":
        (rendered / "dev" / "b.yaml").write_bytes(OURS)
        _aged(rendered / "dev" / "b.yaml")
    elif change == "removed":
        target.unlink()
    else:  # same stat, but written within the racy window: its content is read
        target.write_bytes(OURS.replace(b"ConfigMap", b"ConfigMaq"))
        _restamp_as_recorded(target, record)
    assert not stampcheck.unchanged_since(rendered, treestate.stamp_of(record))
    state = treescan.scan(rendered, record)
    expected = {"edited": "dev/a.yaml", "added": "dev/b.yaml", "removed": "dev/a.yaml"}
    assert expected.get(change, "dev/a.yaml") in state.unverified


def test_a_scan_leaves_the_record_as_it_was_read(rendered: Path) -> None:
    record = treestate.record_tree(
        rendered, {"dev/a.yaml": treestate.digest(OURS)}, frozenset({"dev/notes.md"})
    )
    as_read = dict(record.entries)
    (rendered / "dev" / "a.yaml").unlink()
    (rendered / "dev" / "notes.md").write_bytes(b"edited\n")
    state = treescan.scan(rendered, record)
    assert record.entries == as_read  # the writer tells what changed by it
    assert state.unverified == frozenset({"dev/a.yaml", "dev/notes.md"})
    assert set(state.entries) == {"dev/notes.md"}
    assert state.entries["dev/notes.md"].digest == treestate.digest(b"edited\n")
    assert state.foreign == frozenset({"dev/notes.md"})
    assert state.generated == {}


def _restamp_as_recorded(target: Path, record: Record) -> None:
    """Give `target` the record's time, and the record `target`'s stat, keeping its digest:
    a second write within the timestamp granularity that the stat alone cannot tell."""
    os.utime(target, ns=(record.written_ns, record.written_ns))
    stat = target.stat()
    known = record.entries["dev/a.yaml"]
    record.entries["dev/a.yaml"] = Entry(
        stat.st_size, stat.st_mtime_ns, stat.st_ino, known.digest, known.generated
    )


def test_a_file_in_the_racy_window_is_vouched_for_by_its_content(rendered: Path) -> None:
    """Right after a render that changed a few files, those files are too recent for their
    stat: the no-op check reads them (and only them) instead of giving up."""
    record = treestate.record_tree(
        rendered, {"dev/a.yaml": treestate.digest(OURS)}, frozenset({"dev/notes.md"})
    )
    _restamp_as_recorded(rendered / "dev" / "a.yaml", record)
    assert stampcheck.unchanged_since(rendered, treestate.stamp_of(record))


def test_files_a_request_index_lists_are_manifolds(tmp_path: Path) -> None:
    folder = tmp_path / "dev" / "_runai"
    folder.mkdir(parents=True)
    (folder / "index.yaml").write_bytes(header(["p"]).encode() + b"files:\n  a.json: {}\n")
    (folder / "a.json").write_bytes(b"{}")
    (folder / "b.json").write_bytes(b"{}")
    state = treescan.scan(tmp_path, Record())
    assert set(state.generated) == {"dev/_runai/index.yaml", "dev/_runai/a.json"}
    assert state.foreign == frozenset({"dev/_runai/b.json"})
    assert state.entries["dev/_runai/a.json"].generated


def test_an_index_is_read_only_when_a_json_file_below_it_is_not_known_as_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once recorded, the files an index lists are manifold's by the record: the index is not
    read again, unless a JSON file in its folder (new, or edited since) is not yet known as
    manifold's, and only then can the index change who owns what."""
    folder = tmp_path / "dev" / "_runai" / "p"
    folder.mkdir(parents=True)
    (folder / "index.yaml").write_bytes(header(["p"]).encode() + b"files:\n  a.json: {}\n")
    (folder / "a.json").write_bytes(b"{}")
    for path in folder.iterdir():
        _aged(path)
    first = treescan.scan(tmp_path, Record())
    record = treestate.record_tree(tmp_path, dict(first.generated), first.foreign)
    read: list[str] = []
    real = header_module.indexed_files

    def counted(relative: str, data: bytes) -> list[str]:
        read.append(relative)
        return real(relative, data)

    monkeypatch.setattr(treescan, "indexed_files", counted)
    again = treescan.scan(tmp_path, record)
    assert (again.generated, again.foreign, read) == (first.generated, frozenset(), [])
    (folder / "a.json").write_bytes(b'{"edited": true}')  # no header: ours by the index alone
    (tmp_path / "dev" / "_runai" / "other.json").write_bytes(b"{}")  # not below the index
    edited = treescan.scan(tmp_path, record)
    assert read == ["dev/_runai/p/index.yaml"]
    assert "dev/_runai/p/a.json" in edited.generated
    assert edited.foreign == frozenset({"dev/_runai/other.json"})


def test_a_record_read_again_is_reused_only_while_its_file_is_unchanged(tmp_path: Path) -> None:
    """A render loads the record twice; the second load is served from the first (the
    command's memo, `core.memo`) only while the file has the same stat and is older than the
    racy window. Without a memo, each load reads the file."""
    memo = Memo()
    entries = {"dev/a.yaml": Entry(1, 2, 3, "", True)}
    treestate.save_record(tmp_path, Record(written_ns=1, entries=entries), memo)
    _aged(tmp_path / treestate.STATE_FILE)
    first = treestate.load_record(tmp_path, memo)
    first.entries.clear()  # a caller's copy: changing it changes no later load
    assert treestate.load_record(tmp_path, memo).entries == entries
    assert memo.get(treestate.LOADED, workdir.file_key(tmp_path / treestate.STATE_FILE))
    treestate.save_record(tmp_path, Record(written_ns=2), memo)  # replaced: read again
    assert treestate.load_record(tmp_path, memo) == Record(written_ns=2)
    assert treestate.recorded_time(tmp_path, memo) == 2  # as saved, not read
    (tmp_path / treestate.STATE_FILE).write_bytes(b"{}")  # recent: never reused, even in place
    assert treestate.load_record(tmp_path, memo) == Record()
    assert treestate.load_record(tmp_path) == Record()


def test_a_link_is_foreign_and_never_followed(rendered: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(OURS)
    (rendered / "dev" / "link.yaml").symlink_to(outside)
    state = treescan.scan(rendered, Record())
    assert "dev/link.yaml" in state.foreign
    assert state.entries["dev/link.yaml"].digest == ""


def test_the_record_survives_a_round_trip(tmp_path: Path) -> None:
    record = Record(
        written_ns=5,
        entries={"dev/a.yaml": Entry(3, 4, 5, "a" * 32, True), "dev/n": Entry(1, 2, 3, "", False)},
        shadow_clean=True,
        shadow_differs=frozenset({"dev/a.yaml"}),
    )
    treestate.save_record(tmp_path, record)
    assert treestate.load_record(tmp_path) == record


def test_an_unclean_shadow_marker_overrides_the_record(tmp_path: Path) -> None:
    treestate.save_record(tmp_path, Record(written_ns=1, shadow_clean=True))
    treestate.mark_shadow_unclean(tmp_path)
    assert not treestate.load_record(tmp_path).shadow_clean
    treestate.mark_shadow_clean(tmp_path)
    assert treestate.load_record(tmp_path).shadow_clean
    treestate.mark_shadow_clean(tmp_path)  # twice is fine


def test_a_marked_shadow_is_never_unmarked_by_marking_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marking anew would remove the marker first: a kill in between would leave a shadow
    some earlier run left half-built looking clean (the cause of a rare mixed tree in the
    kill test)."""
    treestate.mark_shadow_unclean(tmp_path)
    marker = tmp_path / treestate.SHADOW_UNCLEAN
    inode = marker.stat().st_ino
    monkeypatch.setattr(Path, "unlink", lambda *args, **kwargs: pytest.fail("unmarked"))
    treestate.mark_shadow_unclean(tmp_path)
    assert marker.stat().st_ino == inode


_TRUSTED = {
    "format": 2,
    "written_ns": 1,
    "shadow_clean": True,
    "shadow_differs": [],
    "paths": ["dev/a.yaml"],
    "sizes": [1],
    "mtimes": [2],
    "inodes": [3],
    "digests": [""],
    "generated": [True],
}


def test_a_record_is_kept_in_columns(tmp_path: Path) -> None:
    (tmp_path / treestate.STATE_FILE).write_text(json.dumps(_TRUSTED))
    expected = Record(1, {"dev/a.yaml": Entry(1, 2, 3, "", True)}, True, frozenset())
    assert treestate.load_record(tmp_path) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"paths": ["../escape.yaml"]},
        {"digests": ["not-a-digest"]},
        {"sizes": [1, 2]},
        {"generated": []},
        {"sizes": [-1]},
        {"inodes": [True]},
        {"format": 1},
        {"entries": {"dev/a.yaml": [1, 2, 3, "", True]}},
    ],
    ids=[
        "escaping-path",
        "bad-digest",
        "a-longer-column",
        "a-shorter-column",
        "negative-size",
        "boolean-inode",
        "format-1",
        "unknown-field",
    ],
)
def test_a_record_in_doubt_is_as_none(tmp_path: Path, change: dict[str, object]) -> None:
    (tmp_path / treestate.STATE_FILE).write_text(json.dumps({**_TRUSTED, **change}))
    assert treestate.load_record(tmp_path) == Record()


def test_no_stamp_an_empty_tree_or_a_missing_one_is_never_unchanged(tmp_path: Path) -> None:
    assert not stampcheck.unchanged_since(tmp_path, None)
    assert not stampcheck.unchanged_since(tmp_path, treestate.stamp_of(Record()))
    record = Record(written_ns=1, entries={"a": Entry(1, 1, 1, "", True)})
    assert not stampcheck.unchanged_since(tmp_path / "absent", treestate.stamp_of(record))


def test_the_time_of_a_record_just_saved_is_known_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within one command (its memo, `core.memo`)."""
    memo = Memo()
    treestate.save_record(tmp_path, Record(written_ns=7), memo)
    with monkeypatch.context() as patched:
        patched.setattr(treestate, "_read_record", lambda path: pytest.fail("read"))
        assert treestate.recorded_time(tmp_path, memo) == 7
    (tmp_path / "new.json").write_text(json.dumps({**_TRUSTED, "written_ns": 8}))
    (tmp_path / "new.json").replace(tmp_path / treestate.STATE_FILE)  # another run's record
    assert treestate.recorded_time(tmp_path, memo) == 8


@pytest.mark.parametrize(
    ("relative", "folders"),
    [
        ("a.yaml", []),
        ("dev/a.yaml", ["dev"]),
        ("dev/_runai/p/x.json", ["dev", "dev/_runai", "dev/_runai/p"]),
    ],
)
def test_the_folders_a_path_is_in_outermost_first(relative: str, folders: list[str]) -> None:
    assert treestate.folders_of(relative) == folders
