"""The platform-free effective-workload model (`manifold.targets.effective`): the merge
helpers that read Kubernetes containers and pods into effective fields, the objects of a
rendered/ tree by environment, and how values are shown (credentials masked)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.jsonpath import JsonPath
from manifold.core.secrets import MASK
from manifold.targets.effective import (
    Objects,
    PodRole,
    RenderedObject,
    Source,
    Value,
    container_fields,
    overlay,
    pod_fields,
    read_objects,
    shown,
)


def _at(path: JsonPath) -> Source:
    return Source("Pod/p", path)


def _values(fields: dict[str, Value]) -> dict[str, Any]:
    return {name: value.value for name, value in fields.items()}


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        ({"image": "a:1", "command": ["run"], "args": []}, {"image": "a:1", "command": ["run"]}),
        ({"image": "", "command": None}, {}),
        (
            {"env": [{"name": "A", "value": "1"}, {"name": "S", "valueFrom": {"x": 1}}, {}]},
            {"env.A": "1", "env.S": {"valueFrom": {"x": 1}}},
        ),
        ({"volumeMounts": [{"name": "cache", "mountPath": "/c"}]}, {"volumeMounts.cache": "/c"}),
        (
            {"resources": {"limits": {"nvidia.com/gpu": 2}, "requests": {"memory": "1Gi"}}},
            {"requests.memory": "1Gi", "limits.nvidia.com/gpu": 2},
        ),
        ({"env": "not a list", "resources": "nor a map"}, {}),
    ],
)
def test_container_fields(container: dict[str, Any], expected: dict[str, Any]) -> None:
    assert _values(container_fields(container, _at, ("spec",))) == expected


def test_each_container_field_is_sourced_at_its_path() -> None:
    container = {"env": [{"name": "A", "value": "1"}], "resources": {"limits": {"cpu": "1"}}}
    fields = container_fields(container, _at, ("spec", "c"))
    assert fields["env.A"].source.path == ("spec", "c", "env", 0)
    assert fields["limits.cpu"].source.path == ("spec", "c", "resources", "limits", "cpu")


@pytest.mark.parametrize(
    ("pod", "expected"),
    [
        ({"nodeSelector": {"b": "2", "a": "1"}}, {"nodeSelector.a": "1", "nodeSelector.b": "2"}),
        ({"tolerations": []}, {}),
        ({"tolerations": [{"key": "k"}]}, {"tolerations": [{"key": "k"}]}),
        ({"volumes": [{"name": "v", "emptyDir": {}}]}, {"volumes.v": {"emptyDir": {}}}),
    ],
)
def test_pod_fields(pod: dict[str, Any], expected: dict[str, Any]) -> None:
    assert _values(pod_fields(pod, _at, ())) == expected


def test_overlay_replaces_fields_of_the_base_and_keeps_the_rest() -> None:
    base = {"image": Value("a", _at(())), "env.A": Value("1", _at(()))}
    over = {"image": Value("b", _at(("o",)))}
    assert _values(overlay(base, over)) == {"image": "b", "env.A": "1"}


@pytest.mark.parametrize(
    ("fields", "gpus"),
    [
        ({"limits.nvidia.com/gpu": 4, "requests.nvidia.com/gpu": 2}, 4.0),
        ({"requests.amd.com/gpu": "2"}, 2.0),
        ({"limits.cpu": 8}, 0.0),
    ],
)
def test_gpus_per_pod_are_the_limit_else_the_request(fields: dict[str, Any], gpus: float) -> None:
    role = PodRole("engine", {k: Value(v, _at(())) for k, v in fields.items()})
    assert role.gpus == gpus


@pytest.mark.parametrize(
    ("file", "body", "project", "name", "namespace"),
    [
        ("dev/demo/x.yaml", {"metadata": {"name": "x", "namespace": "n"}}, "demo", "x", "n"),
        ("dev/_runai/demo/x.json", {"name": "req"}, "demo", "req", ""),
        ("dev/_ome/x.yaml", {"metadata": {"name": "x"}}, "_ome", "x", ""),
    ],
)
def test_a_rendered_objects_project_name_and_namespace(
    file: str, body: dict[str, Any], project: str, name: str, namespace: str
) -> None:
    rendered = RenderedObject(file, body)
    assert (rendered.project, rendered.name, rendered.namespace) == (project, name, namespace)


def test_find_matches_kind_name_and_scope() -> None:
    namespaced = RenderedObject(
        "dev/a/s.yaml", {"kind": "S", "metadata": {"name": "s", "namespace": "a"}}
    )
    cluster = RenderedObject("dev/a/c.yaml", {"kind": "C", "metadata": {"name": "c"}})
    objects = Objects("dev", [namespaced, cluster])
    assert objects.find(["S"], "s", "a") is namespaced
    assert objects.find(["S"], "s", "b") is None
    assert objects.find(["C", "S"], "c", "any") is cluster
    assert objects.of_kind("C") == [cluster]


def test_read_objects_groups_by_environment_and_leaves_out_controllers_folders() -> None:
    texts = {
        "dev/demo/a.yaml": "kind: A\n---\nkind: B\n---\n- not an object\n",
        "prod/_runai/demo/r.json": '{"name": "r"}',
        "_flux/dev.yaml": "kind: Kustomization\n",
        "dev/top.yaml": "kind: Top\n",
    }
    found = read_objects(texts)
    assert sorted(found) == ["dev", "prod"]
    assert [o.kind for o in found["dev"].items] == ["A", "B"]
    assert [o.name for o in found["prod"].items] == ["r"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("env.API_TOKEN", "abc", MASK),
        ("env.MODE", "fast", "fast"),
        ("env.API_TOKEN", {"secretKeyRef": {"name": "s"}}, {"secretKeyRef": {"name": "s"}}),
        ("replicas.min", 2, 2),
    ],
)
def test_shown_masks_secret_named_variables(name: str, value: Any, expected: Any) -> None:
    assert shown(name, value) == expected


def test_shown_masks_credentials_at_any_depth() -> None:
    key = "AKIA" + "ABCDEFGHIJKLMNOP"
    assert key not in str(shown("args", ["--key", {"inner": key}]))


def test_a_source_describes_its_object_and_path() -> None:
    assert Source("default of OME").describe() == "default of OME"
    assert Source("Pod/p", ("spec", "containers", 0)).describe().startswith("Pod/p ")
