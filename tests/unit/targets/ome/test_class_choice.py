"""Which accelerator class a component uses (`manifold.targets.ome.class_choice`): read from
the project's service and read from the InferenceService manifold renders for it, the
answer is the same (a differential test over the shapes a service can take), and read from
an object as the environment leaves it, OME's rule (selector.go:89-102, 172-204)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.ome import TARGET
from manifold.targets.ome.class_choice import selected_class, selected_classes
from tests.unit.helpers import catalog_with_platform, platform_text, project_instance

PLATFORM = platform_text(
    "acceleratorClasses:\n"
    "  - {name: a100, discovery: {}, capabilities: {}}\n"
    "  - {name: h100, discovery: {}, capabilities: {}}"
)
MODEL = "models: [{name: m, source: 'hf://a/b'}]\n"
ROUTED = "router: {image: r}"


@pytest.mark.parametrize(
    "service",
    [
        "{name: s, model: m}",
        "{name: s, model: m, resources: {gpu: {count: 1}}}",
        "{name: s, model: m, resources: {gpu: {count: 1, type: a100}}}",
        "{name: s, model: m, resources: {gpu: {count: 1, type: a100}}, decoder: {image: d}}",
        "{name: s, model: m, resources: {gpu: {count: 1, type: a100}},"
        " decoder: {resources: {gpu: {count: 2, type: h100}}}}",
        "{name: s, model: m, resources: {gpu: {count: 1, type: a100}},"
        " decoder: {resources: {gpu: {count: 2, type: a100}}}}",
        "{name: s, model: m, decoder: {resources: {gpu: {count: 2, type: h100}}}}",
        "{name: s, model: m, resources: {gpu: {count: 8, type: h100}}, leader: {},"
        " worker: {size: 1}, " + ROUTED + "}",
    ],
)
def test_the_service_and_its_inference_service_agree(service: str) -> None:
    instance = project_instance("ome", MODEL + f"services: [{service}]")
    catalog = catalog_with_platform(instance, PLATFORM)
    problems, compiled = TARGET.compile(instance, catalog)
    assert compiled is not None, problems
    [isvc] = [m for m in compiled if m.kind == "InferenceService"]
    spec: dict[str, Any] = isvc.body["spec"]
    planned = {name: chosen for name, _, chosen in selected_classes(instance.spec.services[0])}
    for component in ("engine", "decoder", "router"):
        if isinstance(spec.get(component), dict):
            found = selected_class(spec, component)
            assert (found[1] if found else None) == planned.get(component), component


@pytest.mark.parametrize(
    ("spec", "component", "expected"),
    [
        ({"acceleratorSelector": {"acceleratorClass": "a"}}, "engine", "a"),
        (
            {
                "acceleratorSelector": {"acceleratorClass": "a"},
                "decoder": {"acceleratorOverride": {"acceleratorClass": "b"}},
            },
            "decoder",
            "b",
        ),
        ({"acceleratorSelector": {"acceleratorClass": ""}}, "engine", ""),  # a pointer, set
        ({"acceleratorSelector": {"policy": "Cheapest"}}, "engine", None),
        ({"acceleratorSelector": "not-a-map"}, "engine", None),
        ({"engine": {"acceleratorOverride": {"acceleratorClass": 5}}}, "engine", None),
        ({"acceleratorSelector": {"acceleratorClass": "a"}}, "router", None),
    ],
)
def test_an_object_as_the_environment_leaves_it(
    spec: dict[str, Any], component: str, expected: str | None
) -> None:
    found = selected_class(spec, component)
    assert (found[1] if found else None) == expected
