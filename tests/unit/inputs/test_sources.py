from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.core.diagnostics import Diagnostic, Position
from manifold.core.memo import Memo
from manifold.inputs.filebytes import MAX_FILE_BYTES
from manifold.inputs.sources import (
    PARSED,
    POSITIONS,
    Document,
    discover,
    parse_document,
    read_document,
)


def test_discover_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    for relative in (
        "projects/b.yaml",
        "projects/a.yml",
        "projects/team/c.yaml",
        "projects/.hidden/d.yaml",
        "projects/notes.md",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x: 1\n")
    assert discover(tmp_path, "projects") == [
        "projects/a.yml",
        "projects/b.yaml",
        "projects/team/c.yaml",
    ]
    assert discover(tmp_path, "missing") == []


def test_a_document_locates_paths_lazily() -> None:
    document = parse_document("projects/a.yaml", b"spec:\n  services:\n  - name: x\n")
    assert isinstance(document, Document)
    assert document.data == {"spec": {"services": [{"name": "x"}]}}
    assert document.locate(("spec", "services", 0, "name")) == Position(3, 11)


def test_refusals_come_with_positions() -> None:
    bom = parse_document("a.yaml", b"\xef\xbb\xbfa: 1\n")
    assert isinstance(bom, Diagnostic) and "byte order mark" in bom.message
    bad = parse_document("a.yaml", b"a: 1\nb: caf\xe9\n")
    assert isinstance(bad, Diagnostic) and bad.position == Position(2, 7)
    big = parse_document("a.yaml", b"#" * (MAX_FILE_BYTES + 1))
    assert isinstance(big, Diagnostic) and "split it" in big.message
    syntax = parse_document("a.yaml", b"a: [1\n")
    assert isinstance(syntax, Diagnostic) and syntax.position is not None


def test_links_out_of_the_repository_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n")
    repo = tmp_path / "repo"
    (repo / "projects").mkdir(parents=True)
    (repo / "projects/link.yaml").symlink_to(outside)
    result = read_document(repo, "projects/link.yaml")
    assert isinstance(result, Diagnostic) and "outside the repository" in result.message


def _refusal(raw: bytes) -> Diagnostic:
    parsed = parse_document("projects/x.yaml", raw)
    assert isinstance(parsed, Diagnostic)
    return parsed


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"\xef\xbb\xbfa: 1\n", "UTF-8 byte order mark"),
        (b"\xff\xfea\x00:\x00", "UTF-16 byte order mark"),
        (b"\xff\xfe\x00\x00a\x00\x00\x00", "UTF-32 byte order mark"),
        (b"a\x00:\x00 \x001\x00", "NUL byte"),
        (b"a: caf\xe9\n", "not valid UTF-8 (byte 0xe9)"),
    ],
)
def test_encodings_other_than_utf8_are_refused(raw: bytes, words: str) -> None:
    assert words in _refusal(raw).message


def test_invalid_utf8_is_located() -> None:
    assert _refusal(b"a: 1\nb: x\xc3(\n").position == Position(2, 5)


def test_the_size_cap_is_exact() -> None:
    largest = b"#" * (MAX_FILE_BYTES - 1) + b"\n"
    assert isinstance(parse_document("projects/x.yaml", largest), Document)
    assert "larger than 1048576 bytes" in _refusal(largest + b"#").message


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200f", "\u2028", "\x85"])
def test_invisible_characters_that_change_reading_are_refused(character: str) -> None:
    refusal = _refusal(f"a: 1\nb: x{character}y\n".encode())
    assert f"U+{ord(character):04X}" in refusal.message
    assert refusal.position == Position(2, 5)


def test_links_and_special_files_are_listed_so_that_they_can_be_refused(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    projects.mkdir()
    (projects / "real.yaml").write_text("a: 1\n")
    (projects / "gone.yaml").symlink_to("missing.yaml")
    (projects / "folder.yaml").mkdir()
    os.mkfifo(projects / "pipe.yaml")
    assert discover(tmp_path, "projects") == [
        "projects/gone.yaml",
        "projects/pipe.yaml",
        "projects/real.yaml",
    ]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    os.mkfifo(tmp_path / "projects" / "pipe.yaml")
    result: list[object] = []
    reader = threading.Thread(
        target=lambda: result.append(read_document(tmp_path, "projects/pipe.yaml")), daemon=True
    )
    reader.start()
    reader.join(timeout=10)
    assert result, "reading a FIFO blocked"
    refusal = result[0]
    assert isinstance(refusal, Diagnostic)
    assert refusal.message.startswith("not a regular file")


def test_a_link_inside_the_repository_is_followed(tmp_path: Path) -> None:
    (tmp_path / "projects").mkdir()
    (tmp_path / "shared.yaml").write_text("a: 1\n")
    (tmp_path / "projects" / "alias.yaml").symlink_to("../shared.yaml")
    document = read_document(tmp_path, "projects/alias.yaml")
    assert isinstance(document, Document)
    assert document.data == {"a": 1}


def _listed_with_pathlib(root: Path, folder: str) -> list[str]:
    """What `discover` listed when it walked with pathlib: the reference it must agree with."""
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix()
        for path in base.rglob("*")
        if path.suffix in (".yaml", ".yml")
        and (path.is_symlink() or not path.is_dir())
        and not any(part.startswith(".") for part in path.relative_to(base).parts)
    )


_NAMES = st.sampled_from(["a.yaml", "b.yml", "c.txt", ".d.yaml", "e", ".f", "g.yaml.bak", "h.yaml"])
_KINDS = st.sampled_from(["file", "folder", "link-to-file", "link-to-folder", "broken-link"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(_NAMES, min_size=1, max_size=3), _KINDS), max_size=12))
def test_discover_lists_what_a_pathlib_walk_lists(
    tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[list[str], str]]
) -> None:
    root = tmp_path_factory.mktemp("repo")
    (root / "projects").mkdir()
    (root / "outside").mkdir()
    (root / "outside/x.yaml").write_text("a: 1\n")
    for parts, kind in entries:
        path = root / "projects" / Path(*parts)
        if path.exists() or path.is_symlink():
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            continue  # a file is where a folder would go
        if kind == "file":
            path.write_text("a: 1\n")
        elif kind == "folder":
            path.mkdir()
        elif kind == "link-to-file":
            path.symlink_to(root / "outside/x.yaml")
        elif kind == "link-to-folder":
            path.symlink_to(root / "outside")
        else:
            path.symlink_to(root / "nowhere")
    assert discover(root, "projects") == _listed_with_pathlib(root, "projects")


def test_a_text_located_again_is_parsed_once_and_located_the_same() -> None:
    """Through the memo the reader gives (`POSITIONS`); with none, nothing is kept."""
    text = "a:\n  b: 1\n"
    memo = Memo()
    first = Document("environments/dev.yaml", text, {"a": {"b": 1}}, memo)
    again = Document("environments/other.yaml", text, {"a": {"b": 1}}, memo)
    alone = Document("environments/other.yaml", text, {"a": {"b": 1}})
    assert first.locate(("a", "b")) == again.locate(("a", "b")) == Position(2, 6)
    assert alone.locate(("a", "b")) == Position(2, 6)
    assert again._positions is first._positions is memo.get(POSITIONS, text)
    assert alone._positions is not first._positions
    changed = Document("environments/dev.yaml", "a:\n    b: 1\n", {"a": {"b": 1}}, memo)
    assert changed.locate(("a", "b")) == Position(2, 8)


def test_a_document_sent_to_another_process_leaves_the_memo_behind() -> None:
    text = "a: 1\n"
    document = parse_document("projects/a.yaml", text.encode(), Memo())
    assert isinstance(document, Document) and document.memo is not None
    copied = pickle.loads(pickle.dumps(document))
    assert copied.memo is None
    assert (copied.path, copied.text, copied.data) == (document.path, text, {"a": 1})


def test_the_memo_keeps_the_last_texts_asked_for() -> None:
    memo = Memo()
    for number in range(POSITIONS.most or 0):
        Document("p.yaml", f"a: {number}\n", {"a": number}, memo).locate(("a",))
    Document("p.yaml", "a: 0\n", {"a": 0}, memo).locate(("a",))  # asked for again: kept
    Document("p.yaml", "b: 0\n", {"b": 0}, memo).locate(("b",))  # the oldest other dropped
    assert memo.get(POSITIONS, "a: 0\n") is not None
    assert memo.get(POSITIONS, "a: 1\n") is None


def test_a_process_that_keeps_parsed_texts_gives_each_render_its_own_copy() -> None:
    """`PARSED`: the same text parsed once; what one render does with its data is not what
    the next one is given."""
    memo = Memo()
    raw = b"kind: Environment\nspec:\n  labels: {tier: dev}\n"
    first = parse_document("environments/dev.yaml", raw, memo)
    assert isinstance(first, Document)
    first.data["spec"]["labels"]["tier"] = "changed"  # a consumer that writes into its data
    again = parse_document("environments/dev.yaml", raw, memo)
    assert isinstance(again, Document)
    anew = parse_document("environments/dev.yaml", raw)
    assert isinstance(anew, Document) and again.data == anew.data
    assert again.data["spec"]["labels"] == {"tier": "dev"}
    assert memo.get(PARSED, raw.decode()) is not None
    empty = parse_document("environments/empty.yaml", b"# nothing\n", memo)
    assert isinstance(empty, Document) and empty.data is None
