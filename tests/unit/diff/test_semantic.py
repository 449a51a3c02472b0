"""Comparing two versions of rendered/ as data."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core import yaml as yamlio
from manifold.diff.semantic import (
    Named,
    ResourceChange,
    changed_fields,
    compare,
    format_field_path,
    read_resources,
)


def _object(name: str = "chat", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "ome.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": name, "namespace": "demo"},
        "spec": spec,
    }


def _files(*objects: dict[str, Any], folder: str = "dev") -> dict[str, bytes]:
    return {
        f"{folder}/demo/{body['kind'].lower()}-{body['metadata']['name']}.yaml": yamlio.emit(
            body
        ).encode()
        for body in objects
    }


def _compare(old: dict[str, bytes], new: dict[str, bytes]) -> list[ResourceChange]:
    before, _ = read_resources(old)
    after, _ = read_resources(new)
    return compare(before, after)


class TestChangedFields:
    def test_key_order_does_not_count(self) -> None:
        assert (
            changed_fields({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"d": 3, "c": 2}, "a": 1}) == []
        )

    @pytest.mark.parametrize(("old", "new"), [(1, "1"), (1, True), (1, 1.0), (None, "")])
    def test_yaml_types_count(self, old: Any, new: Any) -> None:
        assert changed_fields({"a": old}, {"a": new}) == [("a",)]

    def test_added_and_removed_keys(self) -> None:
        assert changed_fields({"a": 1, "gone": 2}, {"a": 1, "new": 3}) == [("new",), ("gone",)]

    def test_lists_of_the_same_length_are_compared_item_by_item(self) -> None:
        assert changed_fields({"args": ["a", "b", "c"]}, {"args": ["a", "x", "c"]}) == [("args", 1)]

    def test_a_list_that_grows_is_one_field(self) -> None:
        assert changed_fields({"args": ["a"]}, {"args": ["a", "b"]}) == [("args",)]

    def test_named_items_are_matched_by_name_and_their_order_does_not_count(self) -> None:
        old = {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}
        reordered = {"env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]}
        assert changed_fields(old, reordered) == []
        changed = {"env": [{"name": "B", "value": "3"}, {"name": "A", "value": "1"}]}
        assert changed_fields(old, changed) == [("env", Named("B"), "value")]

    def test_a_named_list_that_gains_an_item_is_one_field(self) -> None:
        old = {"env": [{"name": "A", "value": "1"}]}
        new = {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}
        assert changed_fields(old, new) == [("env",)]


def test_field_paths_read_like_the_objects() -> None:
    path = ("spec", "engine", "runner", "env", Named("HF_TOKEN"), "value")
    assert format_field_path(path) == "spec.engine.runner.env[name=HF_TOKEN].value"
    assert format_field_path(("spec", "args", 2)) == "spec.args[2]"
    assert format_field_path(("metadata", "labels", "app.kubernetes.io/name")) == (
        'metadata.labels["app.kubernetes.io/name"]'
    )
    assert format_field_path(()) == "."


class TestCompare:
    def test_objects_are_matched_by_identity_not_by_file(self) -> None:
        old = {"dev/old-place.yaml": yamlio.emit(_object(minReplicas=1)).encode()}
        new = _files(_object(minReplicas=2))
        [change] = _compare(old, new)
        assert change.change == "changed"
        assert change.fields == (("spec", "minReplicas"),)

    def test_added_removed_and_per_folder(self) -> None:
        old = {**_files(_object("a")), **_files(_object("a"), folder="prod")}
        new = {**_files(_object("b")), **_files(_object("a"), folder="prod")}
        changes = [(c.change, c.resource.folder, c.resource.name) for c in _compare(old, new)]
        assert changes == [("removed", "dev", "a"), ("added", "dev", "b")]

    def test_kustomization_files_are_left_out(self) -> None:
        listing = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
        new = {"dev/kustomization.yaml": yamlio.emit({**listing, "resources": ["x"]}).encode()}
        assert _compare({}, new) == []

    def test_an_unreadable_old_file_is_a_warning(self) -> None:
        resources, diagnostics = read_resources({"dev/x.yaml": b"a: [unclosed\n"})
        assert resources == []
        [warning] = diagnostics
        assert not warning.is_error
        assert warning.file == "rendered/dev/x.yaml"


class TestDiffLines:
    def test_only_the_changed_fields_and_the_keys_above_them(self) -> None:
        old = _object(engine={"minReplicas": 1, "maxReplicas": 2}, model={"name": "m"})
        new = _object(engine={"maxReplicas": 4, "minReplicas": 1}, model={"name": "m"})
        [change] = _compare(_files(old), _files(new))
        assert change.diff_lines() == [
            " spec:",
            "   engine:",
            "-    maxReplicas: 2",
            "+    maxReplicas: 4",
        ]

    def test_a_named_item_shows_its_name(self) -> None:
        old = _object(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
        new = _object(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "3"}])
        [change] = _compare(_files(old), _files(new))
        assert change.diff_lines() == [
            " spec:",
            "   env:",
            "   - name: B",
            '-    value: "2"',
            '+    value: "3"',
        ]

    def test_added_objects_are_shown_whole(self) -> None:
        [change] = _compare({}, _files(_object(minReplicas=1)))
        lines = change.diff_lines()
        assert lines[0] == "+apiVersion: ome.io/v1beta1"
        assert all(line.startswith("+") for line in lines)

    def test_secrets_are_masked_and_still_show_a_change(self) -> None:
        def secret(token: str) -> dict[str, Any]:
            return {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "chat", "namespace": "demo"},
                "stringData": {"token": token},
            }

        [change] = _compare(_files(secret("hf_old")), _files(secret("hf_new")))
        assert change.diff_lines() == [
            " stringData:",
            '-  token: "****"',
            '+  token: "****(changed)"',
        ]
        assert change.field_values() == [(("stringData", "token"), "****", "****(changed)")]
