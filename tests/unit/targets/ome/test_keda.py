"""Scaling on a Prometheus query as OME reads it (`manifold.targets.ome.keda`): the settings
in the InferenceService's spec.kedaConfig, which every component's deployment is reconciled
with (sgl-project/ome at 17b77eda, pkg/controller/v1beta1/inferenceservice/reconcilers/common/
deployment_reconciler.go, ReconcileRawDeployment: `KedaConfig: isvc.Spec.KedaConfig`), and
the autoscaler class where each component's annotations pick it up (components/engine.go,
processAnnotations: the InferenceService's annotations, the component's own over them)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.models.workload import PrometheusScaling
from manifold.targets.ome.keda import AUTOSCALER_CLASS, keda_config, query_problem
from manifold.targets.ome.render import render
from tests.unit.helpers import lone_catalog, project_instance

QUERY = "{server: 'http://p:9090', query: 'up', threshold: '1'}"
OTHER = "{server: 'http://p:9090', query: 'down', threshold: '1'}"
KEDA = {
    "enableKeda": True,
    "promServerAddress": "http://p:9090",
    "customPromQuery": "up",
    "scalingThreshold": "1",
}


def _isvc(service: str) -> dict[str, Any]:
    spec = (
        f"models: [{{name: m, source: 'hf://a/b'}}]\nservices: [{{name: s, model: m, {service}}}]"
    )
    instance = project_instance("ome", spec)
    (isvc,) = [m for m in render(instance, lone_catalog(instance)) if m.kind == "InferenceService"]
    return isvc.body


def _marks(isvc: dict[str, Any]) -> dict[str, bool]:
    """Which of the InferenceService and its components carry the KEDA class."""
    spec = isvc["spec"]
    return {
        where: (annotations or {}).get(AUTOSCALER_CLASS) == "keda"
        for where, annotations in [
            ("service", isvc["metadata"].get("annotations")),
            *((part, spec[part].get("annotations")) for part in ("engine", "decoder", "router")
              if part in spec),
        ]
    }  # fmt: skip


@pytest.mark.parametrize(
    ("service", "marks"),
    [
        (
            f"image: i, autoscaling: {{prometheus: {QUERY}}}",
            {"service": True, "engine": False},
        ),
        (  # every component scales on the query: the InferenceService is marked
            f"image: i, autoscaling: {{prometheus: {QUERY}}}, "
            f"decoder: {{image: d, autoscaling: {{prometheus: {QUERY}}}}}",
            {"service": True, "engine": False, "decoder": False},
        ),
        (  # a mark on the InferenceService would make the router follow the engine's query
            f"image: i, autoscaling: {{prometheus: {QUERY}}}, router: {{image: r}}",
            {"service": False, "engine": True, "router": False},
        ),
        (
            f"image: i, decoder: {{image: d, autoscaling: {{prometheus: {QUERY}}}}}",
            {"service": False, "engine": False, "decoder": True},
        ),
    ],
    ids=["the engine alone", "engine and decoder", "the engine, not the router", "the decoder"],
)
def test_settings_go_on_the_inference_service_and_the_class_where_it_is_read(
    service: str, marks: dict[str, bool]
) -> None:
    isvc = _isvc(service)
    assert isvc["spec"]["kedaConfig"] == KEDA
    assert _marks(isvc) == marks
    for part in ("engine", "decoder", "router"):
        assert "kedaConfig" not in isvc["spec"].get(part, {})  # read by no one


def test_without_a_prometheus_query_nothing_is_written() -> None:
    isvc = _isvc("image: i, autoscaling: {metric: cpu, target: 80}")
    assert "kedaConfig" not in isvc["spec"]
    assert AUTOSCALER_CLASS not in isvc["metadata"].get("annotations", {})


def test_the_component_keeps_its_own_annotations_beside_the_class() -> None:
    scaled = f"autoscaling: {{prometheus: {QUERY}}}"
    isvc = _isvc(f"image: i, annotations: {{a: b}}, {scaled}, router: {{image: r}}")
    assert isvc["spec"]["engine"]["annotations"] == {"a": "b", AUTOSCALER_CLASS: "keda"}


def test_keda_config_names_every_setting_as_ome_spells_it() -> None:
    prometheus = PrometheusScaling.model_validate(
        {
            "server": "http://p:9090",
            "query": "up",
            "threshold": "0.5",
            "operator": "GreaterThanOrEqual",
            "authentication": {"name": "auth", "kind": "TriggerAuthentication", "modes": "basic"},
        }
    )
    assert keda_config(prometheus) == {
        "enableKeda": True,
        "promServerAddress": "http://p:9090",
        "customPromQuery": "up",
        "scalingThreshold": "0.5",
        "scalingOperator": "GreaterThanOrEqual",
        "authenticationRef": {"name": "auth", "kind": "TriggerAuthentication"},
        "authModes": "basic",
    }


def test_other_settings_for_another_component_are_not_rendered_silently() -> None:
    """The rule (checks.yaml) refuses it; the render keeps the engine's."""
    isvc = _isvc(
        f"image: i, autoscaling: {{prometheus: {QUERY}}}, "
        f"decoder: {{image: d, autoscaling: {{prometheus: {OTHER}}}}}"
    )
    assert isvc["spec"]["kedaConfig"]["customPromQuery"] == "up"


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        # OME's own sample (site/content/en/docs/concepts/inference_service.md:357-362)
        ('rate(sglang_time_per_output_token_seconds_bucket{ome_io_inferenceservice="%s"}[5m])',
         False),
        ("sum(x{pod=~'%v-.*'})", False),
        ("sum(x) # %s", False),  # the name in a PromQL comment: left out of the query
        ("sum(x{a='%s'}) * 100 %% 7", False),
        # fmt.Sprintf("up", name) is "up%!(EXTRA string=name)" (keda_reconciler.go:193-194)
        ("up", True),
        ("sum(x{a='%s'}) * 100 % 7", True),
        ("x{a='%s', b='%s'}", True),
        ("x{a='%d'}", True),
    ],
)  # fmt: skip
def test_a_query_is_a_go_format_string_with_one_name(query: str, refused: bool) -> None:
    assert (query_problem(query) is not None) == refused
