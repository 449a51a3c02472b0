"""Node labels and affinity of a service's pods that are its runtime's leader or workers,
against its accelerator class (`manifold.targets.ome.runtime_node_placement`). Followed from
sgl-project/ome at 17b77edad23b: OME merges the runtime's engineConfig, leader and worker
included, under the InferenceService's engine as a strategic merge patch, a leader or worker
the InferenceService leaves out kept as the runtime's (utils/merging.go:59-81, 105-143), and
builds the pods from the merged leader and worker (components/engine.go:268-347), while the
class is applied by the InferenceService's own engine alone (components/base.go:192-226,
346-368; utils/merging.go:181-219)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.diagnostics import Severity
from manifold.targets.ome import TARGET
from tests.unit.targets.ome.rendering import project_and_catalog
from tests.unit.targets.ome.test_class_placement import PLATFORM, PRODUCT, A

FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
RUNTIME_NODES = (
    "{name: multi, supports: [{" + FORMAT + ", autoSelect: true}], accelerators: [h100, bare, "
    "theirs], engine: {image: r, "
    "leader: %s, worker: %s}}"
)
DEFINES = "which runtime 'multi' defines"


def _runtime_led(leader: str, worker: str, service: str, gpu: str = "h100") -> list[Any]:
    """The problems the target finds (errors and warnings) in a service `service` (its
    fields besides name, model and class) of a model that runtime `multi` serves."""
    runtime = RUNTIME_NODES % (leader, worker)
    platform = PLATFORM + f"  servingRuntimes: [{runtime}]\n"
    project = (
        f"models: [{{name: m, source: 'hf://a/b', {FORMAT}}}]\n"
        "fineTunes: [{name: ft, baseModel: m, type: LoRA, source: 's3://w/ft'}]\n"
        f"services: [{{name: s, model: m, "
        f"resources: {{gpu: {{count: 0, type: {gpu}}}}}, {service}}}]"
    )
    instance, catalog = project_and_catalog(project, platform)
    problems, _ = TARGET.compile(instance, catalog)
    return [p for p in problems if DEFINES in p.message]


@pytest.mark.parametrize(
    ("leader", "worker", "service", "expected"),
    [
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            f"{{size: 1, nodeSelector: {{{PRODUCT}: A}}}}",
            "runtime: multi",
            [
                (
                    "services.0.runtime",
                    "error",
                    "leader and worker pods, which runtime 'multi' defines",
                )
            ],
            id="both select otherwise than the class: one error at the runtime the service names",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            "{size: 1}",
            "runtime: multi",
            [
                (
                    "services.0.runtime",
                    "error",
                    f"leader pods, {DEFINES}, would run on nodes with {PRODUCT}: H100, not "
                    f"{PRODUCT}: A",
                )
            ],
            id="only the leader selects it",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            "{size: 1}",
            "replicas: {min: 1, max: 1}",
            [("services.0.resources.gpu.type", "error", "leader pods")],
            id="an auto-selected runtime: at the class the service names",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            "{size: 1}",
            f"runtime: multi, nodeSelector: {{{PRODUCT}: A}}",
            [],
            id="the service selects it: OME puts the engine's over the class's",
        ),
        pytest.param(
            "{nodeSelector: {rack: a}}",
            "{size: 1}",
            "runtime: multi",
            [],
            id="a label the class does not select",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: H100}}}}",
            "{size: 1}",
            "runtime: multi",
            [],
            id="the class's own value",
        ),
        pytest.param(
            f"{{affinity: {A}}}",
            "{size: 1}",
            "runtime: multi",
            [
                (
                    "services.0.runtime",
                    "warning",
                    f"leader pods, {DEFINES}, are given the affinity of accelerator class 'h100'",
                )
            ],
            id="an affinity the class's replaces",
        ),
        pytest.param(
            f"{{affinity: {A}}}",
            f"{{size: 1, affinity: {A}}}",
            f"runtime: multi, affinity: {A}",
            [],
            id="an affinity the service's engine keeps",
        ),
    ],
)
def test_a_runtimes_leader_and_workers_are_held_to_the_class(
    leader: str, worker: str, service: str, expected: list[tuple[str, str, str]]
) -> None:
    found = _runtime_led(leader, worker, service)
    assert [(".".join(map(str, p.path)), str(p.severity)) for p in found] == [
        (path, severity) for path, severity, _ in expected
    ]
    for problem, (_, _, message) in zip(found, expected, strict=True):
        assert message in problem.message


@pytest.mark.parametrize(
    ("gpu", "expected"),
    [
        pytest.param("bare", [], id="a class without affinity gives none"),
        pytest.param(
            "theirs", ["may be given, if it has one,"], id="a class manifold does not know"
        ),
    ],
)
def test_a_runtimes_affinity_is_weighed_only_where_the_class_may_replace_it(
    gpu: str, expected: list[str]
) -> None:
    found = _runtime_led(f"{{affinity: {A}}}", "{size: 1}", "runtime: multi", gpu)
    assert len(found) == len(expected)
    for problem, message in zip(found, expected, strict=True):
        assert problem.severity == Severity.WARNING and message in problem.message


def test_a_runtimes_leader_is_not_weighed_beside_the_services_own() -> None:
    """The service's own leader and workers are merged over the runtime's; they are held to
    the class above, as the service writes them."""
    found = _runtime_led(
        f"{{nodeSelector: {{{PRODUCT}: A}}}}",
        "{size: 1}",
        "runtime: multi, leader: {}, worker: {size: 1}",
    )
    assert found == []


# The service writes workers, no leader: the leader pods are the runtime's leader as it is
# (utils/merging.go:59-81, 105-143; the InferenceService's `leader` is omitempty,
# pkg/apis/ome/v1beta1/inference_service.go:160-166), built from it alone
# (components/engine.go:276-281), and the class applied over it (base.go:192-226, 346-368).
WORKERS = "worker: {size: 1}"


@pytest.mark.parametrize(
    ("leader", "service", "expected"),
    [
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            f"runtime: multi, {WORKERS}",
            [
                (
                    "services.0.runtime",
                    "error",
                    f"the engine's leader pods, {DEFINES}, would run on nodes with {PRODUCT}: "
                    f"H100, not {PRODUCT}: A",
                )
            ],
            id="the runtime's leader selects otherwise than the class",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            f"replicas: {{min: 1, max: 1}}, {WORKERS}",
            [("services.0.resources.gpu.type", "error", "the engine's leader pods")],
            id="an auto-selected runtime: at the class the service names",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: A}}}}",
            f"runtime: multi, nodeSelector: {{{PRODUCT}: A}}, {WORKERS}",
            [],
            id="the service selects it: OME puts the engine's over the class's on every pod",
        ),
        pytest.param(
            f"{{nodeSelector: {{{PRODUCT}: H100, rack: a}}}}",
            f"runtime: multi, {WORKERS}",
            [],
            id="the class's own value, and a label the class does not select",
        ),
        pytest.param(
            f"{{affinity: {A}}}",
            f"runtime: multi, {WORKERS}",
            [("services.0.runtime", "warning", f"leader pods, {DEFINES}, are given the affinity")],
            id="an affinity the class's replaces",
        ),
        pytest.param(
            f"{{affinity: {A}}}",
            f"runtime: multi, affinity: {A}, {WORKERS}",
            [],
            id="an affinity the service's engine keeps",
        ),
        pytest.param(
            f"{{affinity: {A}}}",
            f"runtime: multi, worker: {{size: 1, affinity: {A}}}",
            [],
            id="kept by the class's affinity manifold writes on the engine for the workers",
        ),
        pytest.param(
            "{}",
            f"runtime: multi, worker: {{size: 1, affinity: {A}}}",
            [("services.0.runtime", "warning", f"leader pods, {DEFINES}, get no affinity")],
            id="none of the class's, beside the engine's affinity written for the workers",
        ),
        pytest.param(
            "{}",
            f"runtime: multi, {WORKERS}",
            [],
            id="a runtime leader that sets nothing: the class gives it all",
        ),
    ],
)
def test_a_runtimes_leader_beside_the_services_workers_is_held_to_the_class(
    leader: str, service: str, expected: list[tuple[str, str, str]]
) -> None:
    found = _runtime_led(leader, "{size: 1}", service)
    assert [(".".join(map(str, p.path)), str(p.severity)) for p in found] == [
        (path, severity) for path, severity, _ in expected
    ]
    for problem, (_, _, message) in zip(found, expected, strict=True):
        assert message in problem.message


@pytest.mark.parametrize(
    ("gpu", "service", "expected"),
    [
        pytest.param("theirs", WORKERS, [], id="a class manifold does not know: no label"),
        pytest.param("bare", WORKERS, [], id="a class that selects no label"),
        pytest.param(
            "h100",
            f"{WORKERS}, adapters: [ft]",
            [],
            id="one fine-tuned weight, maybe merged: OME may add no label (base.go:199-205)",
        ),
    ],
)
def test_a_runtimes_leader_beside_the_services_workers_is_not_weighed_where_ome_adds_nothing(
    gpu: str, service: str, expected: list[str]
) -> None:
    leader = f"{{nodeSelector: {{{PRODUCT}: A}}}}"
    found = _runtime_led(leader, "{size: 1}", f"runtime: multi, {service}", gpu)
    assert [p.message for p in found if p.severity == Severity.ERROR] == expected
