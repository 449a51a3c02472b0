"""FineTunedWeight and BenchmarkJob into a project's fineTunes and benchmarks: the entries
they become, what is refused at which field, and that each renders back equal
(`manifold.targets.ome.importing.entries.entry_of` renders it again with
`manifold.targets.ome.jobs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.commands.importing.command import import_objects
from manifold.core import yaml as yamlio
from manifold.core.errors import ProblemsFound
from manifold.core.options import ObjectImportOptions
from manifold.targets.ome.importing.components import Unsupported
from manifold.targets.ome.importing.entries import entry_of, null_in

WEIGHT = {
    "apiVersion": "ome.io/v1beta1",
    "kind": "FineTunedWeight",
    "metadata": {"name": "lora"},
    "spec": {
        "baseModelRef": {"name": "base"},
        "modelType": "LoraAdapter",
        "hyperParameters": {"learning_rate": 0.0001},
        "storage": {"storageUri": "s3://adapters/lora", "path": "/adapters/lora"},
    },
}
BENCHMARK = {
    "apiVersion": "ome.io/v1beta1",
    "kind": "BenchmarkJob",
    "metadata": {"name": "load", "namespace": "team"},
    "spec": {
        "endpoint": {"inferenceService": {"name": "chat", "namespace": "team"}},
        "task": "text-to-text",
        "maxTimePerIteration": 10,
        "maxRequestsPerIteration": 50,
        "outputLocation": {"storageUri": "s3://results/load"},
    },
}


def _with(body: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {**body, "spec": {**body["spec"], **spec}}


@pytest.mark.parametrize(
    ("body", "entry"),
    [
        (
            WEIGHT,
            {
                "name": "lora",
                "baseModel": "base",
                "type": "LoraAdapter",
                "hyperParameters": {"learning_rate": 0.0001},
                "source": "s3://adapters/lora",
                "storage": {"path": "/adapters/lora"},
            },
        ),
        (
            _with(WEIGHT, compartmentID="ocid1", trainingJobRef={"name": "run"}),
            {"ome": {"trainingJobRef": {"name": "run"}, "compartmentID": "ocid1"}},
        ),
        (
            _with(WEIGHT, baseModelRef={"name": "base", "namespace": "team"}),
            {"baseModel": "base"},  # the project's own BaseModel
        ),
        (
            BENCHMARK,
            {
                "name": "load",
                "target": {"service": "chat"},
                "task": "text-to-text",
                "maxTimePerIteration": 10,
                "maxRequestsPerIteration": 50,
                "output": {"uri": "s3://results/load"},
            },
        ),
        (
            _with(BENCHMARK, endpoint={"inferenceService": {"name": "chat", "namespace": "b"}}),
            {"target": {"service": "chat", "project": "b"}},  # the project named after it
        ),
        (
            _with(
                BENCHMARK,
                numConcurrency=[1, 2],
                additionalRequestParams={"temperature": "0.0"},
                podOverride={"image": "bench:1", "nodeSelector": {"pool": "cpu"}},
                huggingFaceSecretReference={"name": "hf"},
                resultFolderName="run-1",
            ),
            {
                "concurrency": [1, 2],
                "requestParams": {"temperature": "0.0"},
                "image": "bench:1",
                "nodeSelector": {"pool": "cpu"},
                "ome": {"huggingFaceSecret": "hf", "resultFolderName": "run-1"},
            },
        ),
    ],
    ids=[
        "weights",
        "weights with OME's own fields",
        "weights of the project's BaseModel",
        "benchmark of a service",
        "benchmark of another namespace's service",
        "benchmark with pod settings",
    ],
)
def test_an_object_becomes_an_entry_that_renders_it_back(
    body: dict[str, Any], entry: dict[str, Any]
) -> None:
    imported = entry_of(body, "team")
    assert imported.entry.items() >= entry.items()


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        (
            _with(WEIGHT, baseModelRef={"name": "base", "namespace": "other"}),
            ("spec", "baseModelRef", "namespace"),
            "another namespace",
        ),
        (_with(WEIGHT, storage={"path": "/x"}), ("spec", "storage"), "without storageUri"),
        (_with(WEIGHT, unknownField=1), ("spec", "unknownField"), "FineTunedWeight field"),
        (
            _with(WEIGHT, hyperParameters={"rate": None}),
            ("spec",),
            "null at hyperParameters.rate",
        ),
        (_with(BENCHMARK, dataset={"path": "/d"}), ("spec", "dataset"), "without storageUri"),
        (
            _with(BENCHMARK, podOverride={"priorityClassName": "x"}),
            ("spec", "podOverride", "priorityClassName"),
            "podOverride field",
        ),
        (
            _with(BENCHMARK, endpoint={"inferenceService": {"name": "a"}, "endpoint": {}}),
            ("spec", "endpoint"),
            "one inferenceService or one endpoint",
        ),
    ],
    ids=[
        "a base model of another namespace",
        "weights without a storage URI",
        "an unknown weights field",
        "a null the layer merge would drop",
        "a benchmark's dataset without a storage URI",
        "a pod override field manifold lacks",
        "two endpoints",
    ],
)
def test_refusals_name_the_field(body: dict[str, Any], path: tuple[Any, ...], message: str) -> None:
    with pytest.raises(Unsupported) as raised:
        entry_of(body, "team")
    assert raised.value.path == path
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("dataset", "entry"),
    [
        ({"storageUri": "s3://d"}, {"name": "load", "source": "s3://d"}),
        (
            {"storageUri": "oci://n/b/o/d", "key": "creds", "downloadPolicy": "AlwaysDownload"},
            {
                "name": "load",
                "source": "oci://n/b/o/d",
                "storage": {"credentialsSecret": "creds", "downloadPolicy": "AlwaysDownload"},
            },
        ),
    ],
    ids=["a storage URI", "with storage options"],
)
def test_a_benchmark_dataset_becomes_a_project_dataset_it_names(
    dataset: dict[str, Any], entry: dict[str, Any]
) -> None:
    imported = entry_of(_with(BENCHMARK, dataset=dataset), "team")
    assert imported.entry["dataset"] == imported.name
    assert imported.companions == (("datasets", {**entry, "name": imported.name}),)


def test_a_fine_tune_configuration_keeps_its_nulls() -> None:
    configuration = {"peft_type": "LORA", "revision": None, "nested": {"x": None}}
    imported = entry_of(_with(WEIGHT, configuration=configuration), "team")
    assert imported.entry["configuration"] == configuration
    assert null_in(imported.entry) is None
    assert null_in({"a": [{"b": None}]}) == ("a", 0, "b")


def _import(root: Path, *bodies: dict[str, Any]) -> str:
    (root / "ome").mkdir()
    (root / "ome" / "objects.yaml").write_text(yamlio.emit_all(list(bodies)))
    options = ObjectImportOptions(root, (Path("ome"),), Path("projects/team.yaml"), False)
    import_objects(options)
    return (root / "projects" / "team.yaml").read_text()


def test_cluster_scoped_weights_join_the_namespace_they_are_imported_with(tmp_path: Path) -> None:
    project = yamlio.load_one(_import(tmp_path, WEIGHT, BENCHMARK))
    assert project["metadata"]["name"] == "team"
    assert [e["name"] for e in project["spec"]["fineTunes"]] == ["lora"]
    assert [e["name"] for e in project["spec"]["benchmarks"]] == ["load"]


def test_weights_alone_are_a_project_named_after_the_file(tmp_path: Path) -> None:
    assert yamlio.load_one(_import(tmp_path, WEIGHT))["metadata"]["name"] == "team"


def test_weights_do_not_go_into_a_platform_file(tmp_path: Path) -> None:
    model = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "ClusterBaseModel",
        "metadata": {"name": "base"},
        "spec": {"storage": {"storageUri": "hf://org/base"}},
    }
    with pytest.raises(ProblemsFound) as raised:
        _import(tmp_path, model, WEIGHT)
    (problem,) = raised.value.diagnostics
    assert problem.path == ("kind",) and "one file holds" in problem.message
    assert not (tmp_path / "projects").exists()


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"task": "text-to-embeddings"}, ("spec", "trafficScenarios"), "default scenarios"),
        ({"trafficScenarios": ["E(64,1)"]}, ("spec", "trafficScenarios", 0), "does not fit"),
        (
            {"additionalRequestParams": {"temperature": "nan"}},
            ("spec", "additionalRequestParams", "temperature"),
            "not a finite number",
        ),
        (
            {"additionalRequestParams": {"ignore_eos": "yes"}},
            ("spec", "additionalRequestParams", "ignore_eos"),
            "'true' or 'false'",
        ),
    ],
)
def test_what_render_refuses_in_a_benchmark_the_import_refuses_at_its_field(
    tmp_path: Path, fields: dict[str, Any], path: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ProblemsFound) as raised:
        _import(tmp_path, _with(BENCHMARK, **fields))
    (problem,) = raised.value.diagnostics
    assert problem.path == path and message in problem.message
    assert not (tmp_path / "projects").exists()
