"""output.shadow: what a forked worker writes into a fresh shadow tree, and how the writer
finishes a shadow begun that way."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from manifold.core.kept import ByDigest, KeptFile, ShadowFile
from manifold.output import shadow, writer
from manifold.output.header import HEADER
from manifold.reuse import treestate, treesurvey
from manifold.reuse.treestate import digest

MINE = f"{HEADER}\n# Sources: x\n"
SHADOW = Path(writer.WORK_DIR) / shadow.SHADOW_DIR


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _started(
    root: Path, owned: object = None, disk: dict[str, str] | None = None
) -> shadow.ShadowWriter:
    started = shadow.ShadowWriter(root, owned, disk or {})  # type: ignore[arg-type]
    started.start()
    return started


def test_start_empties_the_shadow_and_marks_it_unclean(tmp_path: Path) -> None:
    (tmp_path / SHADOW / "dev").mkdir(parents=True)
    (tmp_path / SHADOW / "dev/old.yaml").write_text("old")
    _started(tmp_path)
    assert list((tmp_path / SHADOW).iterdir()) == []
    assert (tmp_path / writer.WORK_DIR / treestate.SHADOW_UNCLEAN).exists()


@pytest.mark.parametrize(
    ("relative", "owned", "disk", "expected"),
    [
        ("dev/a/x.yaml", None, {}, ShadowFile(digest(MINE.encode()))),
        ("dev/a/x.yaml", None, {"dev/a/x.yaml": "0" * 32}, ShadowFile(digest(MINE.encode()))),
        (
            "dev/a/x.yaml",
            None,
            {"dev/a/x.yaml": digest(MINE.encode())},
            KeptFile(digest(MINE.encode())),
        ),
        ("dev/a/x.yaml", lambda p: p.startswith("prod/"), {}, MINE),  # not the run's
        ("dev/../../x.yaml", None, {}, MINE),  # left to the writer, which refuses it
    ],
    ids=["new", "changed", "already-in-rendered", "not-owned", "unsafe"],
)
def test_a_worker_writes_the_owned_files_that_differ_from_rendered(
    tmp_path: Path, relative: str, owned: object, disk: dict[str, str], expected: object
) -> None:
    started = _started(tmp_path, owned, disk)
    assert started.write({relative: MINE}) == {relative: expected}
    written = _files(tmp_path / SHADOW)
    assert written == ({relative: MINE.encode()} if isinstance(expected, ShadowFile) else {})


def test_files_already_kept_pass_through(tmp_path: Path) -> None:
    kept = KeptFile("1" * 32)
    assert _started(tmp_path).write({"dev/a.yaml": kept}) == {"dev/a.yaml": kept}


def test_a_failed_write_leaves_the_file_to_the_main_process(tmp_path: Path) -> None:
    started = _started(tmp_path)
    (tmp_path / SHADOW / "dev").write_text("a file where a folder is to be")
    result = started.write({"dev/a.yaml": MINE})
    assert result == {"dev/a.yaml": MINE}


def _written_by_a_worker(root: Path, files: dict[str, str]) -> dict[str, bytes | ByDigest]:
    current = writer.read_tree(root / writer.RENDERED_DIR)
    started = writer.shadow_writer(root, None, current)
    assert started is not None
    started.start()
    return {p: c.encode() if isinstance(c, str) else c for p, c in started.write(files).items()}


def test_the_writer_finishes_a_shadow_workers_began(tmp_path: Path) -> None:
    foreign = tmp_path / "rendered/dev/notes.txt"
    writer.write_tree(
        tmp_path,
        {"dev/a.yaml": (MINE + "1").encode()},
        None,
        writer.read_tree(tmp_path / "rendered"),
    )
    foreign.write_text("mine\n")
    (tmp_path / writer.WORK_DIR / treestate.STATE_FILE).unlink()  # no record: a fresh shadow
    wanted = _written_by_a_worker(tmp_path, {"dev/a.yaml": MINE + "1", "dev/b/c.yaml": MINE + "2"})
    assert wanted == {
        "dev/a.yaml": KeptFile(digest((MINE + "1").encode())),
        "dev/b/c.yaml": ShadowFile(digest((MINE + "2").encode())),
    }
    wanted["sync/x.yaml"] = (MINE + "3").encode()  # a file no worker wrote
    changes = writer.write_tree(tmp_path, wanted, None, writer.read_tree(tmp_path / "rendered"))
    assert changes.added == ("dev/b/c.yaml", "sync/x.yaml")
    assert _files(tmp_path / "rendered") == {
        "dev/a.yaml": (MINE + "1").encode(),
        "dev/b/c.yaml": (MINE + "2").encode(),
        "dev/notes.txt": b"mine\n",
        "sync/x.yaml": (MINE + "3").encode(),
    }
    record = treestate.load_record(tmp_path / writer.WORK_DIR)
    assert record.shadow_clean
    again = writer.read_tree(tmp_path / "rendered")
    assert again.generated == {
        p: digest(d) for p, d in _files(tmp_path / "rendered").items() if p != "dev/notes.txt"
    }
    assert again.foreign == {"dev/notes.txt"}


def test_a_shadow_begun_with_nothing_written_is_built_afresh(tmp_path: Path) -> None:
    """The shadow was gone, so workers began one, but every file they had was in rendered/
    already: the record read before they began calls the shadow clean, the marker says
    otherwise, and the writer believes the marker."""
    first = {"dev/a.yaml": MINE + "1", "dev/b.yaml": MINE + "1"}
    # The record: the shadow differs at dev/b.yaml alone; the last write, a no-op past the
    # racy window, renews the record so that it vouches for every file.
    for state in (first, first | {"dev/b.yaml": MINE + "2"}, first, first):
        _write_texts(tmp_path, state)
        time.sleep(treesurvey.RACY_NS / 1e9)
    shadow.clear(tmp_path / SHADOW)
    current = writer.read_tree(tmp_path / "rendered")
    assert not current.unverified
    assert current.record.shadow_clean
    started = writer.shadow_writer(tmp_path, None, current)
    assert started is not None
    started.start()
    wanted: dict[str, bytes | KeptFile | ShadowFile] = dict(started.write(first))  # type: ignore[arg-type]
    assert all(isinstance(content, KeptFile) for content in wanted.values())
    wanted["dev/c.yaml"] = (MINE + "3").encode()
    writer.write_tree(tmp_path, wanted, None, current)
    assert _files(tmp_path / "rendered") == {
        p: t.encode() for p, t in (first | {"dev/c.yaml": MINE + "3"}).items()
    }


def _write_texts(root: Path, files: dict[str, str]) -> None:
    encoded = {p: t.encode() for p, t in files.items()}
    writer.write_tree(root, encoded, None, writer.read_tree(root / writer.RENDERED_DIR))


def test_every_file_is_written_whatever_thread_writes_it(tmp_path: Path) -> None:
    files = {f"dev/p{n % 7}/f{n}.yaml": f"{MINE}{n}\n" for n in range(50)}
    result = _started(tmp_path).write(files)
    assert result == {p: ShadowFile(digest(t.encode())) for p, t in files.items()}
    assert _files(tmp_path / SHADOW) == {p: t.encode() for p, t in files.items()}
