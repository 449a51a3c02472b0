"""Objects to import, read from files and folders: every non-empty document in order, each
field locatable, files outside the repository shown as given; a file that is not YAML, or a
document that is not a mapping, stops the import before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.commands.importing.reading import files, read
from manifold.core.diagnostics import Position
from manifold.core.errors import ProblemsFound, UsageProblem

TWO = "kind: A\nmetadata:\n  name: a\n---\n---\nkind: B\nmetadata: {name: b}\n"


def test_documents_are_read_in_order_with_positions(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "b.yaml").write_text(TWO)
    (tmp_path / "in" / "a.yml").write_text("kind: C\n")
    (tmp_path / "in" / "notes.txt").write_text("not read")
    found = read(tmp_path, (Path("in"),))
    assert [(f.file, f.body["kind"]) for f in found] == [
        ("in/a.yml", "C"),
        ("in/b.yaml", "A"),
        ("in/b.yaml", "B"),
    ]
    assert found[1].locate(("metadata", "name")) == Position(3, 9)
    assert found[1].locate(("metadata", "absent")) == Position(3, 3)
    diagnostic = found[2].diagnostic(("metadata",), "no", "do")
    assert (diagnostic.file, diagnostic.position, diagnostic.hint) == (
        "in/b.yaml",
        Position(7, 11),
        "do",
    )


def test_a_missing_path_is_a_usage_problem(tmp_path: Path) -> None:
    with pytest.raises(UsageProblem, match=r"gone\.yaml does not exist"):
        files(tmp_path, (Path("gone.yaml"),))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a: [\n", ""),
        (b"\xff\xfe", "not UTF-8 text"),
        (b"- a\n- b\n", "a document that is not a mapping"),
    ],
    ids=["yaml-error", "not-utf8", "not-a-mapping"],
)
def test_a_bad_file_stops_the_import(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "x.yaml").write_bytes(content)
    with pytest.raises(ProblemsFound, match="nothing was written") as raised:
        read(tmp_path, (Path("x.yaml"),))
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.file == "x.yaml" and message in diagnostic.message


def test_a_file_outside_the_repository_is_shown_as_given(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("kind: A\n")
    (tmp_path / "repo").mkdir()
    [found] = read(tmp_path / "repo", (outside,))
    assert found.file == outside.as_posix()


@pytest.mark.parametrize(
    ("paths", "kinds"),
    [
        (("in", "in/a.yaml"), ["A", "B"]),
        (("in/b.yaml", "in"), ["B", "A"]),
        (("in/a.yaml", "./in/a.yaml"), ["A"]),
        (("in", "in/../in"), ["A", "B"]),
    ],
    ids=["folder, then a file in it", "file, then its folder", "one file twice", "a folder twice"],
)
def test_a_file_named_more_than_once_is_read_once(
    tmp_path: Path, paths: tuple[str, ...], kinds: list[str]
) -> None:
    """Paths that overlap (a shell glob beside its folder) name each file once, where it was
    first named: read twice, each of its objects was refused twice, or as given twice."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.yaml").write_text("kind: A\n")
    (tmp_path / "in" / "b.yaml").write_text("kind: B\n")
    found = read(tmp_path, tuple(Path(path) for path in paths))
    assert [(item.file, item.body["kind"]) for item in found] == [
        (f"in/{kind.lower()}.yaml", kind) for kind in kinds
    ]
