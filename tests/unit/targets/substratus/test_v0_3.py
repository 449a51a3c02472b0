"""Specs at Substratus API level v0.3 (seed 001): models built from git with their size and
compute, fine-tunes trained on a Dataset with whole-number parameters, ModelServers and
Notebooks naming their Model, and one row per rule of what this level cannot take."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.targets.substratus.v0_3 import parameter_count
from tests.unit.targets.substratus.inputs import messages, problems, rendered

GIT = "{git: {url: 'https://example.com/m.git'}}"
MODEL = (
    f"models: [{{name: m, source: 'hf://a/b', parameterSize: 7B, substratus: {{build: {GIT}}}}}]"
)


@pytest.mark.parametrize(
    ("size", "count"),
    [("125M", 125_000_000), ("1.5B", 1_500_000_000), ("7B", 7_000_000_000), ("2T", 2 * 10**12)],
)
def test_parameter_counts(size: str, count: int) -> None:
    assert parameter_count(size) == count


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["K", "M", "B", "T"]))
def test_a_whole_size_counts_its_unit(number: int, unit: str) -> None:
    assert (
        parameter_count(f"{number}{unit}")
        == number * {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}[unit]
    )


def test_compute_follows_the_gpus_its_servers_ask_for() -> None:
    objects = rendered(
        """
datasets:
- name: data
  substratus:
    filename: all.jsonl
models:
- name: big
  source: hf://a/big
  parameterSize: 40B
  substratus:
    build:
      git: {url: "https://example.com/big.git"}
- name: small
  source: hf://a/small
  parameterSize: 125M
  substratus:
    build:
      git: {url: "https://example.com/small.git"}
fineTunes:
- {name: big-tuned, baseModel: big, dataset: data, training: {}}
- {name: small-tuned, baseModel: small, dataset: data, training: {}}
- name: pinned
  baseModel: small
  dataset: data
  training: {}
  substratus: {compute: [CPU, GPU]}
services:
- {name: big, model: big, resources: {gpu: {count: 4}}}
- {name: small, model: small}
- {name: small-tuned, model: small, adapters: [small-tuned], resources: {gpu: {count: 1}}}
""",
        "v0.3",
    )
    compute = {
        name: spec["compute"]["types"] for name, spec in objects.items() if "compute" in spec
    }
    assert compute == {
        "Model/big": ["GPU"],  # its server asks for GPUs
        "Model/small": ["CPU"],
        "Model/big-tuned": ["GPU"],  # its base model's
        "Model/small-tuned": ["GPU"],  # its own server asks for one
        "Model/pinned": ["CPU", "GPU"],  # as given
    }
    assert objects["Model/big-tuned"]["size"] == {"parameterCount": 40_000_000_000}
    assert objects["ModelServer/small-tuned"] == {"modelName": "small-tuned"}


def test_a_model_built_from_git_and_a_notebook_opening_it() -> None:
    objects = rendered(f"{MODEL}\nnotebooks: [{{name: lab, model: m, suspend: true}}]", "v0.3")
    assert objects["Model/m"]["source"] == {"git": {"url": "https://example.com/m.git"}}
    assert objects["Notebook/lab"] == {"modelName": "m", "suspend": True}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "models: [{name: m, source: 'hf://a/b', parameterSize: 7B}]",
            "models[0].source: at Substratus API level v0.3 models are built from git: give "
            "model 'm' substratus.build.git",
        ),
        (
            f"models: [{{name: m, source: 'hf://a/b', substratus: {{build: {GIT}}}}}]",
            "models[0].parameterSize: at Substratus API level v0.3 a Model gives its size: give "
            "model 'm' parameterSize (and substratus.parameterBits)",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, image: i}}]",
            "services[0].image: at Substratus API level v0.3, service 's' runs the image built "
            "for its model: image cannot be given",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, resources: {{cpu: '2'}}}}]",
            "services[0].resources.cpu: at Substratus API level v0.3 a ModelServer has no "
            "resources; service 's' may only ask for GPUs (gpu.count), which make its model's "
            "compute GPU",
        ),
        (
            f"{MODEL}\ndatasets: [{{name: d, substratus: {{filename: f}}}}]\n"
            "notebooks: [{name: lab, model: m, dataset: d}]",
            "notebooks[0].dataset: at Substratus API level v0.3 a Notebook opens a model, not "
            "a dataset (notebook 'lab')",
        ),
        (
            f"{MODEL}\ndatasets: [{{name: d, substratus: {{filename: f}}}}]\n"
            "fineTunes: [{name: t, baseModel: m, dataset: d, training: {},"
            " hyperParameters: {learningRate: 0.1}}]",
            "fineTunes[0].hyperParameters.learningRate: at Substratus API level v0.3 training "
            "takes the whole numbers",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, substratus: {{params: {{a: 1}}}}}}]",
            "services[0].substratus.params: substratus.params belongs to Substratus API level "
            "v0.10, which this environment does not run",
        ),
    ],
)
def test_what_v0_3_refuses(spec: str, expected: str) -> None:
    found = messages(problems(spec, "v0.3"))
    assert any(message.startswith(expected) for message in found), found
