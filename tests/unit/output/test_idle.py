"""Levelling the shadow while a watching process waits (`manifold.output.idle`): afterwards
the shadow holds rendered/'s files (the same inodes) and the record says it differs nowhere,
and the next write gives the same bytes as a render from nothing, hand edits repaired."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from manifold.commands import recorded
from manifold.core.errors import OutputProblem
from manifold.core.kept import KeptFile
from manifold.core.memo import Memo
from manifold.core.options import RenderOptions
from manifold.output import writer
from manifold.output.idle import between_renders, level_shadow
from manifold.pipeline.building import build
from manifold.pipeline.commands import project_cache
from manifold.reuse import incremental, treestate
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, edit

PROJECT = "projects/faq-answers.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in EXAMPLE_FOLDERS:
        if folder != "rendered":
            copy_tree(REPO_ROOT / folder, root / folder)
    _render(root)  # from nothing: the shadow is the empty tree before
    return root


def _render(root: Path) -> None:
    recorded.render(RenderOptions(root), lambda _: None, None)


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _record(root: Path) -> treestate.Record:
    return treestate.load_record(root / ".manifold")


def test_after_a_render_from_nothing_the_shadow_is_levelled_with_rendered(repo: Path) -> None:
    differs = _record(repo).shadow_differs
    assert differs  # every file: the shadow is the empty tree before
    assert level_shadow(repo) == len(differs)
    assert _record(repo).shadow_differs == frozenset()
    rendered, shadow = repo / "rendered", repo / ".manifold" / writer.SHADOW_DIR
    assert _files(shadow) == _files(rendered)
    for relative in _files(rendered):
        assert (shadow / relative).stat().st_ino == (rendered / relative).stat().st_ino
    assert level_shadow(repo) == 0  # nothing left to do


def test_the_next_write_gives_what_a_render_from_nothing_gives(repo: Path, tmp_path: Path) -> None:
    level_shadow(repo)
    project = repo / PROJECT
    project.write_text(project.read_text().replace("epochs: 1", "epochs: 4"))
    edited = next(p for p in (repo / "rendered").rglob("*.yaml") if "faq" not in str(p))
    with edited.open("a") as handle:  # in place: the shadow shares this inode
        handle.write("# a hand edit\n")
    _render(repo)
    fresh = tmp_path / "fresh"
    for folder in ("projects", "environments", "platform", "schemas"):
        if (repo / folder).exists():
            shutil.copytree(repo / folder, fresh / folder)
    _render(fresh)
    assert _files(repo / "rendered") == _files(fresh / "rendered")


def test_a_repository_another_run_holds_is_left_to_the_next_write(repo: Path) -> None:
    differs = _record(repo).shadow_differs
    with writer.repository_lock(repo, 0, lambda _: None):
        assert level_shadow(repo) == 0
    assert _record(repo).shadow_differs == differs


def test_without_manifolds_folder_there_is_nothing_to_do(tmp_path: Path) -> None:
    assert level_shadow(tmp_path) == 0
    assert not (tmp_path / ".manifold").exists()


def test_a_shadow_that_is_not_there_is_built(repo: Path) -> None:
    """A record made by reading rendered/ (a render that wrote nothing after .manifold/ was
    deleted) vouches for no shadow: the next write would build one from scratch."""
    shutil.rmtree(repo / ".manifold")
    _render(repo)  # nothing to write: rendered/ is read and recorded
    assert not writer.shadow_reusable(repo, _record(repo))
    files = len(_files(repo / "rendered"))
    assert level_shadow(repo) == files
    assert writer.shadow_reusable(repo, _record(repo))
    shadow = repo / ".manifold" / writer.SHADOW_DIR
    assert _files(shadow) == _files(repo / "rendered")


def test_a_watching_render_saves_the_project_cache_once_it_waits(repo: Path) -> None:
    """The cache is for the renders after this one: a watching process writes it after it
    has told the user, before the next change can be rendered; the next render reuses it."""
    memo = Memo(waits=True)
    cache_dir = repo / ".manifold" / incremental.CACHE_DIR
    before = {path.name: path.read_bytes() for path in cache_dir.iterdir()}
    edit(repo / PROJECT, "batchSize: 8", "batchSize: 16")
    recorded.render(RenderOptions(repo), lambda _: None, None, None, memo)
    assert {path.name: path.read_bytes() for path in cache_dir.iterdir()} == before
    between_renders(repo, memo)
    after = {path.name: path.read_bytes() for path in cache_dir.iterdir()}
    assert after != before
    edit(repo / PROJECT, "batchSize: 16", "batchSize: 32")
    built, _ = build(
        repo, cache=project_cache(repo, memo), disk=writer.read_tree(repo / "rendered").generated
    )
    assert any(isinstance(content, KeptFile) for content in built.files.values())


def _lock_free(root: Path) -> bool:
    try:
        with writer.repository_lock(root, 0, lambda _: None):
            return True
    except OutputProblem:
        return False


def test_a_watching_render_saves_the_tree_record_once_it_waits_holding_the_lock(
    repo: Path,
) -> None:
    """Until the record is saved, the lock is held and the marker says the shadow is not to
    be trusted: a run that came in between would check rendered/, not trust the old record."""
    memo = Memo(waits=True)
    work = repo / ".manifold"
    before = (work / treestate.STATE_FILE).read_bytes()
    edit(repo / PROJECT, "batchSize: 8", "batchSize: 16")
    recorded.render(RenderOptions(repo), lambda _: None, None, None, memo)
    assert (work / treestate.STATE_FILE).read_bytes() == before
    assert (work / treestate.SHADOW_UNCLEAN).exists()
    assert not _lock_free(repo)
    memo.do_pending()
    assert _lock_free(repo)
    assert not (work / treestate.SHADOW_UNCLEAN).exists()
    entries = _record(repo).entries  # the record saved is the tree written
    assert sorted(entries) == sorted(_files(repo / "rendered"))
    for relative, entry in entries.items():
        assert treestate.same_stat(entry, (repo / "rendered" / relative).stat())


def test_a_render_first_does_what_the_last_one_left_for_the_wait(repo: Path) -> None:
    """Two renders in a row with no wait between (a caller that never waits): the second
    saves the first's record and lets go of the lock first, then gives what a render from
    the shell gives."""
    memo = Memo(waits=True)
    edit(repo / PROJECT, "batchSize: 8", "batchSize: 16")
    recorded.render(RenderOptions(repo), lambda _: None, None, None, memo)
    edit(repo / PROJECT, "batchSize: 16", "batchSize: 32")
    recorded.render(RenderOptions(repo), lambda _: None, None, None, memo)
    memo.do_pending()
    watched = _files(repo / "rendered")
    shutil.rmtree(repo / "rendered")
    shutil.rmtree(repo / ".manifold")
    _render(repo)
    assert _files(repo / "rendered") == watched
