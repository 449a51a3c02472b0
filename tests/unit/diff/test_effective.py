"""Effective changes: a shared runtime's edit listed once, with every workload it changes."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.secrets import MASK
from manifold.diff import effective as effdiff
from manifold.diff.semantic import Resource
from manifold.targets.effective import compute


def _runtime(image: str, env: str = "x") -> Resource:
    runner = {"image": image, "env": [{"name": "API_TOKEN", "value": env}]}
    body = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "ClusterServingRuntime",
        "metadata": {"name": "rt"},
        "spec": {"supportedModelFormats": [], "engineConfig": {"runner": runner}},
    }
    return Resource("prod/platform/clusterservingruntime-rt.yaml", body)


def _service(name: str) -> Resource:
    body: dict[str, Any] = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": name, "namespace": "demo"},
        "spec": {"model": {"name": "m"}, "runtime": {"name": "rt"}, "engine": {"minReplicas": 1}},
    }
    return Resource(f"prod/demo/inferenceservice-{name}.yaml", body)


SERVICES = [_service("a"), _service("b")]


def test_a_shared_runtime_change_lists_each_workload_once() -> None:
    changes = effdiff.compare(
        [_runtime("sglang:v1"), *SERVICES], [_runtime("sglang:v2"), *SERVICES]
    )
    assert [c.headline() for c in changes] == ["2 services: image sglang:v1 -> sglang:v2"]
    assert changes[0].workloads == ("prod/demo/a engine", "prod/demo/b engine")


def test_no_change_no_section() -> None:
    same = [_runtime("sglang:v1"), *SERVICES]
    assert effdiff.compare(same, same) == []
    assert effdiff.text([]) == "" and effdiff.markdown([]) == ""


def test_a_secret_looking_value_is_masked_in_every_form() -> None:
    changes = effdiff.compare(
        [_runtime("i", "old-secret"), *SERVICES], [_runtime("i", "new-secret"), *SERVICES]
    )
    assert changes[0].headline() == f"2 services: env.API_TOKEN {MASK} -> {MASK}"
    assert "secret" not in effdiff.text(changes) + effdiff.markdown(changes)
    assert effdiff.as_json(changes)[0]["before"] == MASK


def test_markdown_escapes_and_caps_the_names() -> None:
    many = [_service(f"s{i:02}") for i in range(12)]
    changes = effdiff.compare([_runtime("a_b:1"), *many], [_runtime("a_b:2"), *many])
    line = effdiff.markdown(changes).splitlines()[-1]
    assert line.startswith("- **12 services: image a\\_b:1 -\\> a\\_b:2**")
    assert line.endswith("and 2 more)")
    assert len(effdiff.as_json(changes)[0]["workloads"]) == 12


def test_an_object_not_shaped_as_manifold_writes_it_is_left_to_the_object_diff() -> None:
    spec = {"model": "not-a-map", "runtime": {"name": "rt"}, "engine": {}}
    odd = Resource(
        "prod/demo/inferenceservice-a.yaml",
        {
            "apiVersion": "ome.io/v1beta1",
            "kind": "InferenceService",
            "metadata": {"name": "a", "namespace": "demo"},
            "spec": spec,
        },
    )
    with pytest.raises(AttributeError):
        compute(effdiff._by_environment([odd])["prod"])
    assert effdiff.compare([odd, _runtime("i")], [*SERVICES, _runtime("i")]) == []
