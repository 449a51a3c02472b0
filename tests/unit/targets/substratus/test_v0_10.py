"""Specs at Substratus API level v0.10 (the default): one container per kind, from an image or
a git build; models loaded by the environment's loader, fine-tunes trained by their training
runtime's container, servers and notebooks, and one row per rule they refuse."""

from __future__ import annotations

import pytest

from tests.unit.helpers import lone_catalog
from tests.unit.targets.substratus.inputs import TARGET, instance, messages, problems, rendered

MODEL = 'models: [{name: m, source: "hf://a/b"}]'


def test_hugging_face_models_use_the_environments_loader_and_keep_their_params() -> None:
    spec = """
models:
- name: llama
  source: hf://meta-llama/Llama-2-7b-hf
  substratus: {params: {revision: main}}
"""
    assert rendered(spec)["Model/llama"] == {
        "image": "substratusai/model-loader-huggingface",
        "params": {"name": "meta-llama/Llama-2-7b-hf", "revision": "main"},
    }
    mirrored = rendered(spec, "v0.10", ', modelLoader: "mirror.example.com/hf-loader:2"')
    assert mirrored["Model/llama"]["image"] == "mirror.example.com/hf-loader:2"


TRAINED = """
models:
- {name: base, source: "hf://a/b"}
datasets:
- name: data
  substratus: {image: loader}
trainingRuntimes:
- name: hf
  jobs:
  - name: train
    containers:
    - name: trainer
      image: trainer:1
      command: [train.sh]
      env: [{name: A, value: runtime}, {name: B, value: runtime}]
fineTunes:
- name: tuned
  baseModel: base
  dataset: data
  hyperParameters: {epochs: 2}
  training:
    runtime: hf
    args: [--fast]
    env: [{name: B, value: fine-tune}]
"""


def test_a_fine_tunes_trainer_is_its_training_runtimes_container() -> None:
    assert rendered(TRAINED)["Model/tuned"] == {
        "image": "trainer:1",
        "command": ["train.sh", "--fast"],
        "model": {"name": "base"},
        "dataset": {"name": "data"},
        "env": {"A": "runtime", "B": "fine-tune"},
        "params": {"epochs": 2},
    }


def test_servers_and_notebooks_run_their_image_and_name_what_they_use() -> None:
    objects = rendered(
        f"""{MODEL}
datasets: [{{name: d, substratus: {{image: loader}}}}]
services:
- name: s
  model: m
  runtime: {{image: server:1, port: 8080, command: [serve]}}
  args: [--x]
notebooks: [{{name: lab, image: jupyter, model: m, dataset: d, suspend: true}}]
"""
    )
    assert objects["Server/s"] == {
        "image": "server:1",
        "command": ["serve", "--x"],
        "model": {"name": "m"},
    }
    assert objects["Notebook/lab"] == {
        "image": "jupyter",
        "model": {"name": "m"},
        "dataset": {"name": "d"},
        "suspend": True,
    }


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            TRAINED.replace(
                "      env: [{name: A, value: runtime}, {name: B, value: runtime}]",
                "      env: [{name: A, value: runtime}]\n    - {name: sidecar, image: 'sidecar:1'}",
            ),
            "trainingRuntimes[0].jobs: Substratus trains in one container; training runtime "
            "'hf' runs 2",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, image: server:1,"
            " substratus: {build: {git: {url: 'https://example.com/s.git'}}}}]",
            "services[0].substratus.build: Substratus runs an image or builds one: service 's' "
            "has both an image and a build",
        ),
        (
            'models: [{name: m, source: "hf://a/b", substratus: {compute: [GPU]}}]',
            "models[0].substratus.compute: substratus.compute belongs to Substratus API level "
            "v0.3, which this environment does not run",
        ),
        (
            'models: [{name: m, source: "s3://b/m"}]',
            "models[0].source: Substratus loads model 'm' with a container; manifold knows the "
            "loader of hf:// sources, not of s3://",
        ),
        (
            "datasets: [{name: d, source: 'hf://x/y'}]",
            "datasets[0]: Substratus loads dataset 'd' with a container: give substratus.image "
            "or substratus.build",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m}}]",
            "services[0]: Substratus runs service 's' from an image: give it one, or "
            "substratus.build",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, runtime: {{image: i, port: 9000}}}}]",
            "services[0].runtime.port: Substratus cannot express a port (servers listen on "
            "8080), which service 's' asks for",
        ),
        (
            f"{MODEL}\nfineTunes: [{{name: t, baseModel: m, dataset: d,"
            " training: {runtime: nowhere}}]",
            "fineTunes[0].training.runtime: Substratus writes the trainer into the Model, so "
            "fine-tune 't' needs the definition of training runtime 'nowhere', which neither "
            "this project nor the platform has",
        ),
        (
            f"{MODEL}\nfineTunes: [{{name: t, baseModel: m, dataset: d,"
            " training: {image: t, nodes: 2}}]",
            "fineTunes[0].training.nodes: Substratus cannot express training on several nodes, "
            "which fine-tune 't' asks for",
        ),
    ],
)
def test_what_v0_10_refuses(spec: str, expected: str) -> None:
    found = messages(problems(spec))
    assert any(message.startswith(expected) for message in found), found


GCP_REFUSES = (
    "Substratus on GCP places a GPU by its type and refuses one without a type: the pod would "
    "never start"
)


@pytest.mark.parametrize(
    ("spec", "cloud", "expected"),
    [
        (
            f"{MODEL}\nservices: [{{name: s, model: m, image: i,"
            " resources: {gpu: {count: 1}}}]",
            "gcp",
            [f"services[0].resources.gpu: {GCP_REFUSES}"],
        ),
        (
            "notebooks: [{name: n, image: i, resources: {gpu: {count: 2}}}]",
            "gcp",
            [f"notebooks[0].resources.gpu: {GCP_REFUSES}"],
        ),
        (
            f"{MODEL}\ndatasets: [{{name: d, substratus: {{image: l}}}}]\n"
            "fineTunes: [{name: t, baseModel: m, dataset: d,"
            " training: {image: i, resources: {gpu: {count: 1}}}}]",
            "gcp",
            [f"fineTunes[0].training.resources.gpu: {GCP_REFUSES}"],
        ),
        (  # typed: placed by its node selector
            "notebooks: [{name: n, image: i, resources: {gpu: {count: 1, type: nvidia-t4}}}]",
            "gcp",
            [],
        ),
        ("notebooks: [{name: n, image: i, resources: {gpu: {count: 1}}}]", "kind", []),
        ("notebooks: [{name: n, image: i, resources: {gpu: {count: 1}}}]", None, []),
    ],
)
def test_the_environments_cloud_decides_a_gpu_without_a_type(
    spec: str, cloud: str | None, expected: list[str]
) -> None:
    """internal/resources/resources.go:39-43 and gpu_info.go:14-47 at upstream 7352fb0."""
    settings = f", cloud: {cloud}" if cloud else ""
    project = instance(spec, "v0.10", settings)
    found, _ = TARGET.compile(project, lone_catalog(project))
    assert messages(list(found)) == expected
