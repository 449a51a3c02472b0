"""A project's jobs as OME objects (`manifold.targets.ome.jobs`): a fine-tune's TrainingJob
and FineTunedWeight (linked to each other), a benchmark's BenchmarkJob with the entry's pod
fields as its podOverride, replications and inference graphs."""

from __future__ import annotations

import pytest

from manifold.core.manifest import Manifest
from manifold.targets.ome.jobs import TRAINING_JOB_PREFIX, render, training_job_name
from tests.unit.helpers import lone_catalog, project_instance

PROJECT = """
models: [{name: m, source: "hf://a/b"}]
datasets: [{name: d, source: "s3://data/d"}]
services: [{name: s, model: m, image: i}]
fineTunes:
- {name: tuned, baseModel: m, dataset: d, type: LoRA, source: "s3://out/tuned",
   training: {runtime: tr}}
- {name: given, baseModel: m, type: LoRA, source: "s3://out/given"}
benchmarks:
- {name: load, target: {service: s}, task: text-to-text, maxTimePerIteration: 10,
   maxRequestsPerIteration: 5, output: {uri: "s3://b/p"}, image: "bench:1",
   env: [{name: RATE, value: "5"}]}
- {name: remote, target: {url: "http://x.example.com", apiFormat: openai}, task: text-to-text,
   maxTimePerIteration: 10, maxRequestsPerIteration: 5, output: {uri: "s3://b/p"}}
replications:
- {name: copy, source: {uri: "oci://a/b/c/"}, destination: {uri: "s3://d/e"}}
"""


@pytest.fixture(scope="module")
def rendered() -> dict[str, Manifest]:
    instance = project_instance("ome", PROJECT)
    return {f"{m.kind}/{m.name}": m for m in render(instance, lone_catalog(instance))}


@pytest.mark.parametrize(
    ("fine_tune", "job"),
    [("tuned", "ft-tuned"), ("ft-tuned", "ft-tuned"), ("left", "ft-left"), ("f", "ft-f")],
)
def test_a_training_job_is_named_with_omes_prefix_once(fine_tune: str, job: str) -> None:
    assert training_job_name(fine_tune) == job
    assert training_job_name(fine_tune).startswith(TRAINING_JOB_PREFIX)


def test_each_job_is_one_object_with_its_component(rendered: dict[str, Manifest]) -> None:
    assert {name: m.component for name, m in rendered.items()} == {
        "TrainingJob/ft-tuned": "training",
        "FineTunedWeight/tuned": "weights",
        "FineTunedWeight/given": "weights",
        "BenchmarkJob/load": "benchmark",
        "BenchmarkJob/remote": "benchmark",
        "ReplicationJob/copy": "replication",
    }
    assert rendered["TrainingJob/ft-tuned"].spec_path == ("fineTunes", 0, "training")


def test_trained_weights_name_their_training_job(rendered: dict[str, Manifest]) -> None:
    trained = rendered["FineTunedWeight/tuned"].body["spec"]
    assert trained["trainingJobRef"] == {"name": "ft-tuned", "namespace": "demo-dev"}
    assert trained["baseModelRef"] == {"name": "m", "namespace": "demo-dev"}
    assert (trained["modelType"], trained["storage"]) == ("LoRA", {"storageUri": "s3://out/tuned"})
    assert "trainingJobRef" not in rendered["FineTunedWeight/given"].body["spec"]


def test_a_benchmark_targets_a_service_or_a_url(rendered: dict[str, Manifest]) -> None:
    load = rendered["BenchmarkJob/load"].body["spec"]
    assert load["endpoint"] == {"inferenceService": {"name": "s", "namespace": "demo-dev"}}
    assert load["podOverride"] == {"image": "bench:1", "env": [{"name": "RATE", "value": "5"}]}
    assert (load["maxTimePerIteration"], load["maxRequestsPerIteration"]) == (10, 5)
    remote = rendered["BenchmarkJob/remote"].body["spec"]
    assert remote["endpoint"] == {
        "endpoint": {"url": "http://x.example.com", "apiFormat": "openai"}
    }
    assert "podOverride" not in remote


def test_a_replication_copies_between_storages(rendered: dict[str, Manifest]) -> None:
    assert rendered["ReplicationJob/copy"].body["spec"] == {
        "source": {"storageUri": "oci://a/b/c/"},
        "destination": {"storageUri": "s3://d/e"},
    }
