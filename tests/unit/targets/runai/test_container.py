"""A service's one container on Run:ai: its runtime (inline, or the engine of a runtime the
project or the platform file defines) with the service's own fields over it, and what has no
container to run."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.core.jsonpath import format_json_path
from manifold.models.workload import Component
from manifold.targets.runai.container import container
from manifold.targets.runai.refusals import Refusals
from tests.unit.helpers import lone_catalog
from tests.unit.targets.runai.inputs import MODEL, instance, with_platform

SUPPORTS = "supports: [{format: {name: safetensors}, framework: {name: transformers}}]"
ENGINE = f"""runtimes:
- name: vllm
  {SUPPORTS}
  engine:
    image: vllm/vllm-openai
    command: [python3]
    args: [--model=$(MODEL_PATH)]
    env: [{{name: A, value: runtime}}, {{name: B, value: runtime}}]
    resources: {{cpu: "2", memory: 8Gi}}
    ports: [{{containerPort: 8000}}]
"""


def _container(spec: str, catalog: Any = lone_catalog) -> tuple[Component | None, list[str]]:
    project = instance(f"{MODEL}\n{spec}")
    [service] = project.spec.services
    refusals = Refusals(service, ("services", 0))
    found = container(project, catalog(project), service, refusals)
    return found, [f"{format_json_path(p.path)}: {p.message}" for p in refusals.found]


def _dumped(component: Component | None) -> dict[str, Any]:
    """The container's fields as written in YAML; variables as (name, value) pairs."""
    assert component is not None
    dumped = component.model_dump(by_alias=True, exclude_none=True, exclude={"env"}, mode="json")
    if component.env:
        dumped["env"] = [
            (variable.name, getattr(variable, "value", None)) for variable in component.env
        ]
    return dumped


def test_an_inline_runtime_is_the_container() -> None:
    found, problems = _container(
        "services: [{name: s, model: m, runtime: {image: i, args: [-x], port: 9000}}]"
    )
    assert problems == []
    assert _dumped(found) == {
        "image": "i",
        "args": ["-x"],
        "ports": [{"containerPort": 9000}],
        "replicas": {"min": 1, "max": 1},  # the service's, from Run:ai's service defaults
    }


def test_the_service_goes_over_its_runtimes_engine() -> None:
    found, problems = _container(
        ENGINE
        + "services: [{name: s, model: m, runtime: vllm, image: mine, args: [--fast],"
        + " env: [{name: B, value: service}, {name: C, value: service}],"
        + " resources: {cpu: '4'}}]"
    )
    assert problems == []
    dumped = _dumped(found)
    assert dumped["image"] == "mine"  # replaced
    assert dumped["command"] == ["python3"]  # kept
    assert dumped["args"] == [
        "--model=$(MODEL_PATH)",
        "--fast",
    ]  # the runtime's, then the service's
    assert dumped["env"] == [  # merged by name, the service's winning
        ("A", "runtime"),
        ("B", "service"),
        ("C", "service"),
    ]
    assert (dumped["resources"]["cpu"], dumped["resources"]["memory"]) == ("4", "8Gi")


def test_a_runtime_of_the_platform_file_is_found_too() -> None:
    def catalog(project: Any) -> Catalog:
        return with_platform(project, ENGINE.replace("runtimes:", "servingRuntimes:"))

    found, problems = _container("services: [{name: s, model: m, runtime: vllm}]", catalog)
    assert problems == [] and _dumped(found)["image"] == "vllm/vllm-openai"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "services: [{name: s, model: m}]",
            "services[0].image: service 's' needs a container image on Run:ai: an inline "
            "runtime (runtime: {image: ..., port: ...}) or image",
        ),
        (
            "services: [{name: s, model: m, runtime: nowhere, image: i}]",
            "services[0].runtime: Run:ai has no runtimes of its own: 'nowhere' must be a "
            "runtime this project (or the Run:ai platform file) defines, or define the "
            "container inline",
        ),
        (
            f"runtimes: [{{name: r, {SUPPORTS}, router: {{image: x}}}}]\n"
            "services: [{name: s, model: m, runtime: r}]",
            "services[0].runtime: runtime 'r' has no engine for Run:ai to run",
        ),
    ],
)
def test_without_a_container_to_run(spec: str, expected: str) -> None:
    assert _container(spec) == (None, [expected])


def test_a_runtime_with_a_decoder_is_refused_but_its_engine_is_kept() -> None:
    spec = ENGINE + "  decoder: {image: d}\nservices: [{name: s, model: m, runtime: vllm}]"
    found, problems = _container(spec)
    assert problems == [
        "services[0].runtime: runtime 'vllm' has a decoder or a router; Run:ai has none"
    ]
    assert _dumped(found)["image"] == "vllm/vllm-openai"
