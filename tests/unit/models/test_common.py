"""The shared pieces: names, labels, resources, replicas: every such model the example and the
valid cases hold reads back as itself from its own data and refuses an unknown key; and its own
rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.common import (
    MANIFOLD_LABELS,
    ObjectMetadata,
    Replicas,
    ServiceObjectMetadata,
)
from tests.unit.models import corpus


class TestCommonModels(corpus.CorpusTests):
    module = "manifold.models.common"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        (Replicas, {"min": 3, "max": 2}, "min (3) is greater than max (2)"),
        (Replicas, {"min": 0, "max": 1}, None),
        (Replicas, {"min": 1, "max": 0}, "must be at least 1, got 0"),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    corpus.check_rule(model, data, problem)


OWNED = "is manifold's own"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        *[(ObjectMetadata, {"labels": {key: "x"}}, OWNED) for key in MANIFOLD_LABELS],
        (ObjectMetadata, {"labels": {"manifold.dev/environment": "x"}}, OWNED),
        (ObjectMetadata, {"labels": {"manifold.dev/team": "x"}}, OWNED),
        (ObjectMetadata, {"annotations": {"manifold.dev/anything": "x"}}, OWNED),
        (ObjectMetadata, {"labels": {"app.kubernetes.io/version": "1.0"}}, None),
        (ObjectMetadata, {"annotations": {"app.kubernetes.io/name": "x"}}, None),
        (ObjectMetadata, {"annotations": {"ome.io/autoscalerClass": "hpa"}}, None),
        (ServiceObjectMetadata, {"annotations": {"ome.io/autoscalerClass": "hpa"}}, "KEDA"),
        (ServiceObjectMetadata, {"labels": {"app.kubernetes.io/part-of": "x"}}, OWNED),
        (ServiceObjectMetadata, {"annotations": {"ome.io/deploymentMode": "RawDeployment"}}, None),
        (ObjectMetadata, {"labels": {"team": "a b"}}, "not a valid label value"),
        (ObjectMetadata, {"labels": {"-team": "a"}}, "not a valid label or annotation key"),
        (ObjectMetadata, {"annotations": {"note": "any text, even long: " + "x" * 100}}, None),
        (ObjectMetadata, {"labels": {"team": "a"}, "other": {}}, "unknown field 'other'"),
        # a key's prefix is a DNS subdomain of up to 253 characters, as Kubernetes has it
        (ObjectMetadata, {"labels": {"a" * 60 + "." + "b" * 60 + ".example.com/x": "y"}}, None),
        (ObjectMetadata, {"labels": {("a" * 60 + ".") * 4 + "example.com/x": "y"}}, "at most 253"),
    ],
)
def test_object_metadata_refuses_what_manifold_sets(
    model: type[BaseModel], data: dict[str, Any], problem: str | None
) -> None:
    corpus.check_rule(model, data, problem)
