from __future__ import annotations

from pathlib import Path

from manifold.diagnostics import Diagnostic, Position
from manifold.sources import MAX_FILE_BYTES, Document, discover, parse_document, read_document


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
