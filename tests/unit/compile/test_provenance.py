"""Where a merged value came from: a problem's path traced back through the merge layers,
latest first, named-list items matched by name (and occurrence) whatever their index, a
missing field pointed at the mapping it is missing from."""

from __future__ import annotations

import textwrap
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.compile import overlay
from manifold.compile.provenance import Layer, Named, semantic_path, trace, traced_diagnostic
from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position, Problem
from manifold.inputs.sources import Document
from tests.unit.helpers import document

BASE = """\
spec:
  replicas: 1
  services:
    - name: a
      image: base-a
    - name: b
      image: base-b
"""
OVERRIDE = """\
spec:
  services:
    - name: b
      image: over-b
"""


def _layers(*texts: tuple[str, str]) -> tuple[tuple[Layer, ...], Any]:
    docs = [document(path, text) for path, text in texts]
    layers = tuple(Layer(doc.data, doc) for doc in docs)
    return layers, overlay.merge_all([layer.data for layer in layers])


LAYERS, MERGED = _layers(("base.yaml", BASE), ("over.yaml", OVERRIDE))


def test_a_named_item_is_traced_by_name_not_index() -> None:
    assert MERGED["spec"]["services"][1] == {"name": "b", "image": "over-b"}
    origin = trace(LAYERS, MERGED, ("spec", "services", 1, "image"))
    assert (origin.file, origin.path, origin.position) == (
        "over.yaml",
        ("spec", "services", 0, "image"),  # index 0 in the file that set it
        Position(4, 14),
    )


def test_a_value_only_the_base_sets_is_traced_to_the_base() -> None:
    origin = trace(LAYERS, MERGED, ("spec", "services", 0, "image"))
    assert (origin.file, origin.path, origin.position) == (
        "base.yaml",
        ("spec", "services", 0, "image"),
        Position(5, 14),
    )


def test_a_missing_field_points_at_the_mapping_that_lacks_it() -> None:
    origin = trace(LAYERS, MERGED, ("spec", "services", 1, "port"))
    assert origin.file == "over.yaml"
    assert origin.path == ("spec", "services", 0, "port")
    assert origin.position == Position(3, 7)


def test_the_key_itself_can_be_pointed_at() -> None:
    value = trace(LAYERS, MERGED, ("spec", "replicas"))
    key = trace(LAYERS, MERGED, ("spec", "replicas"), key=True)
    assert (value.position, key.position) == (Position(2, 13), Position(2, 3))


def test_semantic_path_names_repeated_items_by_occurrence() -> None:
    merged = {"items": [{"name": "x"}, {"name": "y"}, {"name": "x", "v": 1}]}
    assert semantic_path(merged, ("items", 2, "v")) == ("items", Named("x", 1), "v")
    assert semantic_path(merged, ("absent", 0)) == ("absent", 0)
    assert semantic_path({"plain": [1, 2]}, ("plain", 1)) == ("plain", 1)


def test_a_reshaped_layer_maps_back_with_base_and_skip() -> None:
    doc = document("env.yaml", "spec:\n  defaults:\n    image: x\n")
    # The defaults are repeated under a service: one step ("svc") has no counterpart.
    layer = Layer({"svc": {"image": "x"}}, doc, base=("spec", "defaults"), skip=1)
    origin = trace((layer,), {"svc": {"image": "x"}}, ("svc", "image"))
    assert origin.path == ("spec", "defaults", "image")
    assert origin.position == Position(3, 12)


def test_layers_without_a_document_are_not_blamed() -> None:
    origin = trace((Layer({"a": 1}, None),), {"a": 1}, ("a",))
    assert (origin.document, origin.path, origin.position) == (None, ("a",), None)


def test_traced_diagnostic_keeps_the_problem_and_adds_the_place() -> None:
    diagnostic = traced_diagnostic(
        LAYERS, MERGED, Problem(("spec", "services", 1, "image"), "bad", hint="fix it")
    )
    assert (diagnostic.message, diagnostic.hint, diagnostic.file) == ("bad", "fix it", "over.yaml")


# Two layers of nested mappings: every leaf of the merge is traced to the latest layer that
# sets it, and that layer's document holds the merged value at the traced path.
_KEYS = st.sampled_from(["a", "b", "c"])
_TREES = st.recursive(
    st.integers(0, 9),
    lambda children: st.dictionaries(_KEYS, children, min_size=1, max_size=3),
    max_leaves=8,
).filter(lambda tree: isinstance(tree, dict))


def _leaves(tree: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(tree, dict):
        return [path]
    return [leaf for key, child in tree.items() for leaf in _leaves(child, (*path, key))]


def _at(tree: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def _doc(path: str, data: Any) -> Document:
    return document(path, textwrap.dedent(yamlio.emit(data)))


@settings(max_examples=60, deadline=None)
@given(_TREES, _TREES)
def test_every_merged_leaf_is_traced_to_the_latest_layer_that_sets_it(
    base: dict[str, Any], override: dict[str, Any]
) -> None:
    docs = (_doc("base.yaml", base), _doc("over.yaml", override))
    layers = tuple(Layer(doc.data, doc) for doc in docs)
    merged = overlay.merge_all([layer.data for layer in layers])
    for leaf in _leaves(merged):
        origin = trace(layers, merged, leaf)
        assert origin.document is not None
        assert _at(origin.document.data, origin.path) == _at(merged, leaf)
        try:
            _at(override, leaf)
            expected = "over.yaml"
        except (KeyError, TypeError):
            expected = "base.yaml"
        assert origin.file == expected
