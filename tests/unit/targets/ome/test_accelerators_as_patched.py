"""OME's rules on an InferenceService against its accelerator classes as the environment's
patches leave them (`manifold.targets.ome.accelerators_as_patched`), on objects as the
pipeline could leave them. The rules themselves, on rendered projects, are rows of
as_patched.yaml (test_as_patched.py)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.core.diagnostics import Position
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.targets.ome.accelerators_as_patched import accelerator_refusals
from tests.unit.helpers import env_text, environments

DEV = environments(dev=env_text("dev"))["dev"]
GPU = "nvidia.com/gpu"


def _object(kind: str, name: str, spec: Any) -> Manifest:
    body = {"apiVersion": "ome.io/v1beta1", "kind": kind, "metadata": {"name": name}}
    return Manifest({**body, "spec": spec}, kind != "AcceleratorClass", "demo", ())


def _class(spec: Any, name: str = "a100") -> Manifest:
    return _object("AcceleratorClass", name, spec)


def _service(**spec: Any) -> Manifest:
    return _object(
        "InferenceService", "s", {"acceleratorSelector": {"acceleratorClass": "a100"}, **spec}
    )


def _refusals(before: Manifest, after: Manifest, service: Manifest) -> list[tuple[str, str]]:
    patched = after.with_body(after.body, ("environments/dev.yaml", Position(8, 7)))
    catalog = Catalog(DEV, patched={(patched.kind, patched.name): (before, patched)})
    found = accelerator_refusals(catalog, service)
    assert all(refusal.owed_to is patched for refusal in found)
    return [(format_json_path(refusal.path), refusal.message) for refusal in found]


WRITTEN = _class({"resources": [{"name": GPU, "quantity": 1}]})
MORE_GPUS = _class({"resources": [{"name": GPU, "quantity": 2}]})


@pytest.mark.parametrize(
    ("resources", "own"),
    [
        pytest.param({"claims": [{"name": "gpu"}]}, True, id="claims alone"),
        pytest.param({"requests": {}}, True, id="an empty requests map (not nil in Go)"),
        pytest.param({"claims": []}, False, id="no claims"),
        pytest.param({}, False, id="nothing"),
    ],
)
def test_what_counts_as_resources_of_its_own(resources: dict[str, Any], own: bool) -> None:
    """OME adds none of the class's resources to a runner with requests, limits or claims
    (components/base.go:308-311): the patch's GPUs then never reach the pods."""
    service = _service(engine={"runner": {"resources": resources}})
    found = _refusals(WRITTEN, MORE_GPUS, service)
    if own:
        assert [path for path, _ in found] == ["spec.engine.runner.resources"]
        assert f"sets resources of its own, none of them {GPU}" in found[0][1]
    else:
        assert found == []


def test_a_quantity_as_text_or_left_out_is_the_same() -> None:
    """`quantity: "1"`, `quantity: 1` and no quantity (OME's default) are one value."""
    service = _service(engine={"runner": {"resources": {"limits": {GPU: 1}}}})
    implicit = _class({"resources": [{"name": GPU}]})
    assert (
        _refusals(implicit, _class({"resources": [{"name": GPU, "quantity": "1"}]}), service) == []
    )
    assert _refusals(WRITTEN, implicit, service) == []


def test_a_rename_under_the_engine_and_the_decoder_is_one_refusal() -> None:
    """Both components use the service's class: one name, one place to fix it."""
    service = _service(engine={}, decoder={})
    renamed = _class(WRITTEN.body["spec"], name="a100-sxm")
    found = _refusals(WRITTEN, renamed, service)
    assert [path for path, _ in found] == ["spec.acceleratorSelector.acceleratorClass"]


def test_a_decoder_override_is_its_own_class() -> None:
    """A decoder that overrides the class is not held to the service's."""
    service = _service(
        engine={"runner": {"resources": {"limits": {GPU: 1}}}},
        decoder={
            "acceleratorOverride": {"acceleratorClass": "h100"},
            "runner": {"resources": {"limits": {GPU: 1}}},
        },
    )
    found = _refusals(WRITTEN, MORE_GPUS, service)
    assert [path for path, _ in found] == ['spec.engine.runner.resources.limits["nvidia.com/gpu"]']


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("not a map", id="spec"),
        pytest.param({"resources": "not a list", "discovery": []}, id="fields"),
    ],
)
def test_a_class_a_patch_leaves_malformed_is_the_schemas_to_report(spec: Any) -> None:
    service = _service(
        engine={"runner": {"resources": {"limits": {GPU: 1}}}, "nodeSelector": {"pool": "a"}}
    )
    assert _refusals(WRITTEN, _class(spec), service) == []


def test_nothing_but_classes_is_read() -> None:
    """A patched runtime or model is as_patched's: here it is no class."""
    runtime = _object("ServingRuntime", "a100", {"disabled": True})
    service = _service(engine={"runner": {"resources": {"limits": {GPU: 1}}}})
    assert _refusals(runtime, runtime, service) == []


def test_a_service_without_a_class_is_not_held() -> None:
    service = _object("InferenceService", "s", {"engine": {"runner": {"resources": {}}}})
    assert _refusals(WRITTEN, MORE_GPUS, service) == []


PRODUCT = "nvidia.com/gpu.product"
LEADER_AFFINITY: dict[str, Any] = {"podAffinity": {}}
CLASS_AFFINITY: dict[str, Any] = {"podAntiAffinity": {}}


def test_a_label_replaced_on_a_leader_the_service_itself_no_longer_holds() -> None:
    """manifold writes on the engine the labels its leader and workers select alike
    (components.component); where the service's own patch leaves none there, OME puts the
    class's over the leader's and workers' (utils/merging.go:181-219), so a patch of the
    class's that the leader's agreed with sends those pods elsewhere."""
    service = _service(
        engine={
            "leader": {"nodeSelector": {PRODUCT: "H100"}},
            "worker": {"size": 1, "nodeSelector": {PRODUCT: "H100"}},
        }
    )
    written = _class({"discovery": {"nodeSelector": {PRODUCT: "H100"}}})
    patched = _class({"discovery": {"nodeSelector": {PRODUCT: "H100-NVL"}}})
    assert [path for path, _ in _refusals(written, patched, service)] == [
        f'spec.engine.leader.nodeSelector["{PRODUCT}"]',
        f'spec.engine.worker.nodeSelector["{PRODUCT}"]',
    ]


@pytest.mark.parametrize(
    ("worker", "expected"),
    [
        pytest.param(
            CLASS_AFFINITY, ["spec.engine.leader.affinity"], id="the workers have the patch's"
        ),
        pytest.param(None, ["spec.engine.affinity"], id="no pod has the patch's"),
    ],
)
def test_a_multi_node_engines_affinity_keeps_the_classs_from_pods_with_their_own(
    worker: dict[str, Any] | None, expected: list[str]
) -> None:
    """The engine's affinity beside its leader (components.component) keeps OME from giving
    any of its pods the class's (components/base.go:346-356): the patch reaches only the
    pods manifold gave the class's as patched (class_placement.with_class_affinity)."""
    workers: dict[str, Any] = {"size": 1}
    if worker is not None:
        workers["affinity"] = worker
    service = _service(
        engine={
            "affinity": LEADER_AFFINITY,
            "leader": {"affinity": LEADER_AFFINITY},
            "worker": workers,
        }
    )
    patched = _class({"discovery": {"affinity": CLASS_AFFINITY}})
    assert [path for path, _ in _refusals(_class({}), patched, service)] == expected


def test_a_multi_node_engine_whose_pods_all_have_the_patchs_affinity_is_silent() -> None:
    both = {"affinity": CLASS_AFFINITY}
    service = _service(
        engine={"affinity": CLASS_AFFINITY, "leader": both, "worker": {"size": 1, **both}}
    )
    patched = _class({"discovery": {"affinity": CLASS_AFFINITY}})
    assert _refusals(_class({}), patched, service) == []


def test_workers_without_a_leader_keep_their_own_affinity_from_the_patch() -> None:
    """Without a leader, the component's own pod is the leader pod: manifold gave it the
    class's affinity (as patched), which keeps the workers' own (base.go:346-356); the
    patch reaches the leader pod, not the workers."""
    service = _service(
        engine={"affinity": CLASS_AFFINITY, "worker": {"size": 1, "affinity": LEADER_AFFINITY}}
    )
    patched = _class({"discovery": {"affinity": CLASS_AFFINITY}})
    ((path, message),) = _refusals(_class({}), patched, service)
    assert path == "spec.engine.worker.affinity"
    assert "the patch would never reach the worker pods" in message


@pytest.mark.parametrize(
    ("weights", "refused"),
    [
        pytest.param([], True, id="no fine-tuned weight"),
        pytest.param(["ft"], False, id="one, which may be merged: no class's label at all"),
        pytest.param(["ft", "ft2"], True, id="two, never loaded merged"),
    ],
)
def test_only_one_fine_tuned_weight_may_keep_the_class_s_labels_off(
    weights: list[str], refused: bool
) -> None:
    """OME loads merged weights only for exactly one fine-tuned weight (utils/utils.go:18-26;
    components/base.go:199-205 then merges no node selector): with two, a patch of a label
    the leader and workers select replaces theirs as with none."""
    labels = {"nvidia.com/gpu.product": "A100"}
    written = _class({"discovery": {"nodeSelector": labels}})
    patched = _class({"discovery": {"nodeSelector": {"nvidia.com/gpu.product": "A100-40GB"}}})
    leader, worker = {"nodeSelector": dict(labels)}, {"size": 1, "nodeSelector": dict(labels)}
    service = _service(
        model={"name": "m", "fineTunedWeights": weights},
        engine={"leader": leader, "worker": worker},
    )
    found = _refusals(written, patched, service)
    assert bool(found) is refused, found
    assert all("leader" in path or "worker" in path for path, _ in found)
