"""`manifold import` is lossless on OME's own objects: all 207 ClusterBaseModels and 207
ClusterServingRuntimes of OME's catalogue (../shared/reference/ome/catalog/) and the
objects of its samples (cluster-scoped ones into a platform file, namespaced ones into a
project file) import, render back (one render of one repository holding all of them)
equal to the originals, and pass the real CRDs of released OME (crds/main).

"Equal" is exact for `apiVersion`, `kind`, `metadata.name` (and `namespace`) and `spec`,
types included (10 is not "10"). The one thing left out is `metadata.labels`, which
manifold adds to every object it renders (app.kubernetes.io/*, manifold.dev/*; see
docs/output.md) and the imported objects do not have (the import refuses objects with
labels of their own). No OME default is ignored: both sides are compared before an API
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
from manifold.models.platform import Platform
from manifold.targets.ome.importing.entries import PLATFORM_KINDS, PROJECT_KINDS
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


def _samples_repository(root: Path) -> dict[Key, dict[str, Any]]:
    """OME's samples as one repository: their cluster-scoped objects imported into the
    platform file, each namespace's objects into a project file of that namespace. Two
    services name catalogue models the samples do not hold (deepseek-v3,
    llama-3-70b-instruct): the platform file declares them `external`, as a team does for
    what is installed by other means."""
    samples = sorted((OME / "samples").glob("main_*.yaml"))
    objects = {
        key: body
        for key, body in _originals(samples, {*PLATFORM_KINDS, *PROJECT_KINDS}).items()
        if str(body["apiVersion"]).startswith("ome.io/")
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
    return objects


class RoundTrip:
    def __init__(self, root: Path, originals: dict[Key, dict[str, Any]], label: str) -> None:
        self.root = root
        self.label = label
        self.originals = originals
        self.rendered = {
            (body["kind"], body["metadata"]["name"]): body
            for _, body in rendered_objects(root)
            if str(body.get("apiVersion", "")).startswith("ome.io/")
        }


@pytest.fixture(scope="module", params=["catalog", "catalog-collisions", "samples"])
def round_trip(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    root = tmp_path_factory.mktemp(f"import-{request.param}")
    (root / "environments").mkdir()
    (root / "environments" / "prod.yaml").write_text(ENVIRONMENT)
    if request.param == "samples":
        return RoundTrip(root, _samples_repository(root), request.param)
    first, second = _catalogue_groups()
    files = second if request.param == "catalog-collisions" else first
    to = root / "platform" / "ome.yaml"
    result = run_cli("import", *map(str, files), "--to", str(to))
    assert result.exit_code == 0, result.stderr
    return RoundTrip(root, _originals(files), request.param)


def test_the_two_groups_hold_all_207_models_and_207_runtimes(shared: Path) -> None:
    first, second = _catalogue_groups()
    kinds = [kind for file in first + second for kind, _ in _originals([file])]
    assert (kinds.count("ClusterBaseModel"), kinds.count("ClusterServingRuntime")) == (207, 207)
    assert len(second) == 4


def test_every_object_renders_back_equal(round_trip: RoundTrip) -> None:
    assert set(round_trip.rendered) == set(round_trip.originals)
    different = []
    for key, original in round_trip.originals.items():
        rendered = dict(round_trip.rendered[key])
        rendered["metadata"] = {
            k: v for k, v in rendered["metadata"].items() if k != "labels"
        }  # manifold's own labels, see the module docstring
        if rendered != original:
            different.append(key)
    assert not different, different[:10]


def test_every_rendered_object_passes_the_released_crds(round_trip: RoundTrip) -> None:
    validators = ome_crd_validators("main")
    found: list[str] = []
    for key, body in round_trip.rendered.items():
        validator = validators[(body["apiVersion"], body["kind"].lower())]
        found.extend(failures(validator, body, f"{key[0]} {key[1]}"))
    assert not found, "\n".join(found[:20])


def test_the_selection_table_is_up_to_date(round_trip: RoundTrip) -> None:
    if round_trip.label != "catalog":
        pytest.skip("the table is of the catalogue (its first group: one runtime per name)")
    platform = Platform.model_validate(
        yamlio.load_one((round_trip.root / "platform" / "ome.yaml").read_text())
    )
    table = selection_table(platform.spec.models, platform.spec.serving_runtimes)
    if os.environ.get("UPDATE_SELECTION_TABLE"):
        TABLE.write_text(table)
    assert TABLE.is_file() and TABLE.read_text() == table, (
        f"{TABLE.name} is out of date: run UPDATE_SELECTION_TABLE=1 .venv/bin/python -m "
        "pytest tests/conformance/test_ome_import.py and review the diff"
    )
