"""The no-op check (`manifold.reuse.stampcheck`) on a tree large enough for its survey to be
split between this process and a child (`treesurvey`): the answer is the one a single
process gives, whichever half a change is in; a child that sends nothing is as none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manifold.core import forked
from manifold.output.header import header
from manifold.reuse import stampcheck, treestate, treesurvey
from manifold.reuse.treestamp import Stamp

OURS = header(["projects/a.yaml"]).encode() + b"kind: ConfigMap\n"
FOLDERS = treesurvey.SPLIT_FROM + 6
CHILDS = "prod/ns-000/a.yaml"
"""In a folder the child looks at: the sorted folders' odd places (the 35 of dev/ come first)."""
OURS_HALF = "dev/ns-001/a.yaml"


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
    "edited in the child's half": lambda r: (r / CHILDS).write_bytes(b"x"),
    "edited in this process's half": lambda r: (r / OURS_HALF).write_bytes(b"x"),
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


@pytest.mark.parametrize("half", [CHILDS, OURS_HALF])
def test_a_racy_file_is_vouched_for_by_its_content_in_either_half(
    rendered: Path, half: str
) -> None:
    """Written within the racy window of the record, a file's stat cannot vouch for it: its
    content is read, by whichever process looks at its folder."""
    _, folders = treesurvey._two_levels(str(rendered))
    assert "prod/ns-000/" in folders[1::2] and "dev/ns-001/" in folders[0::2]
    record = treestate.record_tree(rendered, _digests(rendered), frozenset())
    target = rendered / half
    os.utime(target, ns=(record.written_ns, record.written_ns))
    stat, known = target.stat(), record.entries[half]
    record.entries[half] = known._replace(mtime_ns=stat.st_mtime_ns)
    stamp = treestate.stamp_of(record)
    assert half in stamp.racy
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
    (rendered / CHILDS).unlink()
    assert not stampcheck.unchanged_since(rendered, stamp)
