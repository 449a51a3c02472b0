"""OME objects as entries of manifold files (`manifold.targets.ome.importing.entries`): an
object is imported only when its entry renders back to it field by field (`first_difference`),
holds no null the layer merge would drop (`null_in`) and passes OME's schema; else the
field is named. Checked on small objects and on OME's own samples in ../shared."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core import yaml as yamlio
from manifold.targets.ome.importing.components import Unsupported
from manifold.targets.ome.importing.entries import (
    CLUSTER_SCOPED_IN_PROJECT,
    PLATFORM_KINDS,
    PROJECT_KINDS,
    entry_of,
    first_difference,
    null_in,
)
from manifold.targets.ome.objects import CLUSTER_SCOPED

PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=15,
)


@pytest.mark.parametrize(
    ("original", "rendered", "difference"),
    [
        ({"a": 1}, {"a": 1}, None),
        ({"a": 10}, {"a": "10"}, ("a",)),  # types count
        ({"a": True}, {"a": 1}, ("a",)),
        ({"a": 1}, {"a": 1, "b": 2}, ("b",)),
        ({"a": {"b": [1, 2]}}, {"a": {"b": [1]}}, ("a", "b", 1)),
        ({"a": [{"x": 1}]}, {"a": [{"x": 2}]}, ("a", 0, "x")),
        ({"a": 1, "b": 2}, {"b": 2}, ("a",)),
    ],
)
def test_first_difference(original: Any, rendered: Any, difference: Any) -> None:
    assert first_difference(original, rendered) == difference


@given(PLAIN)
def test_a_value_does_not_differ_from_its_copy(value: Any) -> None:
    assert first_difference(value, copy.deepcopy(value)) is None


@given(PLAIN, PLAIN)
def test_values_without_a_difference_are_equal(left: Any, right: Any) -> None:
    if first_difference(left, right) is None:
        assert left == right


@pytest.mark.parametrize(
    ("value", "null"),
    [
        ({"a": 1, "b": [{"c": None}]}, ("b", 0, "c")),
        ({"configuration": {"revision": None}}, None),  # kept as written
        ({"a": None}, ("a",)),
        ([1, {"a": {}}], None),
    ],
)
def test_null_in(value: Any, null: Any) -> None:
    assert null_in(value) == null


def test_a_base_model_round_trips() -> None:
    spec = {
        "modelFormat": {"name": "safetensors"},
        "storage": {"storageUri": "hf://meta/llama"},
    }
    body = {"kind": "ClusterBaseModel", "metadata": {"name": "llama"}, "spec": spec}
    imported = entry_of(body)
    assert (imported.kind, imported.name, imported.entry["name"]) == (
        "ClusterBaseModel",
        "llama",
        "llama",
    )
    assert imported.verbatim == ()  # every field has one of manifold's own


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"kind": "BaseModel", "metadata": {"name": "m"}}, ("spec",)),
        (
            {
                "kind": "BaseModel",
                "metadata": {"name": "m"},
                "spec": {"storage": {"storageUri": 5}},
            },
            None,
        ),
    ],
)
def test_what_cannot_be_imported_names_its_field(body: dict[str, Any], path: Any) -> None:
    with pytest.raises(Unsupported) as raised:
        entry_of(body)
    assert raised.value.path[:1] == ("spec",)
    if path is not None:
        assert raised.value.path == path


def test_the_kinds_scopes_agree_with_the_renderers() -> None:
    assert set(PLATFORM_KINDS) <= CLUSTER_SCOPED
    assert {kind for kind in PROJECT_KINDS if kind in CLUSTER_SCOPED} == CLUSTER_SCOPED_IN_PROJECT


def _samples(shared: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted((shared / "reference" / "ome" / "samples").glob("*.yaml")):
        for body in yamlio.load_all(path.read_text(encoding="utf-8")):
            if isinstance(body, dict) and body.get("kind") in {**PLATFORM_KINDS, **PROJECT_KINDS}:
                found.append(body)
    return found


def test_omes_samples_import_or_name_the_field_that_cannot(shared: Path) -> None:
    samples = _samples(shared)
    assert samples, "no importable OME samples in ../shared/reference/ome/samples"
    imported = 0
    for body in samples:
        try:
            item = entry_of(body)
        except Unsupported as refused:
            assert refused.path[:1] == ("spec",) and refused.message
        else:
            assert (item.kind, item.name) == (body["kind"], body["metadata"]["name"])
            imported += 1
    assert imported
