"""The overlay semantics, rule by rule (see manifold.compile.overlay's docstring)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from manifold.compile.overlay import (
    JsonPatchError,
    json_patch,
    merge,
    merge_all,
    merge_patch,
    value_count,
)
from manifold.inputs.nulls import without_nulls


class TestMerge:
    def test_maps_merge_deeply(self) -> None:
        base = {"a": {"b": 1, "c": {"d": 2}}, "x": 1}
        override = {"a": {"c": {"e": 3}}}
        assert merge(base, override) == {"a": {"b": 1, "c": {"d": 2, "e": 3}}, "x": 1}

    def test_later_scalar_wins(self) -> None:
        assert merge({"a": 1}, {"a": 2}) == {"a": 2}

    def test_null_removes_a_key(self) -> None:
        assert merge({"a": 1, "b": {"c": 1}}, {"b": None}) == {"a": 1}

    def test_null_for_a_missing_key_changes_nothing(self) -> None:
        assert merge({"a": 1}, {"b": None}) == {"a": 1}

    def test_nulls_in_a_new_subtree_are_dropped(self) -> None:
        assert merge({}, {"a": {"b": None, "c": 1}}) == {"a": {"c": 1}}

    def test_named_lists_merge_by_name_keeping_order(self) -> None:
        base = [{"name": "a", "v": 1}, {"name": "b", "v": 2}]
        override = [{"name": "c", "v": 3}, {"name": "a", "v": 9, "w": 1}]
        assert merge(base, override) == [
            {"name": "a", "v": 9, "w": 1},
            {"name": "b", "v": 2},
            {"name": "c", "v": 3},
        ]

    def test_items_of_named_lists_merge_deeply_and_honour_null(self) -> None:
        base = [{"name": "a", "replicas": {"min": 1, "max": 2}, "router": {}}]
        override = [{"name": "a", "replicas": {"max": 5}, "router": None}]
        assert merge(base, override) == [{"name": "a", "replicas": {"min": 1, "max": 5}}]

    def test_other_lists_replace(self) -> None:
        assert merge({"args": ["--a", "--b"]}, {"args": ["--c"]}) == {"args": ["--c"]}

    def test_list_of_maps_without_names_replaces(self) -> None:
        base = [{"key": "a"}]
        override = [{"key": "b"}]
        assert merge(base, override) == [{"key": "b"}]

    def test_named_list_over_unnamed_list_replaces(self) -> None:
        assert merge([1, 2], [{"name": "a"}]) == [{"name": "a"}]

    def test_empty_list_clears(self) -> None:
        assert merge({"tolerations": [{"name": "a"}]}, {"tolerations": []}) == {"tolerations": []}

    def test_type_change_replaces(self) -> None:
        assert merge({"runtime": {"image": "x"}}, {"runtime": "vllm"}) == {"runtime": "vllm"}

    def test_inputs_are_not_mutated(self) -> None:
        base = {"a": {"b": [{"name": "x", "v": 1}]}}
        override = {"a": {"b": [{"name": "x", "v": 2}], "c": None}}
        frozen = copy.deepcopy((base, override))
        merge(base, override)
        assert (base, override) == frozen

    def test_merge_all_applies_layers_in_order(self) -> None:
        layers: list[dict[str, Any]] = [{"a": 1, "b": 1}, {"a": 2}, {"a": 3, "c": 3}]
        assert merge_all(layers) == {"a": 3, "b": 1, "c": 3}


class TestMergePatch:
    """The examples of RFC 7386, appendix A."""

    @pytest.mark.parametrize(
        ("target", "patch", "result"),
        [
            ({"a": "b"}, {"a": "c"}, {"a": "c"}),
            ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
            ({"a": "b"}, {"a": None}, {}),
            ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
            ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
            ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
            ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
            ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
            (["a", "b"], ["c", "d"], ["c", "d"]),
            ({"a": "b"}, ["c"], ["c"]),
            ({"a": "foo"}, None, None),
            ({"a": "foo"}, "bar", "bar"),
            ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
            ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
            ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
        ],
    )
    def test_rfc_examples(self, target: Any, patch: Any, result: Any) -> None:
        assert merge_patch(target, patch) == result


class TestJsonPatch:
    """RFC 6902 operations, including the error cases of its appendix A."""

    def test_add_object_member(self) -> None:
        assert json_patch({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}]) == {
            "foo": "bar",
            "baz": "qux",
        }

    def test_add_array_element(self) -> None:
        document = {"foo": ["bar", "baz"]}
        result = json_patch(document, [{"op": "add", "path": "/foo/1", "value": "qux"}])
        assert result == {"foo": ["bar", "qux", "baz"]}

    def test_add_to_end_of_array(self) -> None:
        result = json_patch({"a": [1]}, [{"op": "add", "path": "/a/-", "value": 2}])
        assert result == {"a": [1, 2]}

    def test_remove(self) -> None:
        assert json_patch({"a": 1, "b": 2}, [{"op": "remove", "path": "/a"}]) == {"b": 2}

    def test_replace(self) -> None:
        assert json_patch({"a": 1}, [{"op": "replace", "path": "/a", "value": 3}]) == {"a": 3}

    def test_move(self) -> None:
        document = {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}
        result = json_patch(document, [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}])
        assert result == {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}

    def test_copy(self) -> None:
        result = json_patch({"a": {"b": 1}}, [{"op": "copy", "from": "/a", "path": "/c"}])
        assert result == {"a": {"b": 1}, "c": {"b": 1}}

    def test_test_passes(self) -> None:
        assert json_patch({"a": 1}, [{"op": "test", "path": "/a", "value": 1}]) == {"a": 1}

    def test_escaped_pointer(self) -> None:
        document = {"metadata": {"labels": {"app.kubernetes.io/name": "x"}}}
        result = json_patch(
            document,
            [{"op": "replace", "path": "/metadata/labels/app.kubernetes.io~1name", "value": "y"}],
        )
        assert result == {"metadata": {"labels": {"app.kubernetes.io/name": "y"}}}

    @pytest.mark.parametrize(
        ("document", "operation", "message"),
        [
            ({"a": 1}, {"op": "test", "path": "/a", "value": 2}, "test failed"),
            ({"a": 1}, {"op": "test", "path": "/a", "value": True}, "test failed"),
            ({"a": 1}, {"op": "remove", "path": "/b"}, "does not exist"),
            ({"a": 1}, {"op": "replace", "path": "/b", "value": 1}, "does not exist"),
            ({"a": [1]}, {"op": "add", "path": "/a/5", "value": 1}, "out of range"),
            ({"a": [1]}, {"op": "add", "path": "/a/01", "value": 1}, "not an array index"),
            ({"a": {}}, {"op": "add", "path": "/a/b/c", "value": 1}, "does not exist"),
            ({"a": {"b": 1}}, {"op": "move", "from": "/a", "path": "/a/b"}, "own child"),
        ],
    )
    def test_failures_are_reported_with_the_operation_index(
        self, document: Any, operation: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(JsonPatchError) as raised:
            json_patch(document, [{"op": "add", "path": "/ok", "value": 0}, operation])
        assert raised.value.index == 1
        assert message in raised.value.message

    def test_patching_does_not_mutate_the_document(self) -> None:
        document = {"spec": {"engine": {"minReplicas": 1}, "other": [1, 2]}}
        frozen = copy.deepcopy(document)
        result = json_patch(
            document,
            [
                {"op": "replace", "path": "/spec/engine/minReplicas", "value": 3},
                {"op": "add", "path": "/spec/other/-", "value": 3},
            ],
        )
        assert document == frozen
        assert result["spec"]["engine"]["minReplicas"] == 3
        assert result["spec"]["other"] == [1, 2, 3]


def test_json_patch_copies_that_double_stop_at_the_bound() -> None:
    operations: list[dict[str, Any]] = [{"op": "add", "path": "/a", "value": {"x": 1}}]
    operations += [{"op": "copy", "from": "/a", "path": f"/a/c{i}"} for i in range(40)]
    with pytest.raises(JsonPatchError) as raised:
        json_patch({}, operations)
    assert "more than 100000 values" in raised.value.message
    assert 10 < raised.value.index < 20


def test_value_count_stops_at_its_limit() -> None:
    assert value_count({"a": [1, 2, {"b": None}]}, 100) == 6
    assert value_count([[0] * 1000] * 1000, 50) == 50


def test_merge_patch_nulls_survive_without_nulls() -> None:
    environment = {"spec": {"extra": None, "patches": [{"mergePatch": {"metadata": None}}]}}
    assert without_nulls(environment) == {"spec": {"patches": [{"mergePatch": {"metadata": None}}]}}
