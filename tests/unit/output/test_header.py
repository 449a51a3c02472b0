"""Which files of rendered/ are manifold's: those with its header, and the JSON requests an
index carrying the header lists inside its own folder."""

from __future__ import annotations

import pytest

from manifold.output.header import (
    HEADER,
    header,
    indexed_files,
    is_generated,
    split_ownership,
)


def test_the_header_names_its_sources_and_is_recognised() -> None:
    text = header(["projects/a.yaml", "environments/dev.yaml"])
    assert text == f"{HEADER}\n# Sources: projects/a.yaml, environments/dev.yaml\n"
    assert is_generated(text.encode() + b"kind: X\n")
    assert not is_generated(b"# my own notes\n" + text.encode())
    assert not is_generated(HEADER.encode()[:20])


INDEX = (
    HEADER + "\nfiles:\n  a.json: {}\n  sub/b.json: {}\n  ../c.json: {}\n  d.yaml: {}\n"
).encode()


@pytest.mark.parametrize(
    ("relative", "data", "owned"),
    [
        ("dev/_runai/index.yaml", INDEX, ["dev/_runai/a.json", "dev/_runai/sub/b.json"]),
        ("dev/runai/index.yaml", INDEX, []),  # not a platform folder (no leading _)
        ("dev/_runai/other.yaml", INDEX, []),
        ("dev/_runai/index.yaml", b"files: [a.json]\n", []),
        ("dev/_runai/index.yaml", b"files: {1: x}\n", []),
        ("dev/_runai/index.yaml", b"\xff\xfe", []),
        ("dev/_runai/index.yaml", b"files: {a.json: [\n", []),
    ],
    ids=["listed", "plain-folder", "not-index", "list", "non-string", "not-utf8", "broken"],
)
def test_indexed_files(relative: str, data: bytes, owned: list[str]) -> None:
    assert indexed_files(relative, data) == owned


def test_split_ownership() -> None:
    files = {
        "dev/_runai/index.yaml": INDEX,
        "dev/_runai/a.json": b"{}",
        "dev/_runai/z.json": b"{}",
        "dev/x.yaml": header(["p"]).encode(),
        "dev/notes.md": b"mine",
    }
    generated, others = split_ownership(files)
    assert sorted(generated) == ["dev/_runai/a.json", "dev/_runai/index.yaml", "dev/x.yaml"]
    assert sorted(others) == ["dev/_runai/z.json", "dev/notes.md"]
    assert generated.keys() | others.keys() == files.keys()
