"""Node labels and affinity of a multi-node service against its accelerator class
(`manifold.targets.ome.class_placement`). Followed from sgl-project/ome at 17b77edad23b: OME
puts the class's `discovery.nodeSelector` over every pod's own, leader's and workers'
included, and only the InferenceService's component's own over the class's
(pkg/controller/v1beta1/inferenceservice/components/base.go:192-226, utils/merging.go:181-219);
it replaces every pod's affinity with the class's unless the component's own is set
(base.go:346-368); leaders and workers are built from their own pod specs
(components/engine.go:268-347, decoder.go:264-345). The warnings for classes manifold does
not know are rows of checks.yaml (test_checks.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.core.diagnostics import Severity
from manifold.core.manifest import Manifest
from manifold.targets import kubernetes as k8s
from manifold.targets.ome import TARGET
from manifold.targets.ome.class_placement import placement_problems
from manifold.targets.ome.render import render
from tests.unit.helpers import platform_text
from tests.unit.targets.ome.rendering import project_and_catalog, rendered_engine

PRODUCT = "nvidia.com/gpu.product"
A: dict[str, Any] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}}
CLASS_AFFINITY: dict[str, Any] = {
    "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}
}
PLATFORM = platform_text(
    f"""
acceleratorClasses:
  - name: h100
    discovery: {{nodeSelector: {{{PRODUCT}: H100}}, affinity: {CLASS_AFFINITY}}}
    capabilities: {{}}
  - {{name: bare, discovery: {{}}, capabilities: {{}}}}
  - {{name: theirs, external: true}}
"""
)
MODEL = (
    "models: [{name: m, source: 'hf://a/b'}]\n"
    "fineTunes: [{name: ft, baseModel: m, type: LoRA, source: 's3://w/ft'},"
    " {name: ft2, baseModel: m, type: LoRA, source: 's3://w/ft2'}]\n"
)
MULTI = "name: s, model: m, image: i, replicas: {min: 1, max: 1}"


def _catalog(services: str) -> tuple[Any, Catalog]:
    return project_and_catalog(MODEL + f"services: {services}", PLATFORM)


def _engine(services: str) -> dict[str, Any]:
    return rendered_engine(*_catalog(services))


def _problems(services: str, catalog: Catalog | None = None) -> list[tuple[str, str]]:
    instance, written = _catalog(services)
    (service,) = instance.spec.services
    found = placement_problems(instance, catalog or written, service, ("services", 0), k8s.NOWHERE)
    return [(".".join(map(str, p.path)), p.message) for p in found if p.severity == Severity.ERROR]


def test_a_worker_without_affinity_beside_a_leader_with_one_gets_the_classs() -> None:
    """The engine's affinity, written so that the leader's is kept, keeps OME from giving
    the workers the class's, which is what a worker that sets none means."""
    engine = _engine(
        f"[{{{MULTI}, resources: {{gpu: {{count: 8, type: h100}}}}, "
        f"leader: {{affinity: {A}}}, worker: {{size: 1}}}}]"
    )
    assert engine["affinity"] == A
    assert engine["leader"]["affinity"] == A
    assert engine["worker"]["affinity"] == CLASS_AFFINITY


@pytest.mark.parametrize(
    ("gpu", "leader", "worker"),
    [
        pytest.param("bare", A, None, id="a class without affinity gives none"),
        pytest.param("theirs", A, None, id="a class manifold does not know: a warning"),
        pytest.param("h100", None, None, id="no pod sets one: OME gives the class's itself"),
    ],
)
def test_the_classs_affinity_is_written_only_where_ome_would_give_it(
    gpu: str, leader: dict[str, Any] | None, worker: dict[str, Any] | None
) -> None:
    own = f"affinity: {leader}" if leader else ""
    engine = _engine(
        f"[{{{MULTI}, resources: {{gpu: {{count: 8, type: {gpu}}}}}, "
        f"leader: {{{own}}}, worker: {{size: 1}}}}]"
    )
    assert engine["leader"].get("affinity") == leader
    assert engine["worker"].get("affinity") == worker
    assert engine.get("affinity") == leader


def test_the_classs_affinity_is_read_as_the_environments_patches_leave_it() -> None:
    instance, catalog = _catalog(
        f"[{{{MULTI}, resources: {{gpu: {{count: 8, type: bare}}}}, "
        f"leader: {{affinity: {A}}}, worker: {{size: 1}}}}]"
    )
    patched = replace(
        catalog, patched={("AcceleratorClass", "bare"): _patch("bare", {}, {"affinity": A})}
    )
    (isvc,) = [m for m in render(instance, patched) if m.kind == "InferenceService"]
    assert isvc.body["spec"]["engine"]["worker"]["affinity"] == A


def _patch(name: str, before: dict[str, Any], after: dict[str, Any]) -> tuple[Manifest, Manifest]:
    body = {"apiVersion": "ome.io/v1beta1", "kind": "AcceleratorClass", "metadata": {"name": name}}
    return (
        Manifest({**body, "spec": {"discovery": before}}, False, "shared", ()),
        Manifest({**body, "spec": {"discovery": after}}, False, "", ()),
    )


@pytest.mark.parametrize(
    ("leader", "worker", "expected"),
    [
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: H100-NVL}}}}",
            f"{{size: 1, nodeSelector: {{{PRODUCT}: H100}}}}",
            [f"services.0.leader.nodeSelector.{PRODUCT}"],
            id="the leader selects otherwise than the workers and the class",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            f"{{size: 1, nodeSelector: {{{PRODUCT}: B}}}}",
            [
                f"services.0.leader.nodeSelector.{PRODUCT}",
                f"services.0.worker.nodeSelector.{PRODUCT}",
            ],
            id="both select otherwise than each other and the class",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: H100-NVL}}}}",
            "{size: 1}",
            [f"services.0.leader.nodeSelector.{PRODUCT}"],
            id="only the leader selects it",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: H100-NVL}}}}",
            f"{{size: 1, nodeSelector: {{{PRODUCT}: H100-NVL}}}}",
            [],
            id="both select it alike: written on the engine, over the class's",
        ),
        pytest.param(
            "{nodeSelector: {rack: a}}",
            "{size: 1, nodeSelector: {rack: b}}",
            [],
            id="a label the class does not select",
        ),
    ],
)
def test_a_label_the_class_would_replace_on_a_leader_or_worker_is_an_error(
    leader: str, worker: str, expected: list[str]
) -> None:
    services = (
        f"[{{{MULTI}, resources: {{gpu: {{count: 8, type: h100}}}}, "
        f"leader: {leader}, worker: {worker}}}]"
    )
    found = _problems(services)
    assert [path for path, _ in found] == expected
    for _, message in found:
        assert message.startswith("the engine's ") and f"{PRODUCT}: H100, not {PRODUCT}" in message
        assert "node selector of accelerator class 'h100' over" in message


def test_a_label_the_component_sets_is_found_there() -> None:
    """The worker takes the engine's label (its own selector sets none), the leader its own."""
    services = (
        f"[{{{MULTI}, nodeSelector: {{{PRODUCT}: A100}}, resources: {{gpu: {{count: 8, "
        f"type: h100}}}}, leader: {{nodeSelector: {{{PRODUCT}: H100}}}}, worker: {{size: 1}}}}]"
    )
    assert [path for path, _ in _problems(services)] == [f"services.0.nodeSelector.{PRODUCT}"]


def test_the_classs_labels_are_read_as_the_environments_patches_leave_them() -> None:
    services = (
        f"[{{{MULTI}, resources: {{gpu: {{count: 8, type: bare}}}}, "
        f"leader: {{nodeSelector: {{{PRODUCT}: A}}}}, worker: {{size: 1}}}}]"
    )
    _, catalog = _catalog(services)
    patch = _patch("bare", {}, {"nodeSelector": {PRODUCT: "B"}})
    patched = replace(catalog, patched={("AcceleratorClass", "bare"): patch})
    assert _problems(services) == []
    ((path, message),) = _problems(services, patched)
    assert path == f"services.0.leader.nodeSelector.{PRODUCT}"
    assert "accelerator class 'bare' (as this environment's patch leaves it) over" in message


@pytest.mark.parametrize(
    ("adapters", "errors"),
    [
        pytest.param("[ft]", 0, id="one fine-tuned weight, maybe merged: OME may add no label"),
        pytest.param("[ft, ft2]", 1, id="two: never merged (utils/utils.go:18-26)"),
    ],
)
def test_a_service_that_may_load_merged_weights_is_not_held_to_the_classs_labels(
    adapters: str, errors: int
) -> None:
    services = (
        f"[{{{MULTI}, adapters: {adapters}, resources: {{gpu: {{count: 8, type: h100}}}}, "
        f"leader: {{nodeSelector: {{{PRODUCT}: A}}}}, worker: {{size: 1}}}}]"
    )
    assert len(_problems(services)) == errors


@pytest.mark.parametrize("gpu", ["theirs", "nowhere"])
def test_a_class_manifold_does_not_know_is_not_weighed(gpu: str) -> None:
    services = (
        f"[{{{MULTI}, resources: {{gpu: {{count: 8, type: {gpu}}}}}, "
        f"leader: {{nodeSelector: {{{PRODUCT}: A}}}}, worker: {{size: 1}}}}]"
    )
    assert _problems(services) == []


def test_a_decoders_leader_is_held_to_its_own_class_through_the_targets_checks() -> None:
    """The decoder's own `gpu.type` names its class (acceleratorOverride); the check runs
    with the target's, before anything is rendered."""
    services = (
        "[{name: s, model: m, image: i, resources: {gpu: {count: 1, type: bare}}, decoder: "
        "{image: d, replicas: {min: 1, max: 1}, resources: {gpu: {count: 8, type: h100}}, "
        f"leader: {{nodeSelector: {{{PRODUCT}: A}}}}, worker: {{size: 1}}}}}}]"
    )
    instance, catalog = _catalog(services)
    problems, compiled = TARGET.compile(instance, catalog)
    assert compiled is None
    errors = [p for p in problems if p.severity == Severity.ERROR]
    assert [p.path for p in errors] == [
        ("services", 0, "decoder", "leader", "nodeSelector", PRODUCT)
    ]
    assert errors[0].hint is not None and f"select {PRODUCT}: A for both" in errors[0].hint


# Workers without a leader: the leader pod is built from the component's own pod spec
# (components/engine.go:276-291), the workers from the worker's (engine.go:322-338).
WORKERS = "name: s, model: m, image: i, replicas: {min: 1, max: 1}"


def test_workers_without_a_leader_keep_their_affinity_by_the_classs_on_the_component() -> None:
    """Unset on the component, OME would give every pod the class's, the workers' own
    replaced; set to the class's, the leader pod gets what OME would give it."""
    engine = _engine(
        f"[{{{WORKERS}, resources: {{gpu: {{count: 8, type: h100}}}}, "
        f"worker: {{size: 1, affinity: {A}}}}}]"
    )
    assert engine["affinity"] == CLASS_AFFINITY
    assert engine["worker"]["affinity"] == A
    assert list(engine).index("affinity") < list(engine).index("worker")


def test_workers_without_a_leader_and_a_component_affinity_are_left_alone() -> None:
    engine = _engine(
        f"[{{{WORKERS}, affinity: {A}, resources: {{gpu: {{count: 8, type: h100}}}}, "
        "worker: {size: 1}}]"
    )
    assert engine["affinity"] == A and engine["worker"]["affinity"] == A


def test_a_label_the_class_would_replace_on_workers_without_a_leader_is_an_error() -> None:
    services = (
        f"[{{{WORKERS}, resources: {{gpu: {{count: 8, type: h100}}}}, "
        f"worker: {{size: 1, nodeSelector: {{{PRODUCT}: H100-NVL}}}}}}]"
    )
    instance, catalog = _catalog(services)
    (service,) = instance.spec.services
    (problem,) = placement_problems(instance, catalog, service, ("services", 0), k8s.NOWHERE)
    assert problem.path == ("services", 0, "worker", "nodeSelector", PRODUCT)
    assert "there, it would reach the engine's leader pods too" in problem.message
    assert (
        problem.hint
        == f"select {PRODUCT}: H100-NVL on the engine too, or leave {PRODUCT} to the class"
    )


# The same service beside a runtime that has a leader: OME keeps the runtime's leader, which
# the InferenceService leaves out, as it is (utils/merging.go:59-81, 105-143) and builds the
# leader pods from it (engine.go:279-281), not from the engine's own pod spec
# (engine.go:282-285); the engine's own node selector reaches every pod either way
# (base.go:212-219, utils/merging.go:199-207), its own affinity none of the runtime's leader
# (base.go:346-356 only keeps the class's off).
FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
LED_RUNTIME = (
    "  servingRuntimes: [{name: multi, supports: [{" + FORMAT + ", autoSelect: true}], "
    "accelerators: [h100, theirs], engine: {image: r, leader: {}, worker: {size: 1}}}]\n"
)
OVERRIDDEN = (
    "the engine's worker pods would run on nodes with rack: a, not rack: b: OME puts the "
    "engine's own node selector over every pod's own, the workers' included",
    "add a leader (leader: {}) so that the workers' labels are their own, or select rack: b "
    "on the engine too",
)
REPLACED = (
    f"the engine's worker pods would run on nodes with {PRODUCT}: H100, not {PRODUCT}: "
    f"H100-NVL: OME puts the node selector of accelerator class 'h100' over a worker's own, "
    "and only the engine's own node selector over the class's, which reaches every pod of the "
    "engine; there, it would reach the engine's leader pods too",
    f"select {PRODUCT}: H100-NVL on the engine too, or leave {PRODUCT} to the class",
)
UNKNOWN = (
    "the engine's worker pods may not be placed by their own affinity: OME replaces it with "
    "the class's, if the class has one, unless the engine itself sets an affinity; manifold "
    "cannot write the class's in, since it does not know accelerator class 'theirs' (no "
    "platform file defines it, or it is installed by other means)",
    "set affinity on the engine too (the class's, if it has one)",
)


@pytest.mark.parametrize(
    "runtime",
    [
        pytest.param("image: i", id="the engine's own pod spec leads the workers"),
        pytest.param("runtime: multi", id="the runtime's leader leads the workers"),
    ],
)
@pytest.mark.parametrize(
    ("gpu", "service", "path", "said"),
    [
        pytest.param(
            "h100",
            "nodeSelector: {rack: a}, worker: {size: 1, nodeSelector: {rack: b}}",
            ("worker", "nodeSelector", "rack"),
            OVERRIDDEN,
            id="a label the engine's own replaces on the workers",
        ),
        pytest.param(
            "h100",
            f"worker: {{size: 1, nodeSelector: {{{PRODUCT}: H100-NVL}}}}",
            ("worker", "nodeSelector", PRODUCT),
            REPLACED,
            id="a label the class's replaces on the workers",
        ),
        pytest.param(
            "theirs",
            f"worker: {{size: 1, affinity: {A}}}",
            ("worker", "affinity"),
            UNKNOWN,
            id="an affinity of the workers against a class manifold does not know",
        ),
    ],
)
def test_workers_without_a_leader_are_explained_alike_whichever_pod_leads_them(
    runtime: str, gpu: str, service: str, path: tuple[str, ...], said: tuple[str, str]
) -> None:
    """The engine writes workers and no leader: each problem says only what holds whether
    the leader pods are built from the engine's own pod spec or from the runtime's leader."""
    project = (
        f"models: [{{name: m, source: 'hf://a/b', {FORMAT}}}]\n"
        f"services: [{{name: s, model: m, replicas: {{min: 1, max: 1}}, "
        f"resources: {{gpu: {{count: 0, type: {gpu}}}}}, {runtime}, {service}}}]"
    )
    instance, catalog = project_and_catalog(project, PLATFORM + LED_RUNTIME)
    problems, _ = TARGET.compile(instance, catalog)
    (problem,) = [p for p in problems if p.path == ("services", 0, *path)]
    assert (problem.message, problem.hint) == said
