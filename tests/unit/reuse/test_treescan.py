"""rendered/ surveyed by a child process gives the state a scan here gives, whatever the tree
holds and whether or not the child answers; a render that took the record's digests while
the child surveyed compiles again when a file it reused was edited by hand."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from manifold.core import forked
from manifold.core.jobs import JOBS_VARIABLE
from manifold.core.kept import KeptFile
from manifold.core.options import RenderOptions
from manifold.output.header import header
from manifold.pipeline import commands
from manifold.reuse import treescan, treestate
from manifold.reuse.treestate import Entry, Record, TreeState


def _ours(source: str, body: str) -> bytes:
    return header([source]).encode() + body.encode()


def _aged(path: Path) -> None:
    """Back-dated beyond the racy window, so that the record may vouch for it."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Record]:
    """A recorded rendered/ of manifold's files and a foreign one, changed since in every
    way a survey must see: a file edited in place, one removed, one added, one made foreign."""
    rendered = tmp_path / "rendered"
    files = {
        f"dev/p{index}/object.yaml": _ours("projects/p.yaml", f"n: {index}\n") for index in range(6)
    }
    files["dev/README.md"] = b"notes of the team\n"
    for relative, data in files.items():
        (rendered / relative).parent.mkdir(parents=True, exist_ok=True)
        (rendered / relative).write_bytes(data)
        _aged(rendered / relative)
    digests = {
        path: treestate.digest(data) for path, data in files.items() if path.endswith(".yaml")
    }
    record = treestate.record_tree(rendered, digests, frozenset({"dev/README.md"}))
    (rendered / "dev/p0/object.yaml").write_bytes(_ours("projects/p.yaml", "n: 100\n"))
    (rendered / "dev/p1/object.yaml").unlink()
    (rendered / "dev/p9/object.yaml").parent.mkdir()
    (rendered / "dev/p9/object.yaml").write_bytes(_ours("projects/p.yaml", "n: 9\n"))
    (rendered / "dev/p2/object.yaml").write_bytes(b"n: 2\n")
    return rendered, record


def _fields(state: TreeState) -> tuple[Any, ...]:
    return state.generated, state.foreign, state.entries, state.unverified, state.record


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Surveys go to a child process, whatever the size of the tree; the list counts them."""
    monkeypatch.setattr(treescan, "SURVEY_AHEAD_FROM", 0)
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    started: list[int] = []
    start = forked.Child.start

    def counted(work: Any) -> forked.Child:
        child = start(work)
        started.append(child.pid)
        return child

    monkeypatch.setattr(forked.Child, "start", staticmethod(counted))
    return started


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the survey ahead forks")
def test_a_survey_in_a_child_gives_the_state_a_scan_here_gives(
    tree: tuple[Path, Record], forking: list[int]
) -> None:
    rendered, record = tree
    with treescan.survey_ahead(rendered, record) as surveyed:
        state = surveyed()
    assert len(forking) == 1
    assert _fields(state) == _fields(treescan.scan(rendered, record))
    assert state.unverified == {
        "dev/p0/object.yaml",
        "dev/p1/object.yaml",
        "dev/p2/object.yaml",
        "dev/p9/object.yaml",
    }


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the survey ahead forks")
@pytest.mark.parametrize("sent", [None, "not a survey", ({"a": (1,)}, []), (1, 2, 3)])
def test_a_child_that_sends_no_survey_leaves_it_to_this_process(
    tree: tuple[Path, Record], forking: list[int], monkeypatch: pytest.MonkeyPatch, sent: Any
) -> None:
    rendered, record = tree
    monkeypatch.setattr(forked.Child, "result", lambda self: (self.close(), sent)[1])
    with treescan.survey_ahead(rendered, record) as surveyed:
        state = surveyed()
    assert len(forking) == 1
    assert _fields(state) == _fields(treescan.scan(rendered, record))


def test_a_small_tree_is_surveyed_here(tree: tuple[Path, Record], forking: list[int]) -> None:
    rendered, record = tree
    treescan.SURVEY_AHEAD_FROM = len(record.entries) + 1  # restored by monkeypatch
    with treescan.survey_ahead(rendered, record) as surveyed:
        state = surveyed()
    assert forking == []
    assert _fields(state) == _fields(treescan.scan(rendered, record))


KEPT = KeptFile("a" * 32)


@pytest.mark.parametrize(
    ("files", "on_disk", "unverified", "as_found"),
    [
        ({"a.yaml": KEPT}, {"a.yaml": KEPT.digest}, set(), True),
        ({"a.yaml": KEPT}, {"a.yaml": KEPT.digest}, {"a.yaml"}, True),
        ({"a.yaml": KEPT}, {"a.yaml": "b" * 32}, {"a.yaml"}, False),  # edited by hand
        ({"a.yaml": KEPT}, {}, {"a.yaml"}, False),  # removed, or no longer manifold's
        ({"a.yaml": "text to write"}, {}, {"a.yaml"}, True),  # rendered again: written
        ({}, {}, {"gone.yaml"}, True),
    ],
)
def test_a_build_reused_what_the_survey_found(
    files: dict[str, Any], on_disk: dict[str, str], unverified: set[str], as_found: bool
) -> None:
    state = TreeState(generated=on_disk, unverified=frozenset(unverified))
    assert treescan.reused_as_found(files, state) is as_found


def test_recorded_disk_is_manifolds_files_by_digest() -> None:
    record = Record(
        entries={
            "dev/a.yaml": Entry(1, 2, 3, "a" * 32, True),
            "dev/notes.md": Entry(1, 2, 4, "b" * 32, False),
        }
    )
    assert treescan.recorded_disk(record) == {"dev/a.yaml": "a" * 32}


def test_a_reused_file_edited_by_hand_is_rendered_again_and_written(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = RenderOptions(example_repo)
    shutil.rmtree(example_repo / "rendered")
    commands.render(options, lambda _: None, None)  # writes, leaving a shadow to bring up to date
    target = example_repo / "rendered/prod/chat-assistant/inferenceservice-chat.yaml"
    written = target.read_bytes()
    target.write_bytes(written.replace(b"maxReplicas: 8", b"maxReplicas: 9"))
    builds: list[dict[str, str]] = []
    build = commands.build

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(args[4])  # the digests the build took for rendered/'s
        return build(*args, **kwargs)

    monkeypatch.setattr(commands, "build", counted)
    outcome = commands.render(options, lambda _: None, None)
    assert target.read_bytes() == written
    assert "1 changed" in outcome.summary
    relative = "prod/chat-assistant/inferenceservice-chat.yaml"
    # First with the record's digest of the file, then with the one the survey found.
    assert [disk[relative] for disk in builds] == [
        treestate.digest(written),
        treestate.digest(written.replace(b"maxReplicas: 8", b"maxReplicas: 9")),
    ]


def _restricted(state: TreeState, folders: frozenset[str]) -> tuple[Any, ...]:
    def inside(mapping: Any) -> Any:
        return {k: v for k, v in mapping.items() if k.split("/", 1)[0] in folders}

    unverified = {k for k in state.unverified if k.split("/", 1)[0] in folders}
    foreign = {k for k in state.foreign if k.split("/", 1)[0] in folders}
    return inside(state.generated), foreign, inside(state.entries), unverified


def test_a_scan_within_folders_is_the_whole_scan_there(tmp_path: Path) -> None:
    """A differential test: `check -e ENV` reads only its folders (`scan(..., within)`), and
    finds there what reading the whole tree finds, each kind of change included; a folder
    that is a link is not followed, and one that is not there is nothing."""
    rendered = tmp_path / "rendered"
    files = {
        f"{top}/p{index}/object.yaml": _ours("projects/p.yaml", f"{top}: {index}\n")
        for top in ("dev", "prod", "_flux")
        for index in range(3)
    }
    files["dev/README.md"] = b"notes\n"
    for relative, data in files.items():
        (rendered / relative).parent.mkdir(parents=True, exist_ok=True)
        (rendered / relative).write_bytes(data)
        _aged(rendered / relative)
    digests = {p: treestate.digest(d) for p, d in files.items() if p.endswith(".yaml")}
    record = treestate.record_tree(rendered, digests, frozenset({"dev/README.md"}))
    for top in ("dev", "prod"):
        (rendered / f"{top}/p0/object.yaml").write_bytes(_ours("projects/p.yaml", "n: 100\n"))
        (rendered / f"{top}/p1/object.yaml").unlink()
        (rendered / f"{top}/p9").mkdir()
        (rendered / f"{top}/p9/object.yaml").write_bytes(_ours("projects/p.yaml", "n: 9\n"))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/x.yaml").write_bytes(_ours("projects/p.yaml", "x: 1\n"))
    (rendered / "staging").symlink_to(tmp_path / "elsewhere")
    whole = treescan.scan(rendered, record)
    for folders in (
        frozenset({"dev", "_flux"}),
        frozenset({"prod", "_argocd"}),
        frozenset({"staging", "_flux"}),
        frozenset({"nowhere"}),
    ):
        part = treescan.scan(rendered, record, folders)
        assert _restricted(part, folders) == _restricted(whole, folders)
        assert all(path.split("/", 1)[0] in folders for path in part.entries)
    assert not any(p.startswith("staging/") for p in treescan.scan(rendered, record).generated)
