"""An object's labels and annotations -> its entry's `metadata`: what is carried, what is left
out because manifold sets it, and what the render must give back, row by row."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.ome.importing.components import Unsupported
from manifold.targets.ome.importing.entries import entry_of
from manifold.targets.ome.importing.metadata import carried, check, rendered_metadata

OWN = {"team.example.com/owner": "ml", "tier": "gold"}
NOTE = {"example.com/runbook": "https://runbooks.example.com/chat"}


@pytest.mark.parametrize(
    ("kind", "metadata", "entry", "dropped"),
    [
        ("ClusterBaseModel", {}, {}, ()),
        ("BaseModel", {"labels": OWN}, {"labels": OWN}, ()),
        ("AcceleratorClass", {"annotations": NOTE}, {"annotations": NOTE}, ()),
        (
            "ServingRuntime",
            {"labels": {**OWN, "app.kubernetes.io/managed-by": "manifold"}},
            {"labels": OWN},
            ("label app.kubernetes.io/managed-by",),
        ),
        (
            "FineTunedWeight",
            {"labels": {"manifold.dev/environment": "prod"}, "annotations": NOTE},
            {"annotations": NOTE},
            ("label manifold.dev/environment",),
        ),
        (
            "InferenceService",
            {"annotations": {"ome.io/autoscalerClass": "keda", **NOTE}},
            {"annotations": NOTE},
            (),
        ),
        (
            "BenchmarkJob",
            {"annotations": {"ome.io/autoscalerClass": "keda"}},
            {"annotations": {"ome.io/autoscalerClass": "keda"}},  # only a service's is derived
            (),
        ),
    ],
)
def test_what_the_entry_carries(
    kind: str, metadata: dict[str, Any], entry: dict[str, Any], dropped: tuple[str, ...]
) -> None:
    found = carried(kind, metadata)
    assert (found.entry, found.dropped) == (entry, dropped)


def test_a_derived_annotation_is_still_compared() -> None:
    found = carried("InferenceService", {"annotations": {"ome.io/autoscalerClass": "hpa"}})
    with pytest.raises(Unsupported, match="KEDA") as raised:
        check(found, rendered_metadata({}))
    assert raised.value.path == ("metadata", "annotations", "ome.io/autoscalerClass")


def test_what_the_render_does_not_give_back_is_refused_at_its_key() -> None:
    found = carried("BaseModel", {"labels": OWN})
    with pytest.raises(Unsupported, match="label 'tier'") as raised:
        check(found, rendered_metadata({"labels": {"team.example.com/owner": "ml"}}))
    assert raised.value.path == ("metadata", "labels", "tier")
    check(found, rendered_metadata({"labels": dict(OWN)}))


MODEL_SPEC = {"storage": {"storageUri": "hf://org/m"}}


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("ClusterBaseModel", MODEL_SPEC),
        ("BaseModel", MODEL_SPEC),
        (
            "AcceleratorClass",
            {"discovery": {"nodeSelector": {"gpu": "h100"}}, "capabilities": {"memoryGB": "80"}},
        ),
        ("InferenceService", {"model": {"name": "m"}}),
    ],
)
def test_entry_of_puts_metadata_after_the_name(kind: str, spec: dict[str, Any]) -> None:
    metadata = {"name": "x", "namespace": "team-a", "labels": OWN, "annotations": NOTE}
    body = {"apiVersion": "ome.io/v1beta1", "kind": kind, "metadata": metadata, "spec": spec}
    entry = entry_of(body).entry
    assert list(entry)[:2] == ["name", "metadata"]
    assert entry["metadata"] == {"labels": OWN, "annotations": NOTE}


def test_kubectls_last_applied_record_is_left_out_and_named_apart() -> None:
    record = {"kubectl.kubernetes.io/last-applied-configuration": '{"kind":"BaseModel"}'}
    found = carried("BaseModel", {"annotations": {**record, **NOTE}})
    assert (found.entry, found.dropped) == ({"annotations": NOTE}, ())
    assert found.stale == ("annotation kubectl.kubernetes.io/last-applied-configuration",)
    check(found, rendered_metadata({"annotations": dict(NOTE)}))  # not expected back
