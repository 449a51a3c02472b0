"""`.manifold/` read back as untrusted input: paths that stay below rendered/, the folder that
must be a real directory, and state files trusted only when their schema accepts them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core.errors import OutputProblem
from manifold.reuse import workdir


@pytest.mark.parametrize(
    ("relative", "safe"),
    [
        ("dev/a.yaml", True),
        ("dev/_runai/index.yaml", True),
        ("a", True),
        ("..a/b", True),
        ("../a", False),
        ("dev/../../a", False),
        ("/etc/passwd", False),
        ("dev//a", False),
        ("dev/", False),
        ("./a", False),
        ("dev\\a", False),
        ("dev/a\x00", False),
        ("", False),
    ],
)
def test_safe_relative(relative: str, safe: bool) -> None:
    assert workdir.safe_relative(relative) is safe


@given(st.text(alphabet="ab./\\\x00", max_size=12))
def test_the_schema_pattern_agrees_with_safe_relative(relative: str) -> None:
    # The writer checks paths with safe_relative, state files with the pattern: one rule.
    assert bool(re.search(workdir.SAFE_PATH_PATTERN, relative)) == workdir.safe_relative(relative)


@pytest.mark.parametrize(
    ("relative", "accepted"),
    [
        ("dev/a.yaml", True),
        ("dev/sub/a.yaml", True),
        ("prod/a.yaml", False),
        ("dev", False),
        ("dev/", False),
        ("dev/../prod/a.yaml", False),  # another environment's file, swapped in
        ("dev/..", False),
        ("dev/./a.yaml", False),
        ("dev//a.yaml", False),
    ],
)
def test_a_prefixed_path_schema_keeps_paths_in_the_prefix(relative: str, accepted: bool) -> None:
    # cacheforms.environment_schema: a cache file names only its environment's files.
    schema = workdir.StateSchema(workdir.safe_path_schema("dev/"))
    assert schema.accepts(relative) is accepted


def test_the_folder_is_made_only_when_asked(tmp_path: Path) -> None:
    assert workdir.folder(tmp_path, create=False) is None
    assert workdir.existing(tmp_path) is None
    made = workdir.folder(tmp_path, create=True)
    assert made == tmp_path / workdir.WORK_DIR and made.is_dir()
    assert workdir.folder(tmp_path, create=False) == made
    assert workdir.existing(tmp_path) == made


@pytest.mark.parametrize("planted", ["link", "file"])
def test_something_else_named_like_the_folder_is_refused_and_kept(
    tmp_path: Path, planted: str
) -> None:
    path = tmp_path / workdir.WORK_DIR
    if planted == "link":
        (tmp_path / "elsewhere").mkdir()
        path.symlink_to(tmp_path / "elsewhere")
    else:
        path.write_text("mine")
    with pytest.raises(OutputProblem, match=r"\.manifold is (a link|not a folder)"):
        workdir.folder(tmp_path, create=True)
    assert os.path.lexists(path)
    assert workdir.existing(tmp_path) is None


def test_refuse_link_passes_a_folder_and_nothing(tmp_path: Path) -> None:
    workdir.refuse_link(tmp_path, "rendered")
    workdir.refuse_link(tmp_path / "absent", "rendered")
    (tmp_path / "link").symlink_to(tmp_path)
    with pytest.raises(OutputProblem, match="rendered is a link"):
        workdir.refuse_link(tmp_path / "link", "rendered")


SCHEMA = workdir.StateSchema(
    {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
)


def test_state_written_is_read_back(tmp_path: Path) -> None:
    workdir.write_state(tmp_path, "state.json", {"n": 3})
    assert workdir.read_state(tmp_path / "state.json", SCHEMA) == {"n": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left


@pytest.mark.parametrize(
    "content",
    [b'{"n": "three"}', b'{"n": 3', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b""],
    ids=["schema", "cut-short", "not-utf8", "too-deep", "empty"],
)
def test_state_in_doubt_is_none(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "state.json").write_bytes(content)
    assert workdir.read_state(tmp_path / "state.json", SCHEMA) is None


def test_state_behind_a_link_or_in_a_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text(json.dumps({"n": 1}))
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    (tmp_path / "folder.json").mkdir()
    assert workdir.read_state(tmp_path / "link.json", SCHEMA) is None
    assert workdir.read_state(tmp_path / "folder.json", SCHEMA) is None
    assert workdir.read_state(tmp_path / "absent.json", SCHEMA) is None


def test_writing_state_replaces_a_planted_link_without_following_it(tmp_path: Path) -> None:
    target = tmp_path / "outside.txt"
    target.write_text("keep")
    (tmp_path / "state.json").symlink_to(target)
    workdir.write_state(tmp_path, "state.json", {"n": 1})
    assert target.read_text() == "keep"
    assert workdir.is_regular(tmp_path / "state.json")


def test_create_file_replaces_a_link_with_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "outside.txt"
    target.write_text("keep")
    (tmp_path / "marker").symlink_to(target)
    workdir.create_file(tmp_path / "marker")
    assert target.read_text() == "keep"
    assert workdir.is_regular(tmp_path / "marker")
    assert (tmp_path / "marker").read_bytes() == b""


def test_regular_and_folder_tests_do_not_follow_links(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    (tmp_path / "to-file").symlink_to(tmp_path / "file")
    (tmp_path / "to-folder").symlink_to(tmp_path)
    assert workdir.is_regular(tmp_path / "file")
    assert not workdir.is_regular(tmp_path / "to-file")
    assert workdir.child_is_folder(tmp_path)
    assert not workdir.child_is_folder(tmp_path / "to-folder")
    assert not workdir.is_regular(tmp_path / "absent")
