"""Workload components as OME component specs (`manifold.targets.ome.components`): replicas
and scaling, the runner, and multi-node leaders and workers, into which the component's own
container and pod fields are folded because OME builds those pods from their own spec alone
(sgl-project/ome at 17b77edad23b, pkg/controller/v1beta1/inferenceservice/components/engine.go,
reconcilePodSpec and reconcileWorkerPodSpec)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.models.workload import Component, Router
from manifold.targets.ome.components import RUNNER_NAME, component, router, runner


def _component(data: dict[str, Any]) -> Component:
    return Component.model_validate(data)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        ({}, None, {}),
        ({}, "ome-container", {}),  # a name alone is no runner
        ({"image": "i:1"}, None, {"image": "i:1"}),
        ({"image": "i:1"}, "router", {"name": "router", "image": "i:1"}),
    ],
)
def test_a_runner_is_empty_when_the_container_sets_nothing(
    data: dict[str, Any], name: str | None, expected: dict[str, Any]
) -> None:
    assert runner(_component(data), name) == expected


def test_a_single_node_component_has_replicas_runner_and_pod_fields() -> None:
    spec = component(
        _component(
            {
                "image": "i:1",
                "replicas": {"min": 1, "max": 3},
                "nodeSelector": {"pool": "gpu"},
                "labels": {"a": "b"},
            }
        ),
        None,
    )
    assert spec == {
        "minReplicas": 1,
        "maxReplicas": 3,
        "runner": {"image": "i:1"},
        "nodeSelector": {"pool": "gpu"},
        "labels": {"a": "b"},
    }


def test_leader_and_workers_take_the_components_fields_under_their_own() -> None:
    spec = component(
        _component(
            {
                "image": "engine:1",
                "nodeSelector": {"pool": "gpu"},
                "leader": {"args": ["--leader"]},
                "worker": {"size": 2, "image": "worker:1"},
            }
        ),
        None,
    )
    assert "runner" not in spec and "nodeSelector" not in spec  # not on the component itself
    assert spec["leader"] == {
        "runner": {"name": RUNNER_NAME, "image": "engine:1", "args": ["--leader"]},
        "nodeSelector": {"pool": "gpu"},
    }
    assert spec["worker"] == {
        "size": 2,
        "runner": {"name": RUNNER_NAME, "image": "worker:1"},
        "nodeSelector": {"pool": "gpu"},
    }


def test_workers_without_a_leader_keep_the_components_pod_for_the_leader() -> None:
    spec = component(_component({"image": "e:1", "worker": {"size": 1}}), None)
    assert spec["runner"] == {"image": "e:1"}
    assert spec["worker"] == {"size": 1, "runner": {"name": RUNNER_NAME, "image": "e:1"}}


@pytest.mark.parametrize(
    ("autoscaling", "expected"),
    [
        ({"metric": "cpu", "target": 80}, {"scaleMetric": "cpu", "scaleTarget": 80}),
        # on the InferenceService, where OME reads it (targets/ome/keda.py, test_keda.py)
        ({"prometheus": {"server": "http://p:9090", "query": "up", "threshold": "1"}}, {}),
    ],
)
def test_scaling(autoscaling: dict[str, Any], expected: dict[str, Any]) -> None:
    assert component(_component({"autoscaling": autoscaling}), None) == expected


def test_a_router_has_its_config_and_one_pod_per_replica() -> None:
    part = Router.model_validate({"image": "r:1", "config": {"policy": "cache_aware"}})
    assert router(part, "router") == {
        "runner": {"name": "router", "image": "r:1"},
        "config": {"policy": "cache_aware"},
    }


GPUS = {"requests": {"nvidia.com/gpu": 8}, "limits": {"nvidia.com/gpu": 8}}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"resources": {"gpu": {"count": 8}}, "leader": {}, "worker": {"size": 1}},
            GPUS,
            id="the component's own",
        ),
        pytest.param(
            {"leader": {"resources": {"gpu": {"count": 8}}}, "worker": {"size": 1}},
            GPUS,
            id="the leader's, when the component sets none",
        ),
        pytest.param(
            {"image": "i:1", "leader": {}, "worker": {"size": 1, "image": "w:1"}},
            None,
            id="none when no pod asks for any",
        ),
    ],
)
def test_a_services_component_with_a_leader_sets_resources_when_its_pods_do(
    data: dict[str, Any], expected: dict[str, Any] | None
) -> None:
    """OME gives the leader's and workers' runners the accelerator class's resources, each
    replacing theirs, whenever the InferenceService's own component runner sets none
    (ome 17b77edad23b, components/engine.go:295 and :329 call MergeEngineResources, which
    reads spec.engine.runner alone: components/base.go:323-330; utils/merging.go:221-281;
    utils/merging.go:105-122 merges no component runner into the leader's)."""
    spec = component(_component(data), None, of_service=True)
    assert spec.get("runner", {}).get("resources") == expected
    assert "runner" not in component(_component(data), RUNNER_NAME)  # a runtime's: not read


A: dict[str, Any] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}}
B: dict[str, Any] = {"podAntiAffinity": {}}


@pytest.mark.parametrize(
    ("data", "selector", "affinity"),
    [
        pytest.param(
            {"nodeSelector": {"pool": "gpu"}, "leader": {}, "worker": {"size": 1}},
            {"pool": "gpu"},
            None,
            id="the component's labels, which both kinds of pod carry",
        ),
        pytest.param(
            {
                "leader": {"nodeSelector": {"pool": "gpu", "rack": "a"}},
                "worker": {"size": 1, "nodeSelector": {"pool": "gpu", "rack": "b", "zone": "z"}},
            },
            {"pool": "gpu"},
            None,
            id="only the labels the leader and the workers select alike",
        ),
        pytest.param(
            {"leader": {"nodeSelector": {"rack": "a"}}, "worker": {"size": 1}},
            None,
            None,
            id="no label when none is shared",
        ),
        pytest.param(
            {"affinity": A, "leader": {}, "worker": {"size": 1}},
            None,
            A,
            id="the component's own affinity",
        ),
        pytest.param(
            {"leader": {"affinity": B}, "worker": {"size": 1, "affinity": A}},
            None,
            B,
            id="the leader's affinity, when the component sets none",
        ),
        pytest.param(
            {"leader": {}, "worker": {"size": 1, "affinity": A}},
            None,
            A,
            id="the workers' affinity, when only they set one",
        ),
    ],
)
def test_a_services_component_with_a_leader_places_what_its_class_would_replace(
    data: dict[str, Any], selector: dict[str, str] | None, affinity: dict[str, Any] | None
) -> None:
    """OME puts the accelerator class's node labels over every pod's own, leader's and
    workers' included, and only the InferenceService's component's own over the class's
    (ome 17b77edad23b, components/base.go:192-226, utils/merging.go:181-219); it replaces
    every pod's affinity with the class's unless the component's own is set
    (base.go:346-368). The leader's and workers' own stay as they are."""
    spec = component(_component(data), None, of_service=True)
    assert spec.get("nodeSelector") == selector
    assert spec.get("affinity") == affinity
    leader, worker = data["leader"], data["worker"]
    assert spec["leader"].get("affinity") == leader.get("affinity", data.get("affinity"))
    assert spec["worker"].get("affinity") == worker.get("affinity", data.get("affinity"))
    runtime = component(_component(data), RUNNER_NAME)  # a runtime's: not read by OME
    assert "nodeSelector" not in runtime and "affinity" not in runtime


def test_a_leaders_and_a_workers_own_labels_go_over_the_components_key_by_key() -> None:
    """The component's pod fields are folded into the leader and the workers, under what
    those say themselves (docs/precedence.md); the environment's defaults likewise."""
    spec = component(
        _component(
            {
                "nodeSelector": {"pool": "gpu", "rack": "any"},
                "leader": {"nodeSelector": {"rack": "a"}},
                "worker": {"size": 1, "nodeSelector": {"rack": "b"}},
            }
        ),
        None,
    )
    assert spec["leader"]["nodeSelector"] == {"pool": "gpu", "rack": "a"}
    assert spec["worker"]["nodeSelector"] == {"pool": "gpu", "rack": "b"}
