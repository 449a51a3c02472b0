"""A service's own resources where its pods are its runtime's leader and workers
(`manifold.targets.ome.runtime_node_asks`). Followed from sgl-project/ome at 17b77edad23b:
OME merges the runtime's engineConfig, leader and worker included, under the
InferenceService's engine (pkg/controller/v1beta1/inferenceservice/utils/reconciliation.go:69-99,
utils/merging.go:105-143) and builds the leader pod from the merged leader's runner (the
engine's own only where there is no leader) and the worker pods from the merged worker's
(components/engine.go:268-347), so the InferenceService's `spec.engine.runner.resources`
reaches no leader or worker pod the runtime defines; with that runner setting resources, OME
adds neither the runtime's containers' nor the class's (components/base.go:323-344)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.targets.ome import TARGET
from manifold.targets.ome.render import render
from tests.unit.helpers import platform_text
from tests.unit.targets.ome.rendering import project_and_catalog

GPU = "nvidia.com/gpu"
FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
REACH = "pods that runtime 'multi' gives it"
# a class that gives no resources: what the class would give is `class_resources`' to say
PLATFORM = platform_text("acceleratorClasses: [{name: bare, discovery: {}, capabilities: {}}]")

LED = "{image: r, leader: {resources: {gpu: {count: 2}}}, worker: {size: 1}}"
EIGHT = "{image: r, resources: {gpu: {count: 8}}, leader: {}, worker: {size: 2}}"
WORKERS = "{image: r, resources: {gpu: {count: 2}}, worker: {size: 1}}"
ALONE = "{image: r, resources: {gpu: {count: 2}}}"


def _catalog(engine: str, service: str, decoder: str = "") -> tuple[Any, Catalog]:
    """A project whose service `s` runs runtime `multi` (engine `engine`, decoder `decoder`
    where given), with the service's fields `service`."""
    decoded = f", decoder: {decoder}" if decoder else ""
    runtime = (
        "{name: multi, supports: [{" + FORMAT + ", autoSelect: true}], accelerators: [bare], "
        f"engine: {engine}{decoded}}}"
    )
    project = (
        f"models: [{{name: m, source: 'hf://a/b', {FORMAT}}}]\n"
        f"services: [{{name: s, model: m, runtime: multi, {service}}}]"
    )
    return project_and_catalog(project, PLATFORM + f"  servingRuntimes: [{runtime}]\n")


def _found(engine: str, service: str, decoder: str = "") -> list[tuple[str, str, str, str]]:
    """Path, severity, message and hint of each problem of this rule."""
    problems, _ = TARGET.compile(*_catalog(engine, service, decoder))
    return [
        (".".join(map(str, p.path)), str(p.severity), p.message, p.hint or "")
        for p in problems
        if REACH in p.message
    ]


@pytest.mark.parametrize(
    ("engine", "service", "expected"),
    [
        pytest.param(
            LED,
            "resources: {cpu: 4, gpu: {count: 8, type: bare}}",
            [
                (
                    "services.0.resources",
                    "error",
                    "(cpu 4, nvidia.com/gpu 8) reach none of the leader and worker pods",
                    "leader pods with nvidia.com/gpu 2; worker pods with none): fewer "
                    f"{GPU} than the 8 asked for",
                    "give the service `leader: {}` and `worker: {size: 1}`",
                )
            ],
            id="fewer GPUs than asked in the runtime's pods: an error",
        ),
        pytest.param(
            EIGHT,
            "resources: {cpu: 4, gpu: {count: 8, type: bare}}",
            [
                (
                    "services.0.resources",
                    "warning",
                    "(cpu 4, nvidia.com/gpu 8) reach none of the leader and worker pods",
                    f"(leader pods with {GPU} 8; worker pods with {GPU} 8)",
                    "`leader: {}` and `worker: {size: 2}`",
                )
            ],
            id="the GPUs asked, but not the cpu: a warning",
        ),
        pytest.param(
            EIGHT,
            "resources: {gpu: {count: 4, type: bare}}",
            [("services.0.resources", "warning", f"({GPU} 4)", f"with {GPU} 8)", "")],
            id="more GPUs than asked: a warning",
        ),
        pytest.param(
            EIGHT,
            "resources: {gpu: {count: 8, type: bare}}",
            [],
            id="the runtime's pods run what the service asks",
        ),
        pytest.param(
            EIGHT,
            "resources: {requests: {nvidia.com/gpu: '8'}, limits: {nvidia.com/gpu: '8'}}",
            [],
            id="a quantity written as a string is the same number",
        ),
        pytest.param(
            "{image: r, resources: {cpu: 4000m, gpu: {count: 8}}, leader: {}, worker: {size: 2}}",
            "resources: {cpu: 4, gpu: {count: 8, type: bare}}",
            [],
            id="a quantity in another unit is the same amount (4 and 4000m)",
        ),
        pytest.param(
            WORKERS,
            "resources: {gpu: {count: 8, type: bare}}",
            [
                (
                    "services.0.resources",
                    "error",
                    "reach none of the worker pods",
                    f"(worker pods with {GPU} 2): fewer",
                    "give the service `worker: {size: 1}` (",
                )
            ],
            id="workers without a leader: the leader pod runs the merged engine's runner",
        ),
        pytest.param(LED, "replicas: {min: 1, max: 1}", [], id="no resources of its own"),
        pytest.param(
            LED,
            "resources: {gpu: {count: 8, type: bare}}, leader: {}, worker: {size: 1}",
            [],
            id="a leader and workers of the service's own: manifold writes them the resources",
        ),
        pytest.param(
            ALONE,
            "resources: {gpu: {count: 8, type: bare}}",
            [],
            id="a single-node runtime: OME merges the service's runner over its own",
        ),
        # Workers of the service's own go over the runtime's field by field; the runtime's
        # leader is the leader pods' as it is (utils/merging.go:59-81, 105-124). A leader
        # without workers the schema refuses (models/workload.py), so the other way round
        # never reaches the target.
        pytest.param(
            LED,
            "resources: {gpu: {count: 8, type: bare}}, worker: {size: 1}",
            [
                (
                    "services.0.resources",
                    "error",
                    "reach none of the leader pods",
                    "from the runtime's own leader runner, not",
                    f"(leader pods with {GPU} 2): fewer",
                    "give the service `leader: {}` (",
                )
            ],
            id="workers of its own: the runtime's leader runs its own runner",
        ),
        pytest.param(
            EIGHT,
            "resources: {cpu: 4, gpu: {count: 8, type: bare}}, worker: {size: 2}",
            [("services.0.resources", "warning", f"(leader pods with {GPU} 8)", "`leader: {}`")],
            id="workers of its own, the runtime's leader has the GPUs but not the cpu",
        ),
        pytest.param(
            WORKERS,
            "resources: {gpu: {count: 8, type: bare}}, worker: {size: 1}",
            [],
            id="workers of its own beside the runtime's: the leader pod runs the merged runner",
        ),
    ],
)
def test_the_services_resources_against_the_runtimes_leader_and_workers(
    engine: str, service: str, expected: list[tuple[str, ...]]
) -> None:
    found = _found(engine, service)
    assert [(path, severity) for path, severity, _, _ in found] == [
        (row[0], row[1]) for row in expected
    ]
    for (_, _, message, hint), (_, _, *said) in zip(found, expected, strict=True):
        *parts, advice = said
        assert all(part in message for part in parts), message
        assert advice in hint, hint


def test_workers_of_the_services_own_leave_the_runtimes_leader_as_it_is() -> None:
    """manifold writes no `leader` beside a service's lone `worker`, so OME's strategic merge
    keeps the runtime's leader whole (merging.go:59-81: a key the patch lacks is the
    base's), and the leader pods run its runner (engine.go:276-281)."""
    instance, catalog = _catalog(LED, "resources: {gpu: {count: 8, type: bare}}, worker: {size: 1}")
    (isvc,) = [m for m in render(instance, catalog) if m.kind == "InferenceService"]
    engine = isvc.body["spec"]["engine"]
    assert "leader" not in engine
    assert engine["worker"]["runner"]["resources"]["limits"] == {GPU: 8}


def test_a_decoders_resources_are_said_at_the_decoders_line() -> None:
    found = _found(
        ALONE, "resources: {gpu: {count: 0, type: bare}}", decoder=LED.replace("r,", "d,")
    )
    assert found == []  # the decoder sets no resources of its own
    (problem,) = _found(
        ALONE,
        "resources: {gpu: {count: 0, type: bare}}, decoder: {resources: {gpu: {count: 8}}}",
        decoder=LED.replace("r,", "d,"),
    )
    assert problem[:2] == ("services.0.decoder.resources", "error")
    assert "the decoder's resources" in problem[2]
    assert "give the service's decoder `leader: {}`" in problem[3]


def test_the_hint_renders_the_resources_on_the_services_own_leader_and_workers() -> None:
    """What the hint says to write puts the service's GPUs in every pod's runner, which OME
    merges over the runtime's leader's and worker's key by key (merging.go:105-143)."""
    instance, catalog = _catalog(
        LED, "resources: {gpu: {count: 8, type: bare}}, leader: {}, worker: {size: 1}"
    )
    (isvc,) = [m for m in render(instance, catalog) if m.kind == "InferenceService"]
    engine = isvc.body["spec"]["engine"]
    for pod in (engine["leader"], engine["worker"]):
        assert pod["runner"]["resources"] == {"requests": {GPU: 8}, "limits": {GPU: 8}}
    assert engine["worker"]["size"] == 1
