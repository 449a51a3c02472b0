"""The stamp of rendered/: one digest of the files' stats, saved with the record, read back
only in the form it was written, and agreeing with the record it was made from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from manifold.core.memo import Memo
from manifold.reuse import treestamp, treestate, treesurvey
from manifold.reuse.treestamp import Stamp
from manifold.reuse.treestate import Entry, Record

_DIGEST = "0123456789abcdef" * 2


def _lines(*rows: tuple[str, int, int, int]) -> list[str]:
    return [treesurvey.stat_line(*row) for row in rows]


def test_the_digest_does_not_depend_on_the_order_files_are_listed_in() -> None:
    rows = [("dev/a.yaml", 10, 5, 7), ("dev/b.yaml", 11, 6, 8), ("prod/a.yaml", 12, 7, 9)]
    assert treesurvey.stats_digest(_lines(*rows)) == treesurvey.stats_digest(_lines(*rows[::-1]))


@pytest.mark.parametrize(
    "changed",
    [
        ("dev/a.yaml", 11, 5, 7),  # size
        ("dev/a.yaml", 10, 6, 7),  # time
        ("dev/a.yaml", 10, 5, 8),  # inode
        ("dev/c.yaml", 10, 5, 7),  # name
    ],
)
def test_any_stat_of_any_file_changes_the_digest(changed: tuple[str, int, int, int]) -> None:
    kept = ("dev/b.yaml", 11, 6, 8)
    before = treesurvey.stats_digest(_lines(("dev/a.yaml", 10, 5, 7), kept))
    assert treesurvey.stats_digest(_lines(changed, kept)) != before


def test_a_file_more_or_less_changes_the_digest() -> None:
    one = _lines(("dev/a.yaml", 10, 5, 7))
    assert treesurvey.stats_digest(one) != treesurvey.stats_digest([*one, *one])
    assert treesurvey.stats_digest(one) != treesurvey.stats_digest([])


def test_a_name_that_is_not_utf8_is_digested_too() -> None:
    name = os.fsdecode(b"dev/\xff.yaml")
    assert len(treesurvey.stats_digest(_lines((name, 1, 1, 1)))) == 32


def test_a_stamp_survives_a_round_trip(tmp_path: Path) -> None:
    stamp = Stamp(42, _DIGEST, {"dev/a.yaml": _DIGEST, "dev/link": ""})
    treestamp.save_stamp(tmp_path, stamp)
    assert treestamp.load_stamp(tmp_path) == stamp


_TRUSTED = {"format": 2, "written_ns": 1, "stats": _DIGEST, "racy": {"dev/a.yaml": _DIGEST}}


@pytest.mark.parametrize(
    "change",
    [
        {"format": 1},  # its stats were one digest of all the lines: compared, they never match
        {"format": 3},
        {"written_ns": -1},
        {"stats": "not a digest"},
        {"racy": {"../outside.yaml": _DIGEST}},
        {"racy": {"/etc/passwd": _DIGEST}},
        {"racy": {"dev/a.yaml": 7}},
        {"unknown": True},
    ],
)
def test_a_stamp_in_doubt_is_as_none(tmp_path: Path, change: dict[str, object]) -> None:
    (tmp_path / treestamp.STAMP_FILE).write_text(json.dumps({**_TRUSTED, **change}))
    assert treestamp.load_stamp(tmp_path) is None


def test_no_stamp_file_or_a_broken_one_is_none(tmp_path: Path) -> None:
    assert treestamp.load_stamp(tmp_path) is None
    (tmp_path / treestamp.STAMP_FILE).write_text('{"format": 1, "writ')
    assert treestamp.load_stamp(tmp_path) is None


def test_saving_the_record_saves_its_stamp(tmp_path: Path) -> None:
    now = 10_000_000_000
    entries = {
        "dev/old.yaml": Entry(3, now - treesurvey.RACY_NS - 1, 5, _DIGEST, True),
        "dev/new.yaml": Entry(4, now - treesurvey.RACY_NS, 6, "f" * 32, True),
    }
    treestate.save_record(tmp_path, Record(written_ns=now, entries=entries))
    stamp = treestamp.load_stamp(tmp_path)
    assert stamp == Stamp(
        now,
        treesurvey.stats_digest(
            _lines(
                ("dev/old.yaml", 3, now - 50_000_001, 5), ("dev/new.yaml", 4, now - 50_000_000, 6)
            )
        ),
        {"dev/new.yaml": "f" * 32},  # only the file within the racy window
    )


@pytest.mark.parametrize("stamp", ["missing", "of another record"])
def test_a_stamp_not_of_the_record_is_saved_again(tmp_path: Path, stamp: str) -> None:
    """A `.manifold/` from before stamps, or a run killed between record and stamp."""
    record = Record(written_ns=7, entries={"dev/a.yaml": Entry(1, 2, 3, _DIGEST, True)})
    treestate.save_record(tmp_path, record)
    if stamp == "missing":
        (tmp_path / treestamp.STAMP_FILE).unlink()
    else:
        treestamp.save_stamp(tmp_path, Stamp(6, _DIGEST))
    treestate.stamp_again(tmp_path, 7, Memo())
    assert treestamp.load_stamp(tmp_path) == treestate.stamp_of(record)


def test_no_stamp_is_made_for_a_record_that_is_not_the_one_named(tmp_path: Path) -> None:
    treestate.save_record(tmp_path, Record(written_ns=7))
    (tmp_path / treestamp.STAMP_FILE).unlink()
    treestate.stamp_again(tmp_path, 8)
    assert treestamp.load_stamp(tmp_path) is None
