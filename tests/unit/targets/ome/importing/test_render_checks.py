"""`manifold.targets.ome.importing.render_checks`: what render refuses in an imported entry
by itself, named at the OME object's spec field it came from."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.ome.importing.render_checks import render_refusals

SUPPORTED = {
    "format": {"name": "safetensors", "version": "1.0.0"},
    "framework": {"name": "transformers", "version": "4.42.3"},
    "autoSelect": True,
    "priority": 1,
}
RUNTIME: dict[str, Any] = {"name": "rt", "supports": [SUPPORTED]}
BENCHMARK: dict[str, Any] = {
    "name": "b",
    "target": {"service": "s"},
    "task": "text-to-text",
    "maxTimePerIteration": 10,
    "maxRequestsPerIteration": 10,
    "output": {"uri": "s3://b/p"},
}


@pytest.mark.parametrize(
    ("kind", "entry", "refused"),
    [
        ("ClusterServingRuntime", RUNTIME, []),
        (
            "ServingRuntime",
            {**RUNTIME, "modelSizeRange": {"min": "70B", "max": "7B"}},
            [("spec", "modelSizeRange")],
        ),
        (
            "ClusterServingRuntime",
            {**RUNTIME, "supports": [SUPPORTED, {**SUPPORTED, "priority": 2}]},
            [("spec", "supportedModelFormats", 1, "priority")],
        ),
        ("BenchmarkJob", BENCHMARK, []),
        (
            "BenchmarkJob",
            {**BENCHMARK, "requestParams": {"temperature": "inf"}},
            [("spec", "additionalRequestParams", "temperature")],
        ),
        ("AcceleratorClass", {"name": "a"}, []),
    ],
)
def test_refusals_at_the_objects_field(
    kind: str, entry: dict[str, Any], refused: list[tuple[Any, ...]]
) -> None:
    assert [path for path, _ in render_refusals(kind, entry)] == refused
