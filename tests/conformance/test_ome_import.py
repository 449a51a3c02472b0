"""`manifold import` is lossless on OME's own objects: all 207 ClusterBaseModels and 207
ClusterServingRuntimes of OME's catalogue (../shared/reference/ome/catalog/) and the
objects of its samples (cluster-scoped ones into a platform file, namespaced ones into a
project file) import, render back (one render of one repository holding all of them)
equal to the originals, and pass the real CRDs of released OME (crds/main).

"Equal" is exact for `apiVersion`, `kind`, `metadata` and `spec`, types included (10 is not
"10"), except the labels manifold sets on every object it renders (app.kubernetes.io/name,
part-of, managed-by, component, manifold.dev/*; see docs/output.md), which an import leaves
out. A third round trip, "samples-labelled", gives every sample object labels and
annotations of its own (and one manifold sets, which is left out), every BenchmarkJob a
dataset, and adds a namespaced copy of a ClusterServingRuntime (the samples have no
ServingRuntime), so each importable kind carries them through. No OME default is ignored:
both sides are compared before an API
server applies the CRDs' defaults (crds/main/full: `protocol: TCP` on container ports,
`operator: Equal` and `weight: 1` on a model's modelFormat...), and manifold writes a
defaulted field exactly where the original writes it, so none appears on one side only.

Beside it, `ome_selection_table.md`: which runtime OME's selector picks for each model.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import pytest

from manifold.core import yaml as yamlio
from manifold.models.labels import manifold_owns
from manifold.models.platform import Platform
from manifold.targets.ome.importing.entries import (
    CLUSTER_SCOPED_IN_PROJECT,
    PLATFORM_KINDS,
    PROJECT_KINDS,
)
from tests.conformance.crds import failures, rendered_objects
from tests.conformance.ome_selection_table import selection_table
from tests.conformance.test_ome_crds import ome_crd_validators
from tests.conftest import SHARED, SHARED_MISSING, run_cli

OME = SHARED / "reference" / "ome"
CATALOG = OME / "catalog"
TABLE = Path(__file__).with_name("ome_selection_table.md")
ENVIRONMENT = """\
apiVersion: manifold.dev/v1alpha1
kind: Environment
metadata:
  name: prod
spec:
  namespace: "{{ project }}"
"""
Key = tuple[str, str]


def _catalogue_groups() -> tuple[list[Path], list[Path]]:
    """OME's catalogue files in two groups that can each be one cluster's: four runtime
    names are each used by two different files (for example srt-mixtral-8x7b-instruct by
    srt/mixtral-8x7b-instruct-rt.yaml and srt/mistralai/mixtral-8x7b-instruct-v0-1-rt.yaml,
    which differ in size range and tensor parallelism), so the second file of each such name,
    in path order, goes into a second repository."""
    first: list[Path] = []
    second: list[Path] = []
    seen: set[Key] = set()
    for file in sorted(CATALOG.rglob("*.yaml")):
        keys = set(_originals([file]))
        (second if keys & seen else first).append(file)
        seen |= keys
    return first, second


def _originals(
    files: list[Path], kinds: Collection[str] = PLATFORM_KINDS
) -> dict[Key, dict[str, Any]]:
    found = {}
    for file in files:
        for body in yamlio.load_all(file.read_text()):
            if body and body.get("kind") in kinds:
                found[(body["kind"], body["metadata"]["name"])] = body
    return found


NOT_RUN_AS_WRITTEN = {("InferenceService", "my-model"): ("spec", "engine", "kedaConfig")}
"""Sample objects OME would not run as written, which the import refuses (at this path), so
that no one takes them as they are: OME's KEDA sample (main_docs_isvc_keda.yaml) writes its
KEDA settings on the engine, where no one reads them (targets/ome/keda.py); the case
ome-sample-keda writes them where OME reads them."""

LABELS = {"example.com/owner": "ml-platform", "tier": "gold"}
ANNOTATIONS = {"example.com/runbook": "https://runbooks.example.com/ome"}
DATASET = {"storageUri": "oci://n/idt/b/datasets/o/prompts", "key": "dataset-credentials"}


def _labelled(body: dict[str, Any]) -> dict[str, Any]:
    """The object with labels and annotations of its own, one label manifold sets (left out
    by the import, set again by the render), and for a benchmark, a dataset."""
    metadata = dict(body["metadata"])
    metadata["labels"] = {**LABELS, "app.kubernetes.io/managed-by": "manifold"}
    metadata["annotations"] = {**metadata.get("annotations", {}), **ANNOTATIONS}
    spec = {**body["spec"], "dataset": DATASET} if body["kind"] == "BenchmarkJob" else body["spec"]
    return {**body, "metadata": metadata, "spec": spec}


def _samples_repository(root: Path, labelled: bool = False) -> dict[Key, dict[str, Any]]:
    """OME's samples as one repository: their cluster-scoped objects imported into the
    platform file, each namespace's objects into a project file of that namespace. Two
    services name catalogue models the samples do not hold (deepseek-v3,
    llama-3-70b-instruct): the platform file declares them `external`, as a team does for
    what is installed by other means."""
    samples = sorted((OME / "samples").glob("main_*.yaml"))
    samples += sorted((OME / "samples").glob("pr5_finetunedweight_*.yaml"))  # a released kind
    objects = {
        key: body
        for key, body in _originals(samples, {*PLATFORM_KINDS, *PROJECT_KINDS}).items()
        if str(body["apiVersion"]).startswith("ome.io/") and key not in NOT_RUN_AS_WRITTEN
    }
    if labelled:
        objects = {key: _labelled(body) for key, body in objects.items()}
        runtime = next(b for b in objects.values() if b["kind"] == "ClusterServingRuntime")
        service = next(b for b in objects.values() if b["kind"] == "InferenceService")
        name = runtime["metadata"]["name"] + "-own"
        metadata = {**runtime["metadata"], "name": name}
        metadata["namespace"] = service["metadata"]["namespace"]
        objects[("ServingRuntime", name)] = {
            **runtime,
            "kind": "ServingRuntime",
            "metadata": metadata,
        }
    by_file: dict[Path, list[Mapping[str, Any]]] = {}
    for body in objects.values():
        namespace = body["metadata"].get("namespace")
        file = Path("projects", f"{namespace}.yaml") if namespace else Path("platform", "ome.yaml")
        by_file.setdefault(file, []).append(body)
    for index, (file, documents) in enumerate(sorted(by_file.items())):
        source = root / f"sample-objects-{index}.yaml"
        source.write_text(yamlio.emit_all(documents))
        result = run_cli("import", str(source), "--to", str(root / file))
        assert result.exit_code == 0, result.stderr
    platform = root / "platform" / "ome.yaml"
    document = yamlio.load_one(platform.read_text())
    models = {body["metadata"]["name"] for body in objects.values() if "Model" in body["kind"]}
    for body in objects.values():
        if body["kind"] == "InferenceService" and body["spec"]["model"]["name"] not in models:
            entry = {"name": body["spec"]["model"]["name"], "source": "hf://x/y", "external": True}
            document["spec"]["models"].append(entry)
    platform.write_text(yamlio.emit(document))
    _stand_ins(root, objects)
    return objects


STAND_IN = "# A stand-in for what the benchmark or fine-tune refers to; not compared.\n"


def _stand_ins(root: Path, objects: Mapping[Key, Mapping[str, Any]]) -> None:
    """What the samples refer to but do not hold, given as a team would give it (rendered,
    then left out of the comparison): a fine-tune's BaseModel in its own project, and the
    project of another namespace whose service a benchmark measures."""
    for body in objects.values():
        spec, namespace = body["spec"], body["metadata"].get("namespace")
        if body["kind"] == "FineTunedWeight":
            reference = spec["baseModelRef"]
            model: dict[str, Any] = {"name": reference["name"], "source": "hf://x/y"}
            own = "namespace" in reference  # a BaseModel of the project, else the cluster's
            if not own:
                model["external"] = True
            file = root / (f"projects/{namespace}.yaml" if own else "platform/ome.yaml")
            document = yamlio.load_one(file.read_text())
            document["spec"].setdefault("models", []).append(model)
            file.write_text((STAND_IN if own else "") + yamlio.emit(document))
        endpoint = spec.get("endpoint", {}) if body["kind"] == "BenchmarkJob" else {}
        service = endpoint.get("inferenceService")
        if service and service.get("namespace", namespace) != namespace:
            project = root / "projects" / f"{service['namespace']}.yaml"
            if not project.exists():
                measured = _measured_project(service["namespace"], service["name"])
                project.write_text(STAND_IN + measured)


def _measured_project(name: str, service: str) -> str:
    return yamlio.emit(
        {
            "apiVersion": "manifold.dev/v1alpha1",
            "kind": "Project",
            "metadata": {"name": name, "team": name},
            "spec": {
                "platform": "ome",
                "services": [
                    # a model and runtime of the samples' platform file
                    {
                        "name": service,
                        "model": "llama-3-1-8b-instruct",
                        "runtime": "vllm-llama-3-1-8b-instruct",
                    }
                ],
            },
        }
    )


class RoundTrip:
    def __init__(self, root: Path, originals: dict[Key, dict[str, Any]], label: str) -> None:
        self.root = root
        self.label = label
        self.originals = originals
        projects = root.glob("projects/*.yaml")
        stand_ins = {path.stem for path in projects if path.read_text().startswith(STAND_IN)}
        self.rendered = {
            (body["kind"], body["metadata"]["name"]): body
            for path, body in rendered_objects(root)
            if str(body.get("apiVersion", "")).startswith("ome.io/")
            and (
                (body["kind"], body["metadata"]["name"]) in originals
                or path.split("/")[1] not in stand_ins
            )
        }


_ROUND_TRIPS: dict[str, RoundTrip] = {}


def _round_trip(label: str, tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    """One import and render of a group of objects, made once per test process."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    if label in _ROUND_TRIPS:
        return _ROUND_TRIPS[label]
    root = tmp_path_factory.mktemp(f"import-{label}")
    (root / "environments").mkdir()
    (root / "environments" / "prod.yaml").write_text(ENVIRONMENT)
    if label.startswith("samples"):
        made = RoundTrip(root, _samples_repository(root, label == "samples-labelled"), label)
    else:
        first, second = _catalogue_groups()
        files = second if label == "catalog-collisions" else first
        to = root / "platform" / "ome.yaml"
        result = run_cli("import", *map(str, files), "--to", str(to))
        assert result.exit_code == 0, result.stderr
        made = RoundTrip(root, _originals(files), label)
    _ROUND_TRIPS[label] = made
    return made


@pytest.fixture(
    scope="module", params=["catalog", "catalog-collisions", "samples", "samples-labelled"]
)
def round_trip(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _round_trip(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    """The catalogue's first group: one runtime per name, so it is one cluster's."""
    return _round_trip("catalog", tmp_path_factory)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    return _round_trip("samples", tmp_path_factory)


def test_the_samples_hold_every_project_kind(samples: RoundTrip) -> None:
    kinds = {kind for kind, _ in samples.originals}
    assert kinds >= {"FineTunedWeight", "BenchmarkJob", "InferenceService", "BaseModel"}


def test_what_ome_would_not_run_as_written_is_refused_where_it_says_so(
    shared: Path, tmp_path: Path
) -> None:
    everything = _originals(sorted((OME / "samples").glob("main_*.yaml")), PROJECT_KINDS)
    for key, path in NOT_RUN_AS_WRITTEN.items():
        source = tmp_path / "object.yaml"
        source.write_text(yamlio.emit(everything[key]))
        result = run_cli("import", str(source), "--to", str(tmp_path / "projects" / "p.yaml"))
        assert result.exit_code == 1
        assert f"{'.'.join(path)}: {key[0]} {key[1]!r}: " in result.stderr
        assert "no one reads" in result.stderr
        assert not (tmp_path / "projects").exists()


def test_the_two_groups_hold_all_207_models_and_207_runtimes(shared: Path) -> None:
    first, second = _catalogue_groups()
    kinds = [kind for file in first + second for kind, _ in _originals([file])]
    assert (kinds.count("ClusterBaseModel"), kinds.count("ClusterServingRuntime")) == (207, 207)
    assert len(second) == 4


def _as_served(body: dict[str, Any]) -> dict[str, Any]:
    """The object as the API server keeps it: OME's FineTunedWeight is cluster-scoped
    (crds/main/full/ome.io_finetunedweights.yaml, `scope: Cluster`), so the namespace its
    sample is written with is not part of it."""
    if body["kind"] not in CLUSTER_SCOPED_IN_PROJECT:
        return body
    metadata = {k: v for k, v in body["metadata"].items() if k != "namespace"}
    return {**body, "metadata": metadata}


def _without_manifold_labels(body: dict[str, Any]) -> dict[str, Any]:
    """The object without the labels manifold sets on every object (see the module
    docstring), and without an empty labels map."""
    metadata = dict(body["metadata"])
    labels = {k: v for k, v in metadata.pop("labels", {}).items() if manifold_owns(k) is None}
    if labels:
        metadata["labels"] = labels
    return {**body, "metadata": metadata}


def test_every_object_renders_back_equal(round_trip: RoundTrip) -> None:
    assert set(round_trip.rendered) == set(round_trip.originals)
    different = []
    for key, original in round_trip.originals.items():
        rendered = _without_manifold_labels(round_trip.rendered[key])
        if rendered != _without_manifold_labels(_as_served(original)):
            different.append(key)
    assert not different, different[:10]


def test_the_labelled_samples_carry_labels_annotations_and_datasets(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    labelled = _round_trip("samples-labelled", tmp_path_factory)
    kinds = {kind for kind, _ in labelled.originals}
    assert kinds == {*PLATFORM_KINDS, *PROJECT_KINDS}
    for body in labelled.rendered.values():
        assert body["metadata"]["labels"].items() >= LABELS.items()
        assert body["metadata"]["annotations"].items() >= ANNOTATIONS.items()
    benchmarks = [body for body in labelled.rendered.values() if body["kind"] == "BenchmarkJob"]
    assert benchmarks and all(body["spec"]["dataset"] == DATASET for body in benchmarks)


def test_every_rendered_object_passes_the_released_crds(round_trip: RoundTrip) -> None:
    validators = ome_crd_validators("main")
    found: list[str] = []
    for key, body in round_trip.rendered.items():
        validator = validators[(body["apiVersion"], body["kind"].lower())]
        found.extend(failures(validator, body, f"{key[0]} {key[1]}"))
    assert not found, "\n".join(found[:20])


def test_the_selection_table_is_up_to_date(catalogue: RoundTrip) -> None:
    platform = Platform.model_validate(
        yamlio.load_one((catalogue.root / "platform" / "ome.yaml").read_text())
    )
    table = selection_table(platform.spec.models, platform.spec.serving_runtimes)
    if os.environ.get("UPDATE_SELECTION_TABLE"):
        TABLE.write_text(table)
    assert TABLE.is_file() and TABLE.read_text() == table, (
        f"{TABLE.name} is out of date: run UPDATE_SELECTION_TABLE=1 .venv/bin/python -m "
        "pytest tests/conformance/test_ome_import.py and review the diff"
    )
