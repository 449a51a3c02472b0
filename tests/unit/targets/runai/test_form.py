"""How manifold reads and completes an `InferenceCreationRequest`: its name and scope, labels
and annotations as lists of {name, value}, and its schema at each Run:ai API level."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.targets.runai.form import ADDED_IN_2_24, FORM, level_note, level_schemas, name_values

BODY: dict[str, Any] = {
    "name": "chat",
    "projectId": "12",
    "clusterId": "c",
    "spec": {"image": "i", "annotations": [{"name": "own", "value": "yes"}]},
}


def _at(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = schema
    for key in path[:-1]:
        node = node[key]
    return node if path[:-1] else node["properties"]


def test_2_22_lacks_what_2_24_added_and_2_24_lacks_the_mig_profile() -> None:
    schemas = level_schemas()
    assert sorted(schemas) == ["2.22", "2.24"]
    for path in ADDED_IN_2_24:
        assert path[-1] not in _at(schemas["2.22"], path), path
        assert path[-1] in _at(schemas["2.24"], path), path
    compute = {
        level: schema["definitions"]["Compute"]["properties"] for level, schema in schemas.items()
    }
    assert "migProfile" in compute["2.22"] and "migProfile" not in compute["2.24"]
    assert "migProfile" in compute["2.22"]["gpuRequestType"]["enum"]
    assert "migProfile" not in compute["2.24"]["gpuRequestType"]["enum"]


@pytest.mark.parametrize(
    ("level", "unknown", "says"),
    [
        ("2.22", ("preemptibility",), "preemptibility needs Run:ai API level 2.24"),
        ("2.22", ("templateId",), "templateId needs Run:ai API level 2.24"),
        ("2.22", ("userCredential",), "userCredential needs Run:ai API level 2.24"),
        ("2.22", ("authorizationType",), "authorizationType needs Run:ai API level 2.24"),
        ("2.24", ("migProfile",), "Run:ai API level 2.24 removed migProfile"),
        ("2.22", ("nonsense",), None),
        ("2.24", ("preemptibility",), None),
        ("2.22", ("migProfile",), None),
        # the first field the level lacks is named
        (
            "2.22",
            ("other", "preemptibility", "templateId"),
            "preemptibility needs Run:ai API level 2.24",
        ),
    ],
)
def test_a_field_unknown_at_the_level_names_the_level_setting(
    level: str, unknown: tuple[str, ...], says: str | None
) -> None:
    note = level_note(level, unknown, "dev")
    if says is None:
        assert note is None
    else:
        assert note is not None
        message, hint = note
        assert says in message
        assert f"spec.platforms.runai.apiLevel {level!r}" in message
        assert "spec.platforms.runai.apiLevel:" in hint and "'dev'" in hint


def test_a_request_is_named_and_scoped_by_its_cluster_and_project() -> None:
    assert FORM.name(BODY) == "chat"
    assert FORM.scope(BODY) == "cluster c, project 12"
    assert FORM.output.kind == "InferenceCreationRequest"


def test_finalized_writes_labels_and_merges_annotations_the_request_keeps_its_own() -> None:
    final = FORM.finalized(BODY, {"team": "ai"}, {"own": "manifold", "a": "1"})
    assert final["spec"]["labels"] == [{"name": "team", "value": "ai"}]
    assert final["spec"]["annotations"] == [
        {"name": "a", "value": "1"},
        {"name": "own", "value": "yes"},
    ]
    assert {k: v for k, v in final.items() if k != "spec"} == {
        k: v for k, v in BODY.items() if k != "spec"
    }
    assert "labels" not in FORM.finalized(BODY, {}, {})["spec"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"spec": {"labels": [{"name": "a", "value": "1"}, {"name": "b"}]}}, {"a": "1", "b": ""}),
        ({"spec": {"labels": [{"value": "nameless"}, "text"]}}, {}),
        ({"spec": {"labels": {"a": "1"}}}, {}),
        ({"spec": None}, {}),
        ({}, {}),
    ],
)
def test_name_values_reads_only_well_formed_items(
    body: dict[str, Any], expected: dict[str, str]
) -> None:
    assert name_values(body, "labels") == expected


_NAMES = st.text(alphabet="abcxyz-./", min_size=1, max_size=8)


@given(st.dictionaries(_NAMES, st.text(max_size=8)), st.dictionaries(_NAMES, st.text(max_size=8)))
def test_labels_and_annotations_read_back_as_written(
    labels: dict[str, str], annotations: dict[str, str]
) -> None:
    body = {"name": "chat", "spec": {}}
    final = FORM.finalized(body, labels, annotations)
    assert FORM.labels(final) == labels
    assert name_values(final, "annotations") == annotations
