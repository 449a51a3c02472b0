"""Whatever `.manifold/` holds, a render gives what a render from nothing gives, and touches
nothing outside the repository.

Each case starts from the example repository after two renders (so the record, the project
cache, the record of outcomes and the shadow tree all exist), plants something hostile in
`.manifold/`, removes one rendered file (so the next render must write), and renders under a
watcher of every write, removal, rename and link outside the repository. The committed
rendered/ is the answer a render from nothing gives, since the example is up to date.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cachefiles import sealed
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, run_cli, tree_bytes
from tests.faults.watch import confined_to

CANARY = b"not manifold's\n"


def _prepared(base: Path) -> tuple[Path, Path]:
    """A rendered copy of the example at base/repo, with all of .manifold/ in use, and an
    outside folder holding a canary file."""
    repo, outside = base / "repo", base / "outside"
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, repo / folder)
    outside.mkdir()
    (outside / "canary").write_bytes(CANARY)
    assert run_cli("render", "-C", str(repo)).exit_code == 0
    _remove_one_rendered(repo)
    assert run_cli("render", "-C", str(repo)).exit_code == 0  # the shadow tree now exists
    return repo, outside


def _remove_one_rendered(repo: Path) -> None:
    victim = sorted((repo / "rendered").rglob("*.yaml"))[-1]
    victim.unlink()


def _render_watched(repo: Path, outside: Path) -> tuple[int, str, list[str]]:
    _remove_one_rendered(repo)
    with confined_to(repo) as escaped:
        result = run_cli("render", "-C", str(repo))
    assert (outside / "canary").read_bytes() == CANARY
    assert sorted(p.name for p in outside.iterdir()) == ["canary"]
    return result.exit_code, result.stderr, escaped


def _state(repo: Path, name: str) -> Path:
    return repo / ".manifold" / name


def _edit_json(path: Path, change: Callable[[object], object]) -> None:
    """Change a state file as someone who means it would: a cache file is sealed again (its
    seal stops accidents, not whoever can write to the checkout)."""
    if path.parent.name == "cache":
        path.write_text(sealed(change(json.loads(path.read_text())["body"])))  # type: ignore[arg-type]
        return
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


Renaming = Callable[[dict[str, str]], dict[str, str]]


def _project_names(rename: Renaming) -> Callable[[Path, Path], None]:
    """The cache's names.json naming project files otherwise (path -> project name)."""

    def plant(repo: Path, outside: Path) -> None:
        def change(names: object) -> object:
            assert isinstance(names, dict)
            files = names["files"]
            renamed = rename({path: name for path, (_, name) in files.items()})
            names["files"] = {path: [files[path][0], renamed[path]] for path in files}
            return names

        _edit_json(_state(repo, "cache/names.json"), change)

    return plant


def _swapped(first: str, second: str) -> Renaming:
    def rename(names: dict[str, str]) -> dict[str, str]:
        by_name = {name: path for path, name in names.items()}
        return {**names, by_name[first]: second, by_name[second]: first}

    return rename


def _renamed(old: str, new: str) -> Renaming:
    return lambda names: {path: new if name == old else name for path, name in names.items()}


def _record_naming(path: str) -> Callable[[Path, Path], None]:
    def plant(repo: Path, outside: Path) -> None:
        target = path.replace("OUT", str(outside))

        def change(record: object) -> object:
            assert isinstance(record, dict)
            record["shadow_differs"] = [target]
            for column, value in zip(
                ("paths", "sizes", "mtimes", "inodes", "digests", "generated"),
                (target, 1, 1, 1, "0" * 32, True),
                strict=True,
            ):
                record[column].append(value)
            return record

        _edit_json(_state(repo, "tree.json"), change)

    return plant


def _cache_naming(path: str) -> Callable[[Path, Path], None]:
    def plant(repo: Path, outside: Path) -> None:
        def change(cache: object) -> object:
            assert isinstance(cache, dict)
            for project in cache["projects"]:
                for placed in project["files"]:
                    placed[0] = path.replace("OUT", str(outside))
            return cache

        _edit_json(_state(repo, "cache/env-dev.json"), change)

    return plant


def _link(name: str, to_outside: bool = True) -> Callable[[Path, Path], None]:
    def plant(repo: Path, outside: Path) -> None:
        path = _state(repo, name)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        path.symlink_to(outside / "canary" if not to_outside else outside)

    return plant


def _replace_with(name: str, data: bytes) -> Callable[[Path, Path], None]:
    def plant(repo: Path, outside: Path) -> None:
        path = _state(repo, name)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        path.write_bytes(data)

    return plant


def _byte_changed(name: str, old: bytes, new: bytes) -> Callable[[Path, Path], None]:
    """One byte of a state file changed in place, leaving valid JSON (found by hypothesis)."""

    def plant(repo: Path, outside: Path) -> None:
        path = _state(repo, name)
        data = path.read_bytes()
        assert data.count(old) == 1 and len(old) == len(new)
        path.write_bytes(data.replace(old, new))

    return plant


def _swap_environments(repo: Path, outside: Path) -> None:
    cache = _state(repo, "cache")
    dev, prod = cache / "env-dev.json", cache / "env-prod.json"
    data = dev.read_bytes()
    dev.write_bytes(prod.read_bytes())
    prod.write_bytes(data)


def _wrong_types(repo: Path, outside: Path) -> None:
    _edit_json(_state(repo, "tree.json"), lambda r: {**r, "paths": {"dev": "x"}})  # type: ignore[dict-item]
    _edit_json(_state(repo, "outcomes.json"), lambda r: {"render": {"digest": 1}})
    _edit_json(_state(repo, "cache/names.json"), lambda r: {**r, "files": [1, 2]})  # type: ignore[dict-item]


def _planted_links_beside_state(repo: Path, outside: Path) -> None:
    for name in ("lock", "shadow.unclean", "tree.json"):
        _link(name, to_outside=False)(repo, outside)
    (repo / ".manifold" / f"previous-{'0' * 32}").symlink_to(outside)


PLANTS: dict[str, Callable[[Path, Path], None]] = {
    "record-names-parent-path": _record_naming("../outside/canary"),
    "record-names-absolute-path": _record_naming("OUT/canary"),
    "record-names-deep-parent": _record_naming("dev/../../../outside/canary"),
    "cache-names-parent-path": _cache_naming("../outside/canary"),
    "cache-names-absolute-path": _cache_naming("OUT/canary"),
    "cache-names-another-environment": _cache_naming("prod/x.yaml"),
    "cache-swapped-environments": _swap_environments,
    # names.json naming a project file wrongly: once a KeyError ('faq-answers') in the build.
    "cache-names-byte-changed": _byte_changed(
        "cache/names.json", b'"faq-answers"]', b'"faq answers"]'
    ),
    "cache-names-unknown-project": _project_names(_renamed("faq-answers", "faq answers")),
    "cache-names-another-project": _project_names(_renamed("faq-answers", "chat-assistant")),
    "cache-names-swapped-projects": _project_names(_swapped("faq-answers", "chat-assistant")),
    "wrong-json-types": _wrong_types,
    "random-bytes-record": _replace_with("tree.json", os.urandom(512)),
    "record-nested-deep": _replace_with("tree.json", b"[" * 100_000 + b"]" * 100_000),
    "outcomes-not-json": _replace_with("outcomes.json", b"\xff\xfe{"),
    "shadow-links-outside": _link("shadow"),
    "shadow-is-a-file": _replace_with("shadow", b"x"),
    "cache-links-outside": _link("cache"),
    "cache-is-a-file": _replace_with("cache", b"x"),
    "links-beside-state": _planted_links_beside_state,
}


@pytest.mark.parametrize("plant", PLANTS.values(), ids=PLANTS.keys())
def test_hostile_state_changes_nothing(plant: Callable[[Path, Path], None], tmp_path: Path) -> None:
    repo, outside = _prepared(tmp_path)
    expected = tree_bytes(REPO_ROOT / "rendered")
    plant(repo, outside)
    code, stderr, escaped = _render_watched(repo, outside)
    assert code == 0, stderr
    assert escaped == []
    assert tree_bytes(repo / "rendered") == expected
    assert run_cli("check", "-C", str(repo)).exit_code == 0


@pytest.mark.parametrize("kind", ["link", "file"])
def test_work_folder_not_ours_is_refused(kind: str, tmp_path: Path) -> None:
    """`.manifold` as a link or a file is not manifold's: refused with a message, untouched,
    and rendered/ left as it was; `check`, which needs no state, still answers."""
    repo, outside = _prepared(tmp_path)
    shutil.rmtree(repo / ".manifold")
    if kind == "link":
        (repo / ".manifold").symlink_to(outside)
    else:
        (repo / ".manifold").write_bytes(b"mine\n")
    before = tree_bytes(repo / "rendered")
    code, stderr, escaped = _render_watched(repo, outside)
    assert code == 1
    assert ".manifold is" in stderr and "move it away" in stderr
    assert "Traceback" not in stderr
    assert escaped == []
    assert tree_bytes(repo / "rendered") == {
        path: data for path, data in before.items() if (repo / "rendered" / path).exists()
    }
    check = run_cli("check", "-C", str(repo))
    assert check.exit_code == 3, check.stderr  # one rendered file was removed: drift
    assert "Traceback" not in check.stderr


_STATE_FILES = ("tree.json", "outcomes.json", "cache/names.json", "cache/env-dev.json")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(_STATE_FILES),
    offset=st.integers(min_value=0, max_value=1 << 20),
    junk=st.binary(min_size=1, max_size=64),
    truncate=st.booleans(),
)
def test_corrupted_state_gives_the_same_render(
    name: str, offset: int, junk: bytes, truncate: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Bytes overwritten (or the file cut short) anywhere in a state file: the same answer."""
    repo, outside = _prepared(tmp_path_factory.mktemp("corrupt"))
    path = _state(repo, name)
    data = bytearray(path.read_bytes())
    at = offset % len(data)
    data[at : at + len(junk)] = junk
    path.write_bytes(bytes(data[: at + len(junk)] if truncate else data))
    code, stderr, escaped = _render_watched(repo, outside)
    assert code == 0, stderr
    assert escaped == []
    assert tree_bytes(repo / "rendered") == tree_bytes(REPO_ROOT / "rendered")
