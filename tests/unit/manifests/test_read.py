"""Reading arbitrary manifests as kubeconform does: documents, Lists, dialect, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.core.diagnostics import Position
from manifold.manifests import read as manifests


def test_documents_are_cut_at_separator_lines() -> None:
    text = "---\na: 1\n--- # second\nb: 2\n---\n\n"
    assert list(manifests.documents(text)) == [("---\na: 1\n", 1), ("b: 2\n", 4), ("\n", 6)]


def test_one_broken_document_does_not_hide_the_others() -> None:
    text = "kind: A\n---\nkind: [\n---\nkind: C\n"
    found = manifests.resources("f.yaml", text.encode(), strict=False)
    assert [(r.line, r.kind, r.problem is not None) for r in found] == [
        (1, "A", False),
        (4, "", True),
        (5, "C", False),
    ]


def test_list_items_are_resources_of_their_own() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  metadata: {name: a}\n- kind: B\n"
    found = manifests.resources("f.yaml", text.encode(), strict=False)
    assert [(r.line, r.kind) for r in found] == [(4, "A"), (6, "B")]
    assert found[0].position(("metadata", "name")) == Position(5, 20)


def test_kubernetes_reads_duplicate_keys_and_scalar_keys_unless_strict() -> None:
    text = b"kind: A\ndata:\n  5: x\n  on: z\nkind: B\n"
    (lenient,) = manifests.resources("f.yaml", text, strict=False)
    assert lenient.body == {"kind": "B", "data": {"5": "x", "true": "z"}}
    (strict,) = manifests.resources("f.yaml", text, strict=True)
    assert strict.problem is not None and "duplicate key 'kind'" in strict.problem


def test_positions_count_from_the_start_of_the_file() -> None:
    text = "kind: A\n---\n# note\nkind: B\nspec:\n  x: 1\n"
    second = manifests.resources("f.yaml", text.encode(), strict=False)[1]
    assert second.line == 4
    assert second.position(("spec", "x")) == Position(6, 6)


def test_folders_are_walked_for_manifests_in_order(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "c.json", "notes.txt", "sub/d.YAML", "sub/skip-me.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = manifests.files(
        (str(tmp_path), str(tmp_path / "nope")), [__import__("re").compile("skip")]
    )
    names = [item if isinstance(item, str) else item.problem for item in found]
    assert [Path(n).name if "/" in n else n for n in names] == [
        "a.yml",
        "b.yaml",
        "c.json",
        "d.YAML",
        "no such file or folder",
    ]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"metadata": {"name": "a"}}, "a"),
        ({"metadata": {"generateName": "pi-"}}, "pi-{{ generateName }}"),
        ({"metadata": "odd"}, ""),
    ],
)
def test_names_are_shown_as_kubeconform_shows_them(body: object, name: str) -> None:
    assert manifests.Resource("f", 1, body=body).name == name
