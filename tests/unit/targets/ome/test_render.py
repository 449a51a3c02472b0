"""A project as OME objects (`manifold.targets.ome.render`): one object per model, runtime
and service with the component that says what it is, runtime references in OME's form
(the kind only when not its default, cluster), and the InferenceService's own fields."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.manifest import Manifest
from manifold.targets.ome.keda import AUTOSCALER_CLASS
from manifold.targets.ome.render import base_model, render
from tests.unit.helpers import lone_catalog, project_instance

FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
RUNTIME = "engine: {image: e}, supports: [{" + FORMAT + "}]"
PROJECT = f"""
models:
- {{name: m, source: "hf://a/b", {FORMAT}, capabilities: [CHAT], maxTokens: 4096}}
- {{name: shared, source: "hf://a/c", scope: cluster}}
runtimes:
- {{name: own, {RUNTIME}}}
- {{name: wide, scope: cluster, {RUNTIME}}}
trainingRuntimes: [{{name: tr, jobs: [{{name: w, containers: [{{name: c, image: i}}]}}]}}]
services:
- {{name: by-name, model: m, runtime: own}}
- {{name: cluster-wide, model: shared, runtime: wide}}
- {{name: by-ref, model: m, runtime: {{ref: elsewhere, scope: namespace}}}}
- {{name: inline, model: m, runtime: {{image: i}}, resources: {{gpu: {{count: 1, type: l4}}}}}}
"""


@pytest.fixture(scope="module")
def rendered() -> dict[str, Manifest]:
    instance = project_instance("ome", PROJECT)
    return {f"{m.kind}/{m.name}": m for m in render(instance, lone_catalog(instance))}


def test_one_object_per_model_runtime_and_service(rendered: dict[str, Manifest]) -> None:
    assert {name: m.component for name, m in rendered.items()} == {
        "BaseModel/m": "model",
        "ClusterBaseModel/shared": "model",
        "ServingRuntime/own": "runtime",
        "ClusterServingRuntime/wide": "runtime",
        "TrainingRuntime/tr": "runtime",
        "ServingRuntime/inline": "runtime",
        "InferenceService/by-name": "inference",
        "InferenceService/cluster-wide": "inference",
        "InferenceService/by-ref": "inference",
        "InferenceService/inline": "inference",
    }
    assert rendered["InferenceService/inline"].spec_path == ("services", 3)
    assert rendered["ServingRuntime/inline"].spec_path == ("services", 3, "runtime")


@pytest.mark.parametrize(
    ("service", "runtime", "model"),
    [
        ("by-name", {"name": "own", "kind": "ServingRuntime"}, {"name": "m", "kind": "BaseModel"}),
        ("cluster-wide", {"name": "wide"}, {"name": "shared"}),
        (
            "by-ref",
            {"name": "elsewhere", "kind": "ServingRuntime"},
            {"name": "m", "kind": "BaseModel"},
        ),
        (
            "inline",
            {"name": "inline", "kind": "ServingRuntime"},
            {"name": "m", "kind": "BaseModel"},
        ),
    ],
)
def test_references_name_the_kind_only_when_not_omes_default(
    rendered: dict[str, Manifest], service: str, runtime: dict[str, str], model: dict[str, str]
) -> None:
    spec = rendered[f"InferenceService/{service}"].body["spec"]
    assert (spec["runtime"], spec["model"]) == (runtime, model)


def test_the_inline_service_asks_for_its_accelerator_class(rendered: dict[str, Manifest]) -> None:
    spec = rendered["InferenceService/inline"].body["spec"]
    assert spec["acceleratorSelector"] == {"acceleratorClass": "l4"}
    runtime = rendered["ServingRuntime/inline"].body["spec"]
    assert runtime["acceleratorRequirements"] == {"acceleratorClasses": ["l4"]}


def test_a_base_model_carries_the_models_identity() -> None:
    instance = project_instance("ome", PROJECT)
    body: dict[str, Any] = base_model(instance.spec.models[0])
    assert body["kind"] == "BaseModel"
    assert body["spec"] == {
        "modelCapabilities": ["CHAT"],
        "modelFormat": {"name": "safetensors"},
        "modelFramework": {"name": "transformers"},
        "maxTokens": 4096,
        "storage": {"storageUri": "hf://a/b"},
    }


def test_keda_scaling_marks_the_inference_service() -> None:
    """Where the settings and the class go in every case: test_keda.py."""
    spec = (
        'models: [{name: m, source: "hf://a/b"}]\n'
        "services: [{name: s, model: m, image: i, autoscaling: {prometheus: "
        "{server: 'http://p:9090', query: 'up', threshold: '1'}}}]"
    )
    instance = project_instance("ome", spec)
    (isvc,) = [m for m in render(instance, lone_catalog(instance)) if m.kind == "InferenceService"]
    assert isvc.body["metadata"]["annotations"] == {AUTOSCALER_CLASS: "keda"}
    assert isvc.body["spec"]["kedaConfig"]["customPromQuery"] == "up"


def test_a_decoder_on_another_accelerator_overrides_it() -> None:
    spec = (
        'models: [{name: m, source: "hf://a/b"}]\n'
        "services: [{name: s, model: m, image: i, resources: {gpu: {count: 1, type: l4}},"
        " decoder: {image: d, resources: {gpu: {count: 1, type: a100}}}}]"
    )
    instance = project_instance("ome", spec)
    (isvc,) = [m for m in render(instance, lone_catalog(instance)) if m.kind == "InferenceService"]
    decoder = isvc.body["spec"]["decoder"]
    assert decoder["acceleratorOverride"] == {"acceleratorClass": "a100"}
