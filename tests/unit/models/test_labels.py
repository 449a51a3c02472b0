"""Labels and annotations: every such model the example and the valid cases hold reads back
as itself and refuses an unknown key; keys and values checked as Kubernetes checks them; the
keys manifold sets refused at every level where they would meet manifold's, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.core import modelcheck
from manifold.models.environment import EnvironmentSpec
from manifold.models.labels import MANIFOLD_LABELS, ObjectMetadata, ServiceObjectMetadata
from manifold.models.lifecycle import Training
from manifold.models.platform import PlatformMetadata
from manifold.models.project import ProjectMetadata, Service
from manifold.models.runtimes import ServingRuntime, TrainingRuntime
from tests.unit.models import corpus


class TestLabelsModels(corpus.CorpusTests):
    module = "manifold.models.labels"


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


AUTOSCALER_CLASS = "ome.io/autoscalerClass"
DERIVED = (
    "'ome.io/autoscalerClass' is manifold's own: manifold sets it to keda exactly when a "
    "component scales with KEDA (autoscaling.prometheus); without it OME uses HPA; remove it here"
)
_ANNOTATED = {"annotations": {AUTOSCALER_CLASS: "hpa"}}


@pytest.mark.parametrize(
    ("level", "model", "data", "problem"),
    [
        # compile.finalize puts these on every object, the InferenceService too
        ("environment", EnvironmentSpec, _ANNOTATED, DERIVED),
        ("project", ProjectMetadata, {"name": "p", "team": "t", **_ANNOTATED}, DERIVED),
        ("service object", ServiceObjectMetadata, _ANNOTATED, DERIVED),
        # OME (commit 17b77ed) unions a component's annotations over the InferenceService's
        # and picks the component's autoscaler from the result: pkg/controller/v1beta1/
        # inferenceservice/components/engine.go:213-222, decoder.go:213-222, router.go:188-197,
        # then reconcilers/common/deployment_reconciler.go:47, raw/raw_kube_reconciler.go:40
        # and reconcilers/autoscaler/autoscaler_reconciler.go:70-76 (absent: hpa, :83-106)
        ("service's engine", Service, {"name": "chat", "model": "m", **_ANNOTATED}, DERIVED),
        ("service's decoder", Service, {"name": "c", "model": "m", "decoder": _ANNOTATED}, DERIVED),
        ("service's router", Service, {"name": "c", "model": "m", "router": _ANNOTATED}, DERIVED),
        # a runtime's engineConfig, decoderConfig and routerConfig are merged under the
        # service's (OME pkg/controller/v1beta1/inferenceservice/utils/merging.go:83-143)
        ("runtime's engine", ServingRuntime, {"name": "r", "engine": _ANNOTATED}, DERIVED),
        ("runtime's decoder", ServingRuntime, {"name": "r", "decoder": _ANNOTATED}, DERIVED),
        ("runtime's router", ServingRuntime, {"name": "r", "router": _ANNOTATED}, DERIVED),
        # never on an InferenceService: the platform file renders none, training pods
        # belong to a TrainingJob, another entry's object is not a service
        ("platform", PlatformMetadata, {"name": "p", "team": "t", **_ANNOTATED}, None),
        ("training", Training, _ANNOTATED, None),
        ("training runtime", TrainingRuntime, {"name": "r", **_ANNOTATED}, None),
        ("other entry's object", ObjectMetadata, _ANNOTATED, None),
    ],
)
def test_levels_that_reach_an_inference_service_refuse_the_autoscaler_class(
    level: str, model: type[BaseModel], data: dict[str, Any], problem: str | None
) -> None:
    """ome.io/autoscalerClass (OME pkg/constants/constants.go:92) is refused at every level
    whose annotations reach an InferenceService, at its key; other problems of the partial
    data given here are not this test's."""
    _, problems = modelcheck.validate(model, data)
    found = [p.message for p in problems if AUTOSCALER_CLASS in p.path]
    assert found == ([] if problem is None else [problem]), level
