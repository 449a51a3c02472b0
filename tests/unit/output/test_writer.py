from __future__ import annotations

import os
from pathlib import Path

import pytest

from manifold.core.errors import OutputProblem
from manifold.output import writer
from manifold.output.header import HEADER
from manifold.reuse import treescan, treestate
from manifold.reuse.treestate import TreeState

MINE = f"{HEADER}\n# Sources: x\n".encode()


def _write(
    root: Path, files: dict[str, bytes], scope: frozenset[str] | None = None
) -> writer.Changes:
    current = writer.read_tree(root / writer.RENDERED_DIR)
    return writer.write_tree(root, files, scope, current)


def _files(root: Path) -> dict[str, bytes]:
    folder = root / writer.RENDERED_DIR
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_first_write_creates_the_tree(tmp_path: Path) -> None:
    changes = _write(tmp_path, {"dev/a.yaml": MINE + b"a\n"})
    assert changes.added == ("dev/a.yaml",)
    assert _files(tmp_path) == {"dev/a.yaml": MINE + b"a\n"}


def test_changes_are_added_changed_removed(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE + b"a\n", "dev/b.yaml": MINE + b"b\n"})
    changes = _write(tmp_path, {"dev/a.yaml": MINE + b"A\n", "dev/c.yaml": MINE + b"c\n"})
    assert (changes.added, changes.changed, changes.removed) == (
        ("dev/c.yaml",),
        ("dev/a.yaml",),
        ("dev/b.yaml",),
    )
    assert set(_files(tmp_path)) == {"dev/a.yaml", "dev/c.yaml"}


def test_nothing_to_do_writes_nothing(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE})
    inode = (tmp_path / "rendered").stat().st_ino
    assert not _write(tmp_path, {"dev/a.yaml": MINE})
    assert (tmp_path / "rendered").stat().st_ino == inode


def test_foreign_files_are_kept_and_never_overwritten(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE})
    (tmp_path / "rendered/dev/README.md").write_text("mine\n")
    _write(tmp_path, {"dev/b.yaml": MINE})
    assert _files(tmp_path) == {"dev/README.md": b"mine\n", "dev/b.yaml": MINE}
    with pytest.raises(OutputProblem, match="did not write"):
        _write(tmp_path, {"dev/README.md": MINE})
    assert (tmp_path / "rendered/dev/README.md").read_text() == "mine\n"


def test_scope_limits_what_is_replaced(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE, "prod/a.yaml": MINE})
    _write(tmp_path, {"dev/b.yaml": MINE}, scope=frozenset({"dev"}))
    assert set(_files(tmp_path)) == {"dev/b.yaml", "prod/a.yaml"}


def test_no_staging_folders_are_left_behind(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE})
    _write(tmp_path, {"dev/b.yaml": MINE})
    assert not list((tmp_path / writer.WORK_DIR).glob("staging-*"))


@pytest.mark.parametrize(
    "relative",
    ["../outside.yaml", "dev/../../x.yaml", "/etc/x.yaml", "dev//x.yaml", "a\x00b", "dev\\x"],
)
def test_paths_leaving_rendered_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(OutputProblem, match="refusing to write outside rendered/"):
        writer.write_tree(tmp_path, {relative: b"x"}, None, TreeState())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_ordinary_paths_are_written(tmp_path: Path) -> None:
    writer.write_tree(tmp_path, {"dev/demo/a.yaml": b"x"}, None, TreeState())
    assert (tmp_path / "rendered" / "dev" / "demo" / "a.yaml").read_bytes() == b"x"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _write_each_keeping_the_previous_as_shadow(
    tmp_path: Path, states: list[dict[str, bytes]]
) -> None:
    previous: dict[str, bytes] = {}
    for state in states:
        _write(tmp_path, state)
        assert _files(tmp_path) == state
        assert _tree(tmp_path / writer.WORK_DIR / writer.SHADOW_DIR) == previous
        previous = state


def test_the_shadow_is_always_the_previous_tree(tmp_path: Path) -> None:
    states = [
        {"dev/a.yaml": MINE + b"1", "dev/b.yaml": MINE + b"1", "prod/a.yaml": MINE + b"1"},
        {"dev/a.yaml": MINE + b"2", "dev/b.yaml": MINE + b"1", "prod/a.yaml": MINE + b"1"},
        {"dev/a.yaml": MINE + b"2", "prod/a.yaml": MINE + b"1", "prod/new/c.yaml": MINE},
        {"dev/a.yaml": MINE + b"3", "prod/a.yaml": MINE + b"1"},
        {"dev/a.yaml": MINE + b"4", "prod/a.yaml": MINE + b"1"},
    ]
    _write_each_keeping_the_previous_as_shadow(tmp_path, states)
    # the shadow lost prod/new/c.yaml two writes after the tree did, and its folder with it
    assert not (tmp_path / writer.WORK_DIR / writer.SHADOW_DIR / "prod/new").exists()


def test_a_file_may_become_a_folder_and_back(tmp_path: Path) -> None:
    states = [
        {"dev/a": MINE + b"1", "dev/b.yaml": MINE},
        {"dev/a/c.yaml": MINE + b"2", "dev/b.yaml": MINE},
        {"dev/a/c.yaml": MINE + b"3", "dev/a/d.yaml": MINE, "dev/b.yaml": MINE},
        {"dev/a": MINE + b"4", "dev/b.yaml": MINE},
        {"dev/a": MINE + b"5"},
    ]  # the shadow, one state behind, goes from a file to a folder and back
    _write_each_keeping_the_previous_as_shadow(tmp_path, states)


def test_files_edited_behind_manifolds_back_are_noticed(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE + b"1", "dev/b.yaml": MINE + b"1"})
    edited = tmp_path / "rendered/dev/a.yaml"
    edited.write_bytes(MINE + b"X")  # same size, another inode's worth of content
    changes = _write(tmp_path, {"dev/a.yaml": MINE + b"1", "dev/b.yaml": MINE + b"1"})
    assert changes.changed == ("dev/a.yaml",)
    assert edited.read_bytes() == MINE + b"1"
    (tmp_path / "rendered/dev/notes.txt").write_text("mine\n")
    _write(tmp_path, {"dev/a.yaml": MINE + b"2", "dev/b.yaml": MINE + b"1"})
    assert (tmp_path / "rendered/dev/notes.txt").read_text() == "mine\n"
    _write(tmp_path, {"dev/a.yaml": MINE + b"3", "dev/b.yaml": MINE + b"1"})
    assert (tmp_path / "rendered/dev/notes.txt").read_text() == "mine\n"


def test_a_lost_record_only_costs_a_full_read(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE + b"1"})
    (tmp_path / writer.WORK_DIR / "tree.json").unlink()
    assert not _write(tmp_path, {"dev/a.yaml": MINE + b"1"})
    assert _write(tmp_path, {"dev/a.yaml": MINE + b"2"}).changed == ("dev/a.yaml",)
    assert _files(tmp_path) == {"dev/a.yaml": MINE + b"2"}


def test_a_fifo_under_rendered_is_never_opened(tmp_path: Path) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE})
    os.mkfifo(tmp_path / "rendered/dev/pipe")  # opening it would wait for a writer forever
    changes = _write(tmp_path, {"dev/a.yaml": MINE + b"2"})
    assert changes.changed == ("dev/a.yaml",)
    assert (tmp_path / "rendered/dev/pipe").exists()


def _recorded_as_read(root: Path) -> None:
    """The record the writer updated in place says what reading the tree afresh finds."""
    recorded = treestate.load_record(root / writer.WORK_DIR).entries
    fresh = treescan.scan(root / writer.RENDERED_DIR, treestate.Record()).entries
    assert recorded == fresh


def test_the_record_updated_in_place_is_the_tree_as_read_afresh(tmp_path: Path) -> None:
    steps: list[tuple[dict[str, bytes], frozenset[str] | None]] = [
        ({"dev/a.yaml": MINE + b"1", "dev/b.yaml": MINE, "prod/a.yaml": MINE}, None),
        ({"dev/a.yaml": MINE + b"2", "dev/b.yaml": MINE, "prod/a.yaml": MINE}, None),
        ({"dev/a.yaml": MINE + b"2", "prod/a.yaml": MINE, "prod/n/c.yaml": MINE}, None),
        ({"dev/a.yaml": MINE + b"3"}, frozenset({"dev"})),  # prod/ is kept as it is
        ({"dev/a.yaml": MINE + b"3", "dev/b.yaml": MINE + b"b"}, None),
    ]
    for index, (files, scope) in enumerate(steps):
        if index == 2:  # a hand edit, a foreign file and a deletion the record does not know
            (tmp_path / "rendered/dev/b.yaml").write_bytes(MINE + b"edited")
            (tmp_path / "rendered/dev/notes.md").write_text("mine\n")
            (tmp_path / "rendered/prod/a.yaml").unlink()
        _write(tmp_path, files, scope)
        _recorded_as_read(tmp_path)


def test_a_path_outside_the_record_is_checked_when_the_record_holds_others(
    tmp_path: Path,
) -> None:
    _write(tmp_path, {"dev/a.yaml": MINE})
    with pytest.raises(OutputProblem, match="refusing to write outside rendered/"):
        _write(tmp_path, {"dev/a.yaml": MINE + b"2", "dev/../../x.yaml": MINE})
    assert _files(tmp_path) == {"dev/a.yaml": MINE}
