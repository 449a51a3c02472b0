"""`manifold.targets.ome.scaling`: the mode OME deploys each component in, as
sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d decides it
(pkg/controller/v1beta1/inferenceservice/utils/deployment.go:12-99, after the runtime is
merged under the service in utils/reconciliation.go:69-100), and the problems each mode
gives. The rules as `check` reports them are rows of checks.yaml."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from manifold.models.project import Service
from manifold.models.runtimes import ProjectServingRuntime
from manifold.targets.ome.keda import runtime_keda_problems
from manifold.targets.ome.scaling import (
    placed_components,
    runtime_scaling_problems,
    service_scaling_problems,
)

SUPPORTS = [{"format": {"name": "safetensors"}, "framework": {"name": "transformers"}}]


def _service(fields: str) -> Service:
    return Service.model_validate({"name": "s", "model": "m", **yaml.safe_load(fields)})


def _runtime(engine: str) -> ProjectServingRuntime:
    return ProjectServingRuntime.model_validate(
        {"name": "r", "engine": yaml.safe_load(engine), "supports": SUPPORTS}
    )


@pytest.mark.parametrize(
    ("fields", "runtime", "modes"),
    [
        # deployment.go:32-33: the default
        ("{}", None, {"engine": "RawDeployment"}),
        # deployment.go:27-30; without replicas the webhook gives minReplicas 1
        # (pkg/webhook/admission/isvc/inference_service_defaults.go:293-296)
        ("{replicas: {min: 0, max: 2}}", None, {"engine": "Serverless"}),
        ("{replicas: {min: 1, max: 2}}", None, {"engine": "RawDeployment"}),
        # deployment.go:22-25: a leader or workers
        (
            "{leader: {}, worker: {size: 1}, replicas: {min: 0, max: 1}}",
            None,
            {"engine": "MultiNode"},
        ),
        # ...also the runtime's, merged under the engine (merging.go:105-122)
        ("{replicas: {min: 0, max: 1}}", "{image: i, worker: {size: 1}}", {"engine": "MultiNode"}),
        # deployment.go:17-20: the engine's own annotation first
        (
            "{annotations: {ome.io/deploymentMode: RawDeployment}, replicas: {min: 0, max: 1}}",
            None,
            {"engine": "RawDeployment"},
        ),
        (
            "{replicas: {min: 0, max: 1}}",
            "{image: i, annotations: {ome.io/deploymentMode: MultiNodeRayVLLM}}",
            {"engine": "MultiNodeRayVLLM"},
        ),
        # ...an annotation that is not a valid mode is skipped (annotations.go:16-27)
        (
            "{annotations: {ome.io/deploymentMode: PDDisaggregated}, replicas: {min: 0, max: 1}}",
            None,
            {"engine": "Serverless"},
        ),
        # deployment.go:44-55, 76-85: a decoder makes the engine a Deployment, and is one
        (
            "{replicas: {min: 0, max: 2}, decoder: {replicas: {min: 0, max: 2}}}",
            None,
            {"engine": "RawDeployment", "decoder": "RawDeployment"},
        ),
        (
            "{decoder: {leader: {}, worker: {size: 1}}}",
            None,
            {"engine": "RawDeployment", "decoder": "MultiNode"},
        ),
        # deployment.go:86-94: a router is Serverless exactly at minReplicas 0
        (
            "{router: {replicas: {min: 0, max: 1}}}",
            None,
            {"engine": "RawDeployment", "router": "Serverless"},
        ),
        ("{router: {}}", None, {"engine": "RawDeployment", "router": "RawDeployment"}),
    ],
)
def test_the_mode_ome_deploys_each_component_in(
    fields: str, runtime: str | None, modes: dict[str, str]
) -> None:
    used = _runtime(runtime) if runtime is not None else None
    placed = placed_components(_service(fields), ("services", 0), used)
    assert {p.name: p.mode for p in placed} == modes


@pytest.mark.parametrize(
    ("fields", "paths"),
    [
        # hpa_reconciler.go:114-119: a Resource metric named after scaleMetric
        ("{autoscaling: {metric: memory, target: 80}}", []),
        ("{autoscaling: {metric: rps, target: 80}}", [("autoscaling", "metric")]),
        # knative annotation_validation.go:237-263: KPA takes concurrency and rps alone
        ("{replicas: {min: 0, max: 3}, autoscaling: {metric: rps, target: 5}}", []),
        (
            "{replicas: {min: 0, max: 3}, autoscaling: {metric: memory, target: 5}}",
            [("autoscaling", "metric")],
        ),
        # lws_reconciler.go:71-77: minReplicas groups, whatever else is asked
        ("{leader: {}, worker: {size: 1}, replicas: {min: 2, max: 2}}", []),
        ("{leader: {}, worker: {size: 1}, replicas: {min: 0, max: 2}}", [("replicas", "min")]),
        # hpa_reconciler.go:68-73: a Deployment's autoscaler keeps one replica
        ("{replicas: {min: 0, max: 2}, decoder: {}}", [("replicas", "min")]),
    ],
)
def test_problems_by_mode(fields: str, paths: list[tuple[Any, ...]]) -> None:
    problems = service_scaling_problems(_service(fields), (), None)
    assert [problem.path for problem in problems] == paths


def test_a_hint_offers_knative_only_where_min_zero_would_give_it() -> None:
    """An engine beside a decoder never goes to Knative (deployment.go:45-49): the hint for
    its rps does not send the user there; an engine alone gets that choice."""
    alone = service_scaling_problems(_service("{autoscaling: {metric: rps, target: 9}}"), (), None)
    split = _service("{autoscaling: {metric: rps, target: 9}, decoder: {}}")
    assert "Knative" in (next(iter(alone)).hint or "")
    assert "Knative" not in (next(iter(service_scaling_problems(split, (), None))).hint or "")


@pytest.mark.parametrize(
    ("engine", "paths"),
    [
        ("{image: i}", []),
        # inference_service_defaults.go:291-330 fills the service's replicas, which win the merge
        ("{image: i, replicas: {min: 1, max: 5}}", [("engine", "replicas")]),
        (
            "{image: i, worker: {size: 1}, autoscaling: {metric: cpu, target: 70}}",
            [("engine", "autoscaling")],
        ),
        ("{image: i, autoscaling: {metric: cpu, target: 70}}", []),
    ],
)
def test_runtime_problems(engine: str, paths: list[tuple[Any, ...]]) -> None:
    assert [p.path for p in runtime_scaling_problems(_runtime(engine), ())] == paths


def test_a_multi_node_runtime_component_with_prometheus_settings_has_two_true_problems() -> None:
    """Both hold and each says what to do at its own path: the runtime's Prometheus settings
    reach no ScaledObject (OME reads kedaConfig from the InferenceService alone,
    keda_reconciler.go), and a component on several nodes has no autoscaler at all
    (lws_reconciler.go:71-77), so its whole autoscaling is never read. Removing the latter
    removes both; neither message is the other's."""
    runtime = _runtime(
        "{image: i, worker: {size: 1}, autoscaling: {prometheus: "
        "{server: 'http://p:9090', query: 'q{d=\"%s\"}', threshold: '5'}}}"
    )
    keda = [(p.path, p.message) for p in runtime_keda_problems(runtime, ())]
    scaling = [(p.path, p.message) for p in runtime_scaling_problems(runtime, ())]
    assert [path for path, _ in keda] == [("engine", "autoscaling", "prometheus")]
    assert [path for path, _ in scaling] == [("engine", "autoscaling")]
    assert "read by no one" in keda[0][1]
    assert "with no autoscaler" in scaling[0][1]
