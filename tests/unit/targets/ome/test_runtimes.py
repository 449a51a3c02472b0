"""Runtime definitions as OME runtime specs (`manifold.targets.ome.runtimes`). The inline
runtime written for a service must serve that service's model by OME's own selector rules
(`targets.ome.selection`): the two paths are checked to agree for any model."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.models.project import InlineRuntime, Model
from manifold.models.runtimes import ServingRuntime, TrainingRuntime
from manifold.models.workload import Component
from manifold.targets.ome.runtimes import (
    DEFAULT_PORT,
    inline_runtime_spec,
    inline_supported_format,
    serving_runtime_spec,
    training_runtime_spec,
)
from manifold.targets.ome.selection import format_mismatch

WORDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=8)
# Versions OME can read (a model with another version is refused whatever serves it).
VERSIONS = st.from_regex(r"v?(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){0,2}", fullmatch=True)
SAFETENSORS = {"format": {"name": "safetensors"}, "framework": {"name": "transformers"}}


@st.composite
def models(draw: st.DrawFn) -> Model:
    data: dict[str, Any] = {"name": "m", "source": "hf://a/b"}
    for field in ("format", "framework"):
        data[field] = {"name": draw(WORDS), "version": draw(st.none() | VERSIONS)}
    for field in ("architecture", "quantization"):
        if (value := draw(st.none() | WORDS)) is not None:
            data[field] = value
    return Model.model_validate(data)


@given(models())
def test_an_inline_runtime_serves_the_model_it_was_written_for(model: Model) -> None:
    entry = inline_supported_format(model)
    assert format_mismatch(entry, model) == []
    assert (entry.auto_select, entry.priority) == (False, 1)


def _model() -> Model:
    return Model.model_validate({"name": "m", "source": "hf://a/b", **SAFETENSORS})


@pytest.mark.parametrize(
    ("service", "accelerator", "engine_keys", "classes"),
    [
        ({}, None, {"runner"}, None),
        ({"leader": {}, "worker": {"size": 1}}, "l4", {"leader", "worker"}, ["l4"]),
        ({"worker": {"size": 2}}, None, {"runner", "worker"}, None),
    ],
)
def test_an_inline_runtimes_container_is_where_ome_builds_the_pods_from(
    service: dict[str, Any], accelerator: str | None, engine_keys: set[str], classes: Any
) -> None:
    runtime = InlineRuntime.model_validate({"image": "vllm:1", "args": ["--x"]})
    spec = inline_runtime_spec(runtime, _model(), accelerator, Component.model_validate(service))
    engine = spec["engineConfig"]
    assert set(engine) == engine_keys
    runner = engine.get("runner") or engine["leader"]["runner"]
    assert runner["image"] == "vllm:1" and runner["args"] == ["--x"]
    assert runner["ports"] == [{"containerPort": DEFAULT_PORT, "name": "http1", "protocol": "TCP"}]
    assert spec["protocolVersions"] == ["openAI"]
    assert spec.get("acceleratorRequirements", {}).get("acceleratorClasses") == classes


def test_a_serving_runtime_spec_carries_what_is_written() -> None:
    runtime = ServingRuntime.model_validate(
        {
            "name": "r",
            "supports": [{**SAFETENSORS, "autoSelect": True, "priority": 2}],
            "modelSizeRange": {"min": "1B", "max": "9B"},
            "accelerators": ["l4"],
            "engine": {"image": "e:1"},
            "disabled": False,
        }
    )
    spec = serving_runtime_spec(runtime)
    assert spec["supportedModelFormats"] == [
        {
            "modelFormat": {"name": "safetensors"},
            "modelFramework": {"name": "transformers"},
            "autoSelect": True,
            "priority": 2,
        }
    ]
    assert spec["modelSizeRange"] == {"min": "1B", "max": "9B"}
    assert spec["acceleratorRequirements"] == {"acceleratorClasses": ["l4"]}
    assert spec["engineConfig"] == {"runner": {"name": "ome-container", "image": "e:1"}}
    assert spec["disabled"] is False
    assert "decoderConfig" not in spec and "routerConfig" not in spec


def test_a_training_runtime_spec() -> None:
    runtime = TrainingRuntime.model_validate(
        {
            "name": "t",
            "nodes": 2,
            "torch": {"procsPerNode": "auto", "elastic": {"maxRestarts": 3}},
            "scheduleTimeoutSeconds": 60,
            "jobs": [
                {"name": "node", "replicas": 1, "containers": [{"name": "trainer", "image": "t:1"}]}
            ],
        }
    )
    spec = training_runtime_spec(runtime)
    (job,) = spec["template"]["spec"]["replicatedJobs"]
    assert job["name"] == "node" and job["replicas"] == 1
    assert job["template"]["spec"]["template"]["spec"]["containers"] == [
        {"name": "trainer", "image": "t:1"}
    ]
    assert spec["mlPolicy"] == {
        "numNodes": 2,
        "torch": {"numProcPerNode": "auto", "elasticPolicy": {"maxRestarts": 3}},
    }
    assert spec["podGroupPolicy"] == {"coscheduling": {"scheduleTimeoutSeconds": 60}}
