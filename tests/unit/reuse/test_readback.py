"""What a process keeps of the cache files it read or wrote (`reuse.readback`, in the memo
the command gives it): given back only for the very bytes it was decoded from, and equal to
what decoding those bytes gives."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from manifold.core.memo import Memo
from manifold.core.options import RenderOptions
from manifold.pipeline import commands
from manifold.reuse import incremental, readback, treestate, treesurvey, workdir
from manifold.reuse.workdir import WORK_DIR
from tests.cachefiles import sealed


@pytest.fixture
def memo() -> Memo:
    """What a watching process keeps for all its renders."""
    return Memo(waits=True)


def _environments(root: Path, memo: Memo) -> dict[str, incremental.CachedEnvironment]:
    cache = commands.project_cache(root, memo)
    names = sorted(p.name[4:-5] for p in (root / WORK_DIR / "cache").glob("env-*.json"))
    return {name: cache.environment(name) for name in names}


def test_what_is_decoded_ahead_is_what_reading_the_bytes_gives(rendered: Path, memo: Memo) -> None:
    written = len(list((rendered / WORK_DIR / "cache").iterdir()))
    assert incremental.decode_ahead(rendered, memo) == written  # from the bytes on disk
    assert incremental.decode_ahead(rendered, memo) == 0  # and once only
    ahead = _environments(rendered, memo)
    for environment in ahead.values():
        assert len(environment.decoded) == len(environment.projects)  # each entry decoded too
        assert environment.decoded  # the example has projects in every environment
    assert _environments(rendered, Memo()) == {
        name: environment.__class__(environment.projects, environment.objects, environment.context)
        for name, environment in ahead.items()
    }
    fresh = _environments(rendered, Memo())
    for name, environment in fresh.items():
        assert environment.projects == ahead[name].projects
        assert environment.objects == ahead[name].objects


def test_a_single_render_keeps_no_text_a_waiting_one_decodes_what_it_wrote(
    rendered: Path, memo: Memo
) -> None:
    faq = rendered / "projects/faq-answers.yaml"
    once = Memo()  # a render from the shell's
    faq.write_text(faq.read_text().replace("epochs: 1", "epochs: 2"))
    commands.render(RenderOptions(rendered), lambda _: None, None, memo=once)
    assert readback.decode_pending(once) == 0  # it kept nothing to decode
    incremental.decode_ahead(rendered, memo)
    faq.write_text(faq.read_text().replace("epochs: 2", "epochs: 4"))
    commands.render(RenderOptions(rendered), lambda _: None, None, memo=memo)
    memo.do_pending()  # a waiting process saves the cache once it waits
    written = len(list((rendered / WORK_DIR / "cache").iterdir()))
    assert readback.decode_pending(memo) == written


def test_the_same_bytes_are_decoded_once(rendered: Path, memo: Memo) -> None:
    incremental.decode_ahead(rendered, memo)
    first, again = _environments(rendered, memo), _environments(rendered, memo)
    assert all(first[name].projects is again[name].projects for name in first)


@pytest.mark.parametrize(
    "change",
    [
        lambda body: {**body, "projects": body["projects"][1:]},  # validly sealed, other data
        lambda body: {**body, "environment": "elsewhere"},  # sealed, but not of the form
    ],
    ids=["other data", "not of the form"],
)
def test_a_file_changed_since_is_read_from_its_bytes(
    rendered: Path, change: object, memo: Memo
) -> None:
    incremental.decode_ahead(rendered, memo)
    kept = _environments(rendered, memo)
    path = sorted((rendered / WORK_DIR / "cache").glob("env-*.json"))[0]
    name = path.name[4:-5]
    body = json.loads(path.read_text())["body"]
    changed = change(body)  # type: ignore[operator]
    path.write_text(sealed(changed))
    now = _environments(rendered, memo)[name]
    if changed["environment"] == name:
        assert [p["name"] for p in body["projects"][1:]] == list(now.projects)
        assert list(now.projects) != list(kept[name].projects)
    else:
        assert now.projects == {}  # refused, as from any other process


def test_a_cut_file_is_not_recalled(rendered: Path, memo: Memo) -> None:
    incremental.decode_ahead(rendered, memo)
    path = sorted((rendered / WORK_DIR / "cache").glob("env-*.json"))[0]
    path.write_bytes(path.read_bytes()[:-10])
    assert _environments(rendered, memo)[path.name[4:-5]].projects == {}


def test_the_record_is_read_ahead_once_older_than_the_racy_window(rendered: Path) -> None:
    work = rendered / WORK_DIR
    waits: list[float] = []
    treestate.load_ahead(work, Memo(waits=True), sleep=waits.append)
    # just written: waited for (at most the racy window), never trusted younger
    assert waits and 0 < waits[0] <= treesurvey.RACY_NS / 1e9 + 0.001


def _age(path: Path) -> None:
    """Times older than the racy window, as if the file had been written a while ago."""
    then = path.stat().st_mtime_ns - 10 * treesurvey.RACY_NS
    os.utime(path, ns=(then, then))
    time.sleep(2 * treesurvey.RACY_NS / 1e9)  # its ctime (set by utime) ages too


def _cache_files(root: Path) -> list[Path]:
    return sorted((root / WORK_DIR / "cache").glob("*.json"))


def test_files_vouched_for_while_waiting_are_not_read_again(
    rendered: Path, memo: Memo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Idle work reads each file known again and keeps its stat once its bytes are the ones
    known; the next render then takes it as known, without reading it."""
    incremental.decode_ahead(rendered, memo)
    for path in _cache_files(rendered):
        _age(path)
    assert readback.vouch_pending(memo, sleep=lambda _: None) == len(_cache_files(rendered))
    assert readback.vouch_pending(memo) == 0  # once
    read: list[Path] = []
    reading = workdir.read_state_bytes

    def spied(path: Path) -> bytes | None:
        read.append(path)
        return reading(path)

    monkeypatch.setattr(workdir, "read_state_bytes", spied)
    known = _environments(rendered, memo)
    assert not [p for p in read if p.parent.name == "cache"]
    fresh = _environments(rendered, Memo())
    assert {n: (e.projects, e.objects) for n, e in known.items()} == {
        n: (e.projects, e.objects) for n, e in fresh.items()
    }
    environment_files = [p for p in _cache_files(rendered) if p.name.startswith("env-")]
    assert [p for p in read if p.parent.name == "cache"] == environment_files  # by Memo()


def test_a_file_changed_after_it_was_vouched_for_is_read_again(rendered: Path, memo: Memo) -> None:
    """Bytes changed in place, its mtime put back: the ctime says it changed."""
    incremental.decode_ahead(rendered, memo)
    path = sorted((rendered / WORK_DIR / "cache").glob("env-*.json"))[0]
    _age(path)
    readback.vouch_pending(memo, sleep=lambda _: None)
    assert readback.vouched(memo, str(path)) is not None
    before = path.stat()
    raw = path.read_bytes()
    with path.open("r+b") as handle:  # the same size, the same inode
        handle.write(raw[:-2] + b"x}")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert readback.vouched(memo, str(path)) is None
    assert _environments(rendered, memo)[path.name[4:-5]].projects == {}  # its seal is wrong


def test_a_file_younger_than_the_racy_window_is_waited_for(rendered: Path, memo: Memo) -> None:
    incremental.decode_ahead(rendered, memo)
    path = _cache_files(rendered)[0]
    path.touch()  # just now
    waits: list[float] = []
    readback.vouch_pending(memo, sleep=waits.append)
    assert waits and 0 < waits[0] <= treesurvey.RACY_NS / 1e9 + 0.001
