"""Substratus's effective workload: a Server, Notebook or trained Model read as one container,
from what the object itself says. Objects rendered from a project are read back and compared
with what the project asked for, so render and effective must agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.compile.finalize import finalize
from manifold.compile.provenance import Named
from manifold.targets.effective import EffectiveWorkload, Objects, RenderedObject
from manifold.targets.substratus import controller
from manifold.targets.substratus.effective import workloads
from tests.unit.helpers import lone_catalog
from tests.unit.targets.substratus.inputs import TARGET, instance

MODEL = "models: [{name: m, source: 'hf://a/b'}]"


def _workloads(spec: str, level: str | None = None) -> dict[str, EffectiveWorkload]:
    project = instance(spec, level)
    found, manifests = TARGET.compile(project, lone_catalog(project))
    assert found == []
    assert manifests is not None
    objects = [  # finalized: their labels say which part of the project each renders
        RenderedObject(f"dev/demo/{m.kind.lower()}-{m.name}.yaml", m.body)
        for m in finalize(manifests, project)
    ]
    return {w.name: w for w in workloads(Objects("dev", objects))}


def _values(workload: EffectiveWorkload) -> dict[str, Any]:
    [role] = workload.roles
    return {name: value.value for name, value in role.fields.items()}


@settings(max_examples=20, deadline=None)
@given(
    cpu=st.integers(min_value=1, max_value=64),
    memory=st.integers(min_value=1, max_value=512),
    gpus=st.integers(min_value=1, max_value=8),
    gpu_type=st.sampled_from(["nvidia-a100", "nvidia-l4", "nvidia-t4"]),
)
def test_what_a_server_asks_for_reads_back(cpu: int, memory: int, gpus: int, gpu_type: str) -> None:
    found = _workloads(
        f"{MODEL}\nservices: [{{name: s, model: m, image: i, env: [{{name: A, value: '1'}}],"
        f" resources: {{cpu: '{cpu}', memory: {memory}Gi,"
        f" gpu: {{count: {gpus}, type: {gpu_type}}}}}}}]"
    )
    server = found["s"]
    assert (server.kind, server.object, server.roles[0].role) == ("service", "Server/s", "server")
    assert _values(server) == {
        "image": "i",
        "env.A": "1",
        "requests.cpu": cpu,
        "requests.memory": f"{memory}Gi",
        "requests.disk": "10Gi",  # the CRD's default (common_types.go:82-84)
        "limits.nvidia.com/gpu": gpus,
        "gpuType": gpu_type,
    }
    assert server.notes == () and server.unknown == frozenset()
    assert server.roles[0].fields["requests.disk"].source.describe() == "default of Substratus"


SERVER = f"{MODEL}\nservices: [{{name: s, model: m, image: i"
NO_RESOURCES_NOTE = (
    "no resources: Substratus asks for 2 CPUs, 4Gi and 100Gi of disk (on kind, none)"
)


@pytest.mark.parametrize(
    ("spec", "requests", "notes"),
    [
        # resources.go:19-27: no resources at all
        (f"{SERVER}}}]", {"cpu": 2, "memory": "4Gi", "disk": "100Gi"}, (NO_RESOURCES_NOTE,)),
        # common_types.go:78-88: the CRD fills what a resources leaves out
        (
            f"{SERVER}, resources: {{gpu: {{count: 1, type: nvidia-l4}}}}}}]",
            {"cpu": 2, "memory": "10Gi", "disk": "10Gi"},
            (),
        ),
        (
            f"{SERVER}, resources: {{cpu: '8', memory: 64Gi, ephemeralStorage: 200Gi}}}}]",
            {"cpu": 8, "memory": "64Gi", "disk": "200Gi"},
            (),
        ),
        (  # gpu_info.go:14-47: only kind places a GPU without a type
            f"{SERVER}, resources: {{gpu: {{count: 1}}}}}}]",
            {"cpu": 2},
            ("a GPU without a type: Substratus on GCP refuses it; only kind takes any GPU",),
        ),
    ],
)
def test_the_controller_sizes_what_the_object_leaves_out(
    spec: str, requests: dict[str, Any], notes: tuple[str, ...]
) -> None:
    server = _workloads(spec)["s"]
    values = _values(server)
    assert {key: values[f"requests.{key}"] for key in requests} == requests
    assert server.notes == notes


@pytest.mark.parametrize(
    ("own", "command"),
    [
        ("", list(controller.NOTEBOOK_COMMAND)),
        (", command: [python, serve.py]", ["python", "serve.py"]),
    ],
)
def test_a_notebook_runs_jupyter_unless_told_and_its_token_is_default(
    own: str, command: list[str]
) -> None:
    """notebook_controller.go:320-329 (command) and 331-335 (the token, set last)."""
    notebook = _workloads(f"{MODEL}\nnotebooks: [{{name: lab, model: m, image: i{own}}}]")["lab"]
    values = _values(notebook)
    assert values["command"] == command
    assert values["env.NOTEBOOK_TOKEN"] == "default"


def test_a_trained_model_is_the_fine_tunes_workload_and_a_loaded_one_none() -> None:
    found = _workloads(
        f"{MODEL}\ndatasets: [{{name: d, substratus: {{image: loader}}}}]\n"
        "fineTunes: [{name: t, baseModel: m, dataset: d,"
        " training: {image: trainer, resources: {cpu: '4'}}}]"
    )
    assert sorted(found) == ["t"]
    trainer = found["t"]
    assert (trainer.kind, trainer.roles[0].role) == ("fine-tune", "trainer")
    source = trainer.roles[0].fields["requests.cpu"].source
    assert source.hint is not None
    assert source.hint.path == ("fineTunes", Named("t"), "training", "resources", "cpu")


def test_a_build_is_the_image() -> None:
    found = _workloads(
        f"{MODEL}\nnotebooks: [{{name: lab, model: m,"
        " substratus: {build: {git: {url: 'https://example.com/n.git'}}}}]"
    )
    assert _values(found["lab"])["image"] == {
        "build": {"git": {"url": "https://example.com/n.git"}}
    }


def test_at_v0_3_the_image_and_gpus_are_the_controllers() -> None:
    found = _workloads(
        "models: [{name: m, source: 'hf://a/b', parameterSize: 7B,"
        " substratus: {build: {git: {url: 'https://example.com/m.git'}}}}]\n"
        "services: [{name: s, model: m}]",
        "v0.3",
    )
    server = found["s"]
    assert server.object == "ModelServer/s"
    assert server.unknown == frozenset({"image", "gpus"})
    assert server.notes == (
        "no image in the object: Substratus builds or picks it",
        "API level v0.3: Substratus sizes the pod (GPUs) by itself",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"apiVersion": "apps/v1", "kind": "Server", "metadata": {"name": "x"}},
        {
            "apiVersion": "substratus.ai/v1",
            "kind": "Model",
            "metadata": {"name": "x", "labels": {"app.kubernetes.io/component": "model"}},
        },
        {"apiVersion": "substratus.ai/v1", "kind": "Dataset", "metadata": {"name": "x"}},
    ],
)
def test_other_objects_are_no_workloads(body: dict[str, Any]) -> None:
    assert workloads(Objects("dev", [RenderedObject("dev/demo/x.yaml", body)])) == []
