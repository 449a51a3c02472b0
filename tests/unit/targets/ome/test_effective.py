"""OME's merge rules as `manifold.targets.ome.effective` applies them, one rule a row; each
row names the upstream lines (sgl-project/ome at 17b77edad23b) it follows."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.effective import Objects, RenderedObject
from manifold.targets.ome.effective import workloads

GPU = "nvidia.com/gpu"
AFFINITY: dict[str, Any] = {
    "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}
}


def _runtime(**configs: Any) -> RenderedObject:
    spec = {"supportedModelFormats": [], **configs}
    body = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "ClusterServingRuntime",
        "metadata": {"name": "rt"},
        "spec": spec,
    }
    return RenderedObject("dev/platform/clusterservingruntime-rt.yaml", body)


def _isvc(**spec: Any) -> RenderedObject:
    body = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": "chat", "namespace": "demo"},
        "spec": {"model": {"name": "m"}, "runtime": {"name": "rt"}, **spec},
    }
    return RenderedObject("dev/demo/inferenceservice-chat.yaml", body)


_ACCELERATOR = RenderedObject(
    "dev/platform/acceleratorclass-h100.yaml",
    {
        "apiVersion": "ome.io/v1beta1",
        "kind": "AcceleratorClass",
        "metadata": {"name": "h100"},
        "spec": {
            "discovery": {
                "nodeSelector": {"gpu": "h100", "pool": "accel"},
                "affinity": AFFINITY,
            },
            "resources": [{"name": GPU, "quantity": 1}],
        },
    },
)

_AFFINITY_BESIDE_LEADER = {
    "engine": {
        "affinity": {"podAffinity": {}},
        "leader": {"affinity": {"podAffinity": {}}},
        "worker": {"size": 1},
    },
    "acceleratorSelector": {"acceleratorClass": "h100"},
}
"""A multi-node engine as manifold writes it beside a leader whose pods have an affinity."""

_ENGINE = {
    "runner": {
        "image": "engine:1",
        "args": ["--a"],
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
    },
    "nodeSelector": {"pool": "runtime"},
}


def _roles(
    isvc: RenderedObject, runtime: RenderedObject | None = None
) -> dict[str, dict[str, Any]]:
    objects = Objects("dev", [isvc, _ACCELERATOR, *([runtime] if runtime else [])])
    (workload,) = workloads(objects)
    return {role.role: {k: v.value for k, v in role.fields.items()} for role in workload.roles}


CASES = [
    # utils/merging.go:105-122: the InferenceService's fields over the runtime's.
    (
        "runtime image kept",
        {"engine": {}},
        {"engineConfig": _ENGINE},
        "engine",
        "image",
        "engine:1",
    ),
    (
        "args replaced",
        {"engine": {"runner": {"args": ["--b"]}}},
        {"engineConfig": _ENGINE},
        "engine",
        "args",
        ["--b"],
    ),
    (
        "env merged by name",
        {"engine": {"runner": {"env": [{"name": "B", "value": "3"}]}}},
        {"engineConfig": _ENGINE},
        "engine",
        "env.A",
        "1",
    ),
    (
        "env overridden by name",
        {"engine": {"runner": {"env": [{"name": "B", "value": "3"}]}}},
        {"engineConfig": _ENGINE},
        "engine",
        "env.B",
        "3",
    ),
    # components/base.go:323-330 with utils/merging.go:246-254: the class's GPUs only when
    # the component asks no resources of its own.
    (
        "class resources when none asked",
        {"engine": {}, "acceleratorSelector": {"acceleratorClass": "h100"}},
        {"engineConfig": _ENGINE},
        "engine",
        f"requests.{GPU}",
        1,
    ),
    (
        "own resources win over the class",
        {
            "engine": {"runner": {"resources": {"limits": {GPU: 4}}}},
            "acceleratorSelector": {"acceleratorClass": "h100"},
        },
        {"engineConfig": _ENGINE},
        "engine",
        f"limits.{GPU}",
        4,
    ),
    # utils/merging.go:181-219: runtime, then the class, then the component's own.
    (
        "class selector over the runtime's",
        {"engine": {}, "acceleratorSelector": {"acceleratorClass": "h100"}},
        {"engineConfig": _ENGINE},
        "engine",
        "nodeSelector.pool",
        "accel",
    ),
    (
        "own selector over the class's",
        {
            "engine": {"nodeSelector": {"pool": "mine"}},
            "acceleratorSelector": {"acceleratorClass": "h100"},
        },
        {"engineConfig": _ENGINE},
        "engine",
        "nodeSelector.pool",
        "mine",
    ),
    (
        "router gets no class selector",
        {"engine": {}, "router": {}, "acceleratorSelector": {"acceleratorClass": "h100"}},
        {"engineConfig": _ENGINE, "routerConfig": {"runner": {"image": "router:1"}}},
        "router",
        "nodeSelector.gpu",
        None,
    ),
    # components/engine.go:276-291: a multi-node leader runs the leader's runner.
    (
        "leader runs the leader's runner",
        {"engine": {"runner": {"resources": {"limits": {GPU: 8}}}, "worker": {"size": 2}}},
        {"engineConfig": {"leader": {"runner": {"image": "leader:1"}}}},
        "leader",
        "image",
        "leader:1",
    ),
    (
        "without a leader, the leader pod runs the component's runner",
        {"engine": {"runner": {"resources": {"limits": {GPU: 8}}}, "worker": {"size": 2}}},
        {"engineConfig": {"runner": {"image": "engine:1"}, "worker": {}}},
        "leader",
        f"limits.{GPU}",
        8,
    ),
    (
        "engine runner does not reach the leader",
        {"engine": {"runner": {"resources": {"limits": {GPU: 8}}}, "worker": {"size": 2}}},
        {"engineConfig": {"leader": {"runner": {"image": "leader:1"}}}},
        "leader",
        f"limits.{GPU}",
        None,
    ),
    # components/base.go:346-368: the class's affinity replaces the pod's when the
    # InferenceService's component sets none, a multi-node leader's included.
    (
        "class affinity when the component sets none",
        {"engine": {}, "acceleratorSelector": {"acceleratorClass": "h100"}},
        {"engineConfig": _ENGINE},
        "engine",
        "affinity",
        AFFINITY,
    ),
    (
        "own affinity keeps the class's out",
        {"engine": {"affinity": {}}, "acceleratorSelector": {"acceleratorClass": "h100"}},
        {"engineConfig": _ENGINE},
        "engine",
        "affinity",
        {},
    ),
    # What manifold writes beside a leader (targets/ome/components.py): the component's
    # affinity keeps the class's from every pod, its node selector goes over the class's.
    (
        "the component's affinity beside a leader keeps the leader's own",
        _AFFINITY_BESIDE_LEADER,
        {"engineConfig": {}},
        "leader",
        "affinity",
        {"podAffinity": {}},
    ),
    (
        "the component's affinity beside a leader gives a worker without one none",
        _AFFINITY_BESIDE_LEADER,
        {"engineConfig": {}},
        "worker",
        "affinity",
        None,
    ),
    (
        "the component's label beside a leader goes over the class's",
        {
            "engine": {
                "nodeSelector": {"gpu": "h100-nvl"},
                "leader": {"nodeSelector": {"gpu": "h100-nvl"}},
                "worker": {"size": 1, "nodeSelector": {"gpu": "h100-nvl"}},
            },
            "acceleratorSelector": {"acceleratorClass": "h100"},
        },
        {"engineConfig": {}},
        "worker",
        "nodeSelector.gpu",
        "h100-nvl",
    ),
    (
        "class affinity replaces the leader's",
        {
            "engine": {"leader": {"affinity": {"nodeAffinity": {}}}, "worker": {"size": 1}},
            "acceleratorSelector": {"acceleratorClass": "h100"},
        },
        {"engineConfig": {}},
        "leader",
        "affinity",
        AFFINITY,
    ),
    (
        "component selector reaches the workers",
        {"engine": {"nodeSelector": {"zone": "a"}, "worker": {"size": 2}}},
        {"engineConfig": {}},
        "worker",
        "nodeSelector.zone",
        "a",
    ),
]


@pytest.mark.parametrize(
    ("spec", "runtime", "role", "field", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_merge_rule(
    spec: dict[str, Any], runtime: dict[str, Any], role: str, field: str, expected: Any
) -> None:
    assert _roles(_isvc(**spec), _runtime(**runtime))[role].get(field) == expected


def test_a_component_the_service_leaves_out_is_not_deployed() -> None:
    # utils/merging.go:126-133: no decoder in the InferenceService, no decoder pods.
    runtime = _runtime(engineConfig=_ENGINE, decoderConfig=_ENGINE)
    assert list(_roles(_isvc(engine={}), runtime)) == ["engine"]


def test_an_unrendered_runtime_leaves_image_unknown() -> None:
    objects = Objects("dev", [_isvc(engine={})])
    (workload,) = workloads(objects)
    assert "image" in workload.unknown
    assert workload.notes == ("runtime rt is not in rendered/ (installed by other means)",)


def test_auto_selection_takes_the_highest_priority() -> None:
    # pkg/runtimeselector/matcher.go:133, scorer.go:44.
    def offered(name: str, priority: int) -> RenderedObject:
        formats = [
            {
                "modelFormat": {"name": "safetensors"},
                "modelFramework": {"name": "hf"},
                "autoSelect": True,
                "priority": priority,
            }
        ]
        spec = {"supportedModelFormats": formats, "engineConfig": {"runner": {"image": name}}}
        body = {
            "apiVersion": "ome.io/v1beta1",
            "kind": "ClusterServingRuntime",
            "metadata": {"name": name},
            "spec": spec,
        }
        return RenderedObject(f"dev/platform/{name}.yaml", body)

    model = RenderedObject(
        "dev/demo/basemodel-m.yaml",
        {
            "apiVersion": "ome.io/v1beta1",
            "kind": "BaseModel",
            "metadata": {"name": "m", "namespace": "demo"},
            "spec": {"modelFormat": {"name": "safetensors"}, "modelFramework": {"name": "hf"}},
        },
    )
    isvc = _isvc(engine={})
    del isvc.body["spec"]["runtime"]
    objects = Objects("dev", [isvc, model, offered("low", 1), offered("high", 5)])
    (workload,) = workloads(objects)
    assert workload.roles[0].get("image") == "high"
    assert workload.notes == ("runtime high chosen by OME's auto-selection",)


def _weight(configuration: dict[str, Any]) -> RenderedObject:
    body = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "FineTunedWeight",
        "metadata": {"name": "ft"},
        "spec": {"baseModelRef": {"name": "m"}, "configuration": configuration},
    }
    return RenderedObject("dev/demo/finetunedweight-ft.yaml", body)


@pytest.mark.parametrize(("merged", "selected"), [(True, None), (False, "h100")])
def test_merged_fine_tuned_weights_get_no_class_node_selector(
    merged: bool, selected: str | None
) -> None:
    """components/base.go:199-205 with utils/utils.go:18-37: one weight whose configuration
    says merged_weights: true, and OME merges no node selector into the pods."""
    isvc = _isvc(engine={"nodeSelector": {"zone": "a"}, "worker": {"size": 1}})
    isvc.body["spec"]["acceleratorSelector"] = {"acceleratorClass": "h100"}
    isvc.body["spec"]["model"]["fineTunedWeights"] = ["ft"]
    objects = Objects("dev", [isvc, _ACCELERATOR, _runtime(), _weight({"merged_weights": merged})])
    (workload,) = workloads(objects)
    worker = {role.role: role for role in workload.roles}["worker"]
    assert worker.get("nodeSelector.gpu") == selected
    assert worker.get("nodeSelector.zone") == (None if merged else "a")


def test_an_unrendered_weight_is_noted() -> None:
    isvc = _isvc(engine={})
    isvc.body["spec"]["model"]["fineTunedWeights"] = ["ft"]
    (workload,) = workloads(Objects("dev", [isvc, _runtime()]))
    assert workload.notes == (
        "fine-tuned weight ft is not in rendered/: if its configuration says merged_weights: "
        "true, OME merges no node selector into these pods (the class's, the runtime's, the "
        "component's own)",
    )
