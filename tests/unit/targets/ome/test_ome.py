"""The OME target: objects per model, runtime and service, and OME's own refusals."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.instances import ProjectInstance
from manifold.targets.registry import get_target
from tests.unit.helpers import lone_catalog, project_instance

TARGET = get_target("ome")


def _instance(spec: str) -> ProjectInstance:
    return project_instance("ome", spec)


_catalog = lone_catalog


def _render(spec: str) -> dict[str, dict[str, Any]]:
    instance = _instance(spec)
    return {
        f"{m.kind}/{m.name}": m.body
        for m in (TARGET.compile(instance, _catalog(instance))[1] or [])
    }


MODELS = """
models:
- {name: m, source: "hf://a/b", format: {name: safetensors}, framework: {name: transformers}}
- {name: shared, source: "hf://a/c", scope: cluster}
"""


def test_model_scopes() -> None:
    objects = _render(MODELS)
    assert objects["BaseModel/m"]["spec"]["storage"] == {"storageUri": "hf://a/b"}
    assert "ClusterBaseModel/shared" in objects


def test_runtime_reference_forms() -> None:
    objects = _render(
        MODELS
        + """
services:
- {name: a, model: m, runtime: r1}
- {name: b, model: shared, runtime: {ref: r2, scope: namespace}}
- {name: c, model: m}
"""
    )
    # ClusterServingRuntime is OME's default kind, so it is not written out
    assert objects["InferenceService/a"]["spec"]["runtime"] == {"name": "r1"}
    assert objects["InferenceService/b"]["spec"]["runtime"] == {
        "name": "r2",
        "kind": "ServingRuntime",
    }
    assert objects["InferenceService/b"]["spec"]["model"] == {"name": "shared"}
    assert "runtime" not in objects["InferenceService/c"]["spec"]


def test_inline_runtime_serves_the_model_format() -> None:
    objects = _render(
        MODELS
        + """
services:
- name: a
  model: m
  runtime: {image: img, args: [--x], resources: {gpu: {count: 2}}}
  resources: {gpu: {count: 1, type: nvidia-l4}}
"""
    )
    runtime = objects["ServingRuntime/a"]["spec"]
    assert runtime["supportedModelFormats"] == [
        {
            "modelFormat": {"name": "safetensors"},
            "modelFramework": {"name": "transformers"},
            "autoSelect": False,
            "priority": 1,
        }
    ]
    runner = runtime["engineConfig"]["runner"]
    assert (runner["name"], runner["image"], runner["args"]) == ("ome-container", "img", ["--x"])
    assert runner["resources"]["limits"] == {"nvidia.com/gpu": 2}
    isvc = objects["InferenceService/a"]["spec"]
    assert isvc["runtime"] == {"name": "a", "kind": "ServingRuntime"}
    assert isvc["acceleratorSelector"] == {"acceleratorClass": "nvidia-l4"}
    assert isvc["engine"]["runner"]["resources"]["requests"] == {"nvidia.com/gpu": 1}


def _problems(spec: str) -> list[str]:
    instance = _instance(spec)
    return [problem.message for problem in TARGET.compile(instance, _catalog(instance))[0]]


def test_checks_pvc_sources_against_scope() -> None:
    assert _problems("models: [{name: m, source: 'pvc://ns:claim/p', scope: cluster}]") == []
    assert _problems("models: [{name: m, source: 'pvc://claim/p'}]") == []
    assert (
        "names the PVC's namespace"
        in _problems("models: [{name: m, source: 'pvc://claim/p', scope: cluster}]")[0]
    )
    assert (
        "without '<namespace>:'" in _problems("models: [{name: m, source: 'pvc://ns:claim/p'}]")[0]
    )


def test_inline_runtime_needs_the_model_format() -> None:
    problems = _problems(
        "models: [{name: m, source: 'hf://a/b'}]\n"
        "services: [{name: a, model: m, runtime: {image: i}}]"
    )
    assert len(problems) == 1 and "needs format and framework" in problems[0]


ENTRY_METADATA = "metadata: {labels: {tier: gold}, annotations: {example.com/note: n}}"
WITH_METADATA = f"""
models:
- {{name: m, source: "hf://a/b", format: {{name: safetensors}}, framework: {{name: transformers}},
   {ENTRY_METADATA}}}
runtimes:
- {{name: rt, supports: [{{format: {{name: safetensors}}, framework: {{name: transformers}}}}],
   {ENTRY_METADATA}}}
services:
- {{name: chat, model: m, runtime: {{image: "vllm:1", name: inline}}, {ENTRY_METADATA}}}
- name: scaled
  model: m
  runtime: rt
  metadata: {{annotations: {{example.com/note: n}}}}
  replicas: {{min: 1, max: 2}}
  autoscaling: {{prometheus: {{server: "http://p:9090", query: "sum(x) # %s", threshold: "1"}}}}
"""


def test_entry_metadata_goes_on_the_entry_s_main_object_only() -> None:
    objects = _render(WITH_METADATA)
    labelled = {key for key, body in objects.items() if body["metadata"].get("labels")}
    assert labelled == {"BaseModel/m", "ServingRuntime/rt", "InferenceService/chat"}
    assert objects["InferenceService/chat"]["metadata"]["annotations"] == {"example.com/note": "n"}
    assert "annotations" not in objects["ServingRuntime/inline"]["metadata"]  # a companion
    # manifold's own annotation joins the entry's
    assert objects["InferenceService/scaled"]["metadata"]["annotations"] == {
        "example.com/note": "n",
        "ome.io/autoscalerClass": "keda",
    }


SERVED = """
models: [{name: m, source: "hf://a/b"}]
services:
- name: chat
  model: m
  image: "sglang:1"
  metadata: {annotations: {ome.io/deploymentMode: MODE}}
"""
DECODER = "\n  replicas: {min: 1, max: 1}\n  decoder: {replicas: {min: 1, max: 1}}"
WORKERS = "\n  leader: {}\n  worker: {size: 2}"


@pytest.mark.parametrize(
    ("mode", "fields", "problem"),
    [
        ("RawDeployment", "", None),
        # replicas.min 1 (the platform's default) keeps the engine a Deployment whatever the
        # InferenceService's annotation says (targets/ome/scaling.py)
        ("Serverless", "", "is not read for its engine"),
        ("PDDisaggregated", "", "neither a decoder nor a leader and workers"),
        ("MultiNode", "", "neither a decoder nor a leader and workers"),
        ("PDDisaggregated", DECODER, None),
        ("RawDeployment", DECODER, "it has a decoder"),
        # one problem, not two: the engine beside a decoder is never Serverless either
        ("Serverless", DECODER, "it has a decoder"),
        ("MultiNode", WORKERS, None),
        ("RawDeployment", WORKERS, "it has a leader and workers"),
    ],
)
def test_a_deployment_mode_annotation_may_not_contradict_the_fields(
    mode: str, fields: str, problem: str | None
) -> None:
    found = [
        message
        for message in _problems(SERVED.replace("MODE", mode) + fields)
        if "deploymentMode" in message
    ]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found
