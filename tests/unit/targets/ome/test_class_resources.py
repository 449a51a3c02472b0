"""The resources of a service's accelerator class where OME would give its pods none
(`manifold.targets.ome.class_resources`). Followed from sgl-project/ome at 17b77edad23b:
OME gives a pod's runner the class's resources only when the InferenceService's own
component runner sets none (pkg/controller/v1beta1/inferenceservice/components/
base.go:308-344), each replacing the runner's value (utils/merging.go:221-281), leaders'
and workers' runners held to the same test (components/engine.go:268-347). The warnings for
classes manifold does not know are rows of checks.yaml (test_checks.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.core.diagnostics import Severity
from manifold.core.manifest import Manifest
from manifold.models.common import Resources
from manifold.targets.ome import TARGET
from manifold.targets.ome.class_resources import (
    complete,
    known_class,
    known_resources,
    unknown_class_warnings,
)
from manifold.targets.ome.render import render
from tests.unit.helpers import platform_text
from tests.unit.targets.ome.rendering import project_and_catalog, rendered_engine

GPU = "nvidia.com/gpu"
PLATFORM = platform_text(
    """
acceleratorClasses:
  - name: a100
    discovery: {}
    capabilities: {}
    resources: [{name: nvidia.com/gpu, quantity: 2}, {name: rdma/hca}]
  - {name: bare, discovery: {}, capabilities: {}}
  - {name: theirs, external: true, resources: [{name: nvidia.com/gpu, quantity: 4}]}
"""
)
MODEL = "models: [{name: m, source: 'hf://a/b'}]\n"


def _catalog(services: str) -> tuple[Any, Catalog]:
    return project_and_catalog(MODEL + f"services: {services}", PLATFORM)


def _engine(services: str) -> dict[str, Any]:
    return rendered_engine(*_catalog(services))


def test_a_class_manifold_knows_gives_its_resources_with_the_crds_default() -> None:
    instance, catalog = _catalog("[]")
    assert known_resources(instance, catalog, "a100") == {GPU: 2, "rdma/hca": 1}
    assert known_resources(instance, catalog, "bare") == {}


@pytest.mark.parametrize("name", ["theirs", "nowhere"])
def test_a_class_installed_by_other_means_or_undeclared_is_unknown(name: str) -> None:
    instance, catalog = _catalog("[]")
    assert known_resources(instance, catalog, name) is None


def test_the_class_is_read_as_the_environments_patches_leave_it() -> None:
    instance, catalog = _catalog("[]")
    body = {"apiVersion": "ome.io/v1beta1", "kind": "AcceleratorClass", "metadata": {}}
    before = Manifest({**body, "spec": {}}, False, "shared", ())
    after = Manifest({**body, "spec": {"resources": [{"name": GPU, "quantity": 8}]}}, False, "", ())
    patched = replace(catalog, patched={("AcceleratorClass", "a100"): (before, after)})
    assert known_resources(instance, patched, "a100") == {GPU: 8}


def test_an_engine_with_cpu_but_no_gpu_count_gets_the_classs_gpus() -> None:
    """Without them OME would run the pods without GPUs (base.go:323-330)."""
    engine = _engine(
        "[{name: s, model: m, image: i, resources: {cpu: 4, gpu: {count: 0, type: a100}}}]"
    )
    both = {"cpu": 4, GPU: 2, "rdma/hca": 1}
    assert engine["runner"]["resources"] == {"requests": both, "limits": both}


def test_an_engine_that_sets_no_resources_is_left_to_ome() -> None:
    engine = _engine("[{name: s, model: m, image: i, resources: {gpu: {count: 0, type: a100}}}]")
    assert "resources" not in engine["runner"]


def test_a_resource_set_on_one_side_is_the_projects() -> None:
    engine = _engine(
        "[{name: s, model: m, image: i, resources: {gpu: {count: 1, type: a100}, "
        "limits: {rdma/hca: 2}}}]"
    )
    assert engine["runner"]["resources"] == {
        "requests": {GPU: 1},
        "limits": {GPU: 1, "rdma/hca": 2},
    }


def test_a_class_without_resources_or_unknown_adds_nothing() -> None:
    for name in ("bare", "theirs"):
        gpu = f"{{count: 0, type: {name}}}"
        engine = _engine(f"[{{name: s, model: m, image: i, resources: {{cpu: 4, gpu: {gpu}}}}}]")
        assert engine["runner"]["resources"] == {"requests": {"cpu": 4}, "limits": {"cpu": 4}}


def test_a_decoder_without_gpus_on_the_services_class_gets_them() -> None:
    instance, catalog = _catalog(
        "[{name: s, model: m, image: i, resources: {gpu: {count: 1, type: a100}}, "
        "decoder: {image: d, resources: {memory: 64Gi}}}]"
    )
    (isvc,) = [m for m in render(instance, catalog) if m.kind == "InferenceService"]
    both = {"memory": "64Gi", GPU: 2, "rdma/hca": 1}
    assert isvc.body["spec"]["decoder"]["runner"]["resources"] == {"requests": both, "limits": both}


def test_a_multi_node_decoder_without_gpus_keeps_its_own_with_the_classs() -> None:
    """Its runner beside the leader (components.py) and the class's GPUs in every pod."""
    instance, catalog = _catalog(
        "[{name: s, model: m, image: i, resources: {gpu: {count: 0, type: a100}}, decoder: "
        "{image: d, replicas: {min: 1, max: 1}, resources: {memory: 64Gi}, leader: {}, "
        "worker: {size: 2}}}]"
    )
    (isvc,) = [m for m in render(instance, catalog) if m.kind == "InferenceService"]
    decoder = isvc.body["spec"]["decoder"]
    both = {"memory": "64Gi", GPU: 2, "rdma/hca": 1}
    for pod in (decoder, decoder["leader"], decoder["worker"]):
        assert pod["runner"]["resources"] == {"requests": both, "limits": both}
    assert "resources" not in isvc.body["spec"]["engine"].get("runner", {})


def test_a_worker_that_sets_none_beside_a_leader_that_does_gets_the_classs() -> None:
    """The leader's resources make the engine's runner set some (components.py), so OME
    gives the workers none of the class's: manifold writes them in."""
    spec: dict[str, Any] = {
        "runner": {"resources": {"limits": {GPU: 8}}},
        "leader": {"runner": {"name": "ome-container", "resources": {"limits": {GPU: 8}}}},
        "worker": {"size": 1},
    }
    complete(spec, {GPU: 1})
    assert spec["worker"]["runner"] == {
        "name": "ome-container",
        "resources": {"requests": {GPU: 1}, "limits": {GPU: 1}},
    }
    assert spec["leader"]["runner"]["resources"] == {"limits": {GPU: 8}}
    assert spec["runner"]["resources"] == {"limits": {GPU: 8}}


def test_workers_without_a_leader_keep_theirs_when_the_leader_pod_takes_the_classs() -> None:
    """The component's runner is the leader pod's (engine.go:282-286): once it sets the
    class's resources, OME no longer replaces the workers' with them."""
    worker = {"name": "ome-container", "resources": {"limits": {GPU: 8}}}
    spec: dict[str, Any] = {"worker": {"size": 1, "runner": worker}}
    complete(spec, {GPU: 1})
    assert spec["runner"] == {"resources": {"requests": {GPU: 1}, "limits": {GPU: 1}}}
    assert spec["worker"]["runner"]["resources"] == {"limits": {GPU: 8}}


def test_a_pod_without_gpus_from_an_unknown_class_is_a_warning_not_an_error() -> None:
    instance, catalog = _catalog("[{name: s, model: m, image: i, resources: {cpu: 4}}]")
    service = instance.spec.services[0].model_copy(
        update={
            "resources": Resources.model_validate({"cpu": 4, "gpu": {"count": 0, "type": "theirs"}})
        }
    )
    (found,) = unknown_class_warnings(instance, catalog, service, ("services", 0))
    assert found.severity is Severity.WARNING
    assert found.path == ("services", 0, "resources")


def test_a_declared_class_is_read_once_and_each_class_as_itself() -> None:
    """The spec of a class is made once per class (`AcceleratorClass.spec_data`), never
    another's."""
    instance, catalog = _catalog("[]")
    first = known_class(instance, catalog, "a100")
    assert first is not None and first["resources"][0]["quantity"] == 2
    assert known_class(instance, catalog, "a100") is first
    bare = known_class(instance, catalog, "bare")
    assert bare is not None and bare["name"] == "bare" and "resources" not in bare
    again, other = _catalog("[]")  # the same platform file read again: other objects
    assert known_class(again, other, "a100") == first


# A leader and workers only the runtime has are the pods: OME merges the runtime's
# engineConfig under the InferenceService's engine (utils/merging.go:105-143) and runs the
# merged leader's and worker's runners (engine.go:268-347), while its gate for the class's
# resources is the InferenceService's own engine runner (base.go:323-344).
FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
DEFINES = "which runtime 'multi' defines"


def _runtime_led(engine: str, service: str) -> list[tuple[str, str, str]]:
    """Path, severity and message of what the target finds of runtime `multi`'s pods, for a
    service with the fields `service` of a model that runtime serves with engine `engine`."""
    problems, _ = TARGET.compile(*_runtime_led_catalog(engine, service))
    return [
        (".".join(map(str, p.path)), str(p.severity), p.message)
        for p in problems
        if DEFINES in p.message
    ]


def _runtime_led_catalog(engine: str, service: str) -> tuple[Any, Catalog]:
    runtime = (
        "{name: multi, supports: [{" + FORMAT + ", autoSelect: true}], accelerators: [a100, "
        f"theirs], engine: {engine}}}"
    )
    project = (
        f"models: [{{name: m, source: 'hf://a/b', {FORMAT}}}]\n"
        f"services: [{{name: s, model: m, runtime: multi, {service}}}]"
    )
    return project_and_catalog(project, PLATFORM + f"  servingRuntimes: [{runtime}]\n")


LED = "{image: r, leader: {resources: {gpu: {count: 2}}}, worker: {size: 1}}"


@pytest.mark.parametrize(
    ("engine", "service", "expected"),
    [
        pytest.param(
            LED,
            "resources: {cpu: 4, gpu: {count: 0, type: a100}}",
            [
                (
                    "services.0.resources",
                    "error",
                    f"leader and worker pods, DEFINES, get no rdma/hca (leader pods) and no {GPU}, "
                    "rdma/hca (worker pods) from accelerator class 'a100'",
                )
            ],
            id="the service's own resources keep the class's from the runtime's pods: one "
            "problem for both kinds",
        ),
        pytest.param(
            LED,
            "resources: {gpu: {count: 0, type: a100}}",
            [],
            id="the service sets none: OME gives every pod the class's",
        ),
        pytest.param(
            LED,
            "resources: {cpu: 4, gpu: {count: 0, type: theirs}}",
            [("services.0.resources", "warning", f"worker pods, DEFINES, may get no {GPU}")],
            id="a class manifold does not know: a warning for the pods without GPUs",
        ),
        pytest.param(
            "{image: r, leader: {}, worker: {size: 1}}",
            "resources: {cpu: 4, gpu: {count: 0, type: theirs}}",
            [
                (
                    "services.0.resources",
                    "warning",
                    f"leader and worker pods, DEFINES, may get no {GPU}:",
                )
            ],
            id="both kinds lack the same: named once, without saying which lacks what",
        ),
        pytest.param(
            "{image: r, resources: {gpu: {count: 2}}, worker: {size: 1}}",
            "resources: {cpu: 4, gpu: {count: 0, type: a100}}",
            [("services.0.resources", "error", "worker pods, DEFINES, get no rdma/hca")],
            # the leader pod runs the merged engine's runner (engine.go:276-291), which the
            # InferenceService's, rendered with the class's rdma/hca, goes over key by key
            id="workers without a leader: the leader pod runs the merged engine's runner",
        ),
        pytest.param(
            LED,
            "resources: {cpu: 4, gpu: {count: 0, type: a100}}, worker: {size: 1}",
            [("services.0.resources", "error", "leader pods, DEFINES, get no rdma/hca")],
            # the service's workers go over the runtime's and get the class's from manifold;
            # the runtime's leader is the leader pods' as it is (merging.go:59-81, 105-124)
            id="workers of the service's own: the runtime's leader is still held to the class",
        ),
        pytest.param(
            LED,
            "resources: {gpu: {count: 0, type: a100}}, worker: {size: 1, resources: {cpu: 4}}",
            [],
            # workers without a leader leave the engine's runner without resources: OME
            # gives every pod the class's, the runtime's leader's too (base.go:323-344)
            id="only the service's workers ask: OME gives every pod the class's",
        ),
        pytest.param(
            "{image: r, leader: {resources: {gpu: {count: 2}}}, worker: {size: 1, "
            "resources: {gpu: {count: 2}}}}",
            "resources: {cpu: 4, gpu: {count: 0, type: theirs}}",
            [],
            id="every pod asks for GPUs of its own",
        ),
    ],
)
def test_a_runtimes_leader_and_workers_are_held_to_the_classs_resources(
    engine: str, service: str, expected: list[tuple[str, str, str]]
) -> None:
    found = _runtime_led(engine, service)
    assert [(path, severity) for path, severity, _ in found] == [
        (path, severity) for path, severity, _ in expected
    ]
    for (_, _, message), (_, _, part) in zip(found, expected, strict=True):
        assert part.replace("DEFINES", DEFINES) in message


def test_a_runtimes_pods_are_not_warned_of_as_the_services_own() -> None:
    """`unknown_class_warnings` leaves a component whose pods are its runtime's to
    `runtime_node_resource_problems`: the service's own runner is no pod's, and one warning
    is said, of the runtime's workers."""
    service = "resources: {cpu: 4, gpu: {count: 0, type: theirs}}"
    instance, catalog = _runtime_led_catalog(LED, service)
    problems, _ = TARGET.compile(instance, catalog)
    warned = [p.message for p in problems if "accelerator class 'theirs'" in p.message]
    assert len(warned) == 1 and f"worker pods, {DEFINES}" in warned[0]
    (own,) = instance.spec.services
    assert list(unknown_class_warnings(instance, catalog, own, ("services", 0))) != []


def test_the_runtimes_leader_beside_the_services_workers_is_not_the_services_pod() -> None:
    """A service that writes only `worker` has the runtime's leader for its leader pods
    (merging.go:59-81, engine.go:276-281): `unknown_class_warnings` says nothing of the
    engine's own pod, which runs no pod, and the runtime's leader asks for GPUs."""
    service = "resources: {cpu: 4, gpu: {count: 0, type: theirs}}, worker: {size: 1}"
    problems, _ = TARGET.compile(*_runtime_led_catalog(LED, service))
    warned = [p.message for p in problems if "accelerator class 'theirs'" in p.message]
    assert len(warned) == 1 and warned[0].startswith("the engine's worker pods get no"), warned
