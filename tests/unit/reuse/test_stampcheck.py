"""The no-op check (`manifold.reuse.stampcheck`) on a tree large enough for its survey to be
shared between this process and a child (`treesurvey`): the answer is the one a single
process gives, wherever a change is; a child that sends nothing is as none."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from manifold.core import forked
from manifold.output.header import header
from manifold.reuse import stampcheck, treestate, treesurvey
from manifold.reuse.treestamp import Stamp

OURS = header(["projects/a.yaml"]).encode() + b"kind: ConfigMap\n"
FOLDERS = treesurvey.SPLIT_FROM + 6
RACY = "prod/ns-000/a.yaml"


def _aged(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    """Two environments of namespaces, each with two files, a file beside the environments
    and one beside the namespaces: every level the split reads."""
    root = tmp_path / "rendered"
    for index in range(FOLDERS):
        folder = root / ("dev" if index % 2 else "prod") / f"ns-{index:03}"
        (folder / "deep").mkdir(parents=True)
        (folder / "a.yaml").write_bytes(OURS)
        (folder / "deep" / "b.yaml").write_bytes(OURS + str(index).encode())
    (root / "README.md").write_bytes(b"mine\n")
    (root / "dev" / "kustomization.yaml").write_bytes(OURS)
    for path in root.rglob("*"):
        if path.is_file():
            _aged(path)
    return root


def _stamp(rendered: Path) -> Stamp:
    return treestate.stamp_of(treestate.record_tree(rendered, _digests(rendered), frozenset()))


def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treesurvey, "SPLIT_FROM", 1 << 30)


def test_an_unchanged_tree_is_unchanged_split_or_not(
    rendered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = _stamp(rendered)
    assert stampcheck.unchanged_since(rendered, stamp)
    _alone(monkeypatch)
    assert stampcheck.unchanged_since(rendered, stamp)


CHANGES = {
    "edited in prod": lambda r: (r / RACY).write_bytes(b"x"),
    "edited in dev": lambda r: (r / "dev/ns-001/a.yaml").write_bytes(b"x"),
    "edited deep down": lambda r: (r / "dev/ns-001/deep/b.yaml").write_bytes(b"x"),
    "added deep down": lambda r: (r / "dev/ns-003/deep/c.yaml").write_bytes(b"x"),
    "removed": lambda r: (r / "prod/ns-002/a.yaml").unlink(),
    "beside the environments": lambda r: (r / "README.md").write_bytes(b"theirs\n"),
    "beside the namespaces": lambda r: (r / "dev/kustomization.yaml").unlink(),
    "a namespace added": lambda r: (r / "dev/ns-999").mkdir(),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("split", [True, False])
def test_a_change_anywhere_is_seen(
    rendered: Path, monkeypatch: pytest.MonkeyPatch, change: str, split: bool
) -> None:
    stamp = _stamp(rendered)
    CHANGES[change](rendered)
    if not split:
        _alone(monkeypatch)
    # "a namespace added" (empty) adds no file: the stat lines, and the answer, are the same
    assert stampcheck.unchanged_since(rendered, stamp) is (change == "a namespace added")


@pytest.mark.parametrize("looker", ["the child", "this process"])
def test_a_racy_file_is_vouched_for_by_its_content_whoever_looks(
    rendered: Path, looker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written within the racy window of the record, a file's stat cannot vouch for it: its
    content is read, by whichever process takes its folder's chunk (here, one takes all)."""
    parent, taken = os.getpid(), treesurvey.Chunks.taken

    def only_one_takes(chunks: treesurvey.Chunks, folders: list[str]) -> Iterator[str]:
        if (os.getpid() == parent) == (looker == "this process"):
            yield from taken(chunks, folders)

    monkeypatch.setattr(treesurvey.Chunks, "taken", only_one_takes)
    record = treestate.record_tree(rendered, _digests(rendered), frozenset())
    target = rendered / RACY
    os.utime(target, ns=(record.written_ns, record.written_ns))
    stat, known = target.stat(), record.entries[RACY]
    record.entries[RACY] = known._replace(mtime_ns=stat.st_mtime_ns)
    stamp = treestate.stamp_of(record)
    assert RACY in stamp.racy
    assert stampcheck.unchanged_since(rendered, stamp)
    target.write_bytes(b"y" * stat.st_size)  # same size, inode and time: only content tells
    os.utime(target, ns=(record.written_ns, record.written_ns))
    assert not stampcheck.unchanged_since(rendered, stamp)


def _digests(rendered: Path) -> dict[str, str]:
    return {
        relative: treestate.digest((rendered / relative).read_bytes())
        for relative, _ in treesurvey.files_below(rendered)
    }


def test_a_child_that_sends_nothing_is_as_none(
    rendered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = _stamp(rendered)
    start = forked.Child.start
    monkeypatch.setattr(forked.Child, "start", lambda work: start(lambda: os._exit(3)))
    assert stampcheck.unchanged_since(rendered, stamp)
    (rendered / RACY).unlink()
    assert not stampcheck.unchanged_since(rendered, stamp)
