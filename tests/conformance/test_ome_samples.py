"""Every real OME manifest in ../shared/reference/ome/samples can be written in manifold.

Each valid case lists under `reproduces:` the samples its files express; for every ome.io
object of those samples, the case renders an object of the same kind and name whose `spec`
equals the sample's. Two readings, both what OME itself does:

- the legacy `spec.predictor` form is compared as OME's controller migrates it (to
  `spec.model` and `spec.engine`; `protocolVersion` has no successor and is dropped);
- a null inside a free-form object (an adapter's configuration) is compared as absent: in
  manifold files a null removes a key, and the consumers of those objects read both alike.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from manifold import yamlio
from manifold.pipeline import build
from tests.casefolders import Case, cases
from tests.conftest import SHARED, SHARED_MISSING

SAMPLES = SHARED / "reference" / "ome" / "samples"
CASES_BY_SAMPLE: dict[str, Case] = {
    sample: case for case in cases("valid") for sample in case.spec.get("reproduces", ())
}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _migrated(spec: dict[str, Any]) -> dict[str, Any]:
    """A legacy `spec.predictor` as OME's predictor migration rewrites it."""
    predictor = spec.get("predictor")
    if predictor is None:
        return spec
    migrated = {k: v for k, v in spec.items() if k != "predictor"}
    legacy_model = predictor.get("model") or {}
    model: dict[str, Any] = {"name": legacy_model["baseModel"]}
    if legacy_model.get("fineTunedWeights"):
        model["fineTunedWeights"] = legacy_model["fineTunedWeights"]
    migrated["model"] = model
    if legacy_model.get("runtime"):
        migrated["runtime"] = {"name": legacy_model["runtime"]}
    engine = {k: predictor[k] for k in ("minReplicas", "maxReplicas") if k in predictor}
    if engine:
        migrated["engine"] = engine
    return migrated


@functools.cache
def _rendered(case_name: str, root: Path) -> dict[tuple[str, str], dict[str, Any]]:
    built, diagnostics = build(root)
    assert not diagnostics.has_errors, diagnostics.sorted()
    objects: dict[tuple[str, str], dict[str, Any]] = {}
    for text in built.files.values():
        for document in yamlio.load_all(text):
            if str(document.get("apiVersion", "")).startswith("ome.io/"):
                objects[(document["kind"], document["metadata"]["name"])] = document
    return objects


def test_every_sample_is_reproduced_by_a_case(shared: Path) -> None:
    samples = {path.name for path in SAMPLES.glob("*.yaml")}
    assert len(samples) == 22
    assert samples == set(CASES_BY_SAMPLE), {
        "not reproduced": sorted(samples - set(CASES_BY_SAMPLE)),
        "not a sample": sorted(set(CASES_BY_SAMPLE) - samples),
    }


@pytest.mark.parametrize("sample", sorted(CASES_BY_SAMPLE))
def test_the_case_renders_the_samples_spec(
    sample: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    case = CASES_BY_SAMPLE[sample]
    root = _materialized(case, tmp_path_factory)
    rendered = _rendered(case.name, root)
    documents = [
        document
        for document in yamlio.load_all((SAMPLES / sample).read_text())
        if document and str(document.get("apiVersion", "")).startswith("ome.io/")
    ]
    assert documents
    for document in documents:
        key = (document["kind"], document["metadata"]["name"])
        assert key in rendered, f"{case.name} renders no {key[0]} {key[1]!r}"
        expected = _without_nulls(_migrated(document["spec"]))
        assert rendered[key]["spec"] == expected


_MATERIALIZED: dict[str, Path] = {}


def _materialized(case: Case, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if case.name not in _MATERIALIZED:
        _MATERIALIZED[case.name] = case.materialize(tmp_path_factory.mktemp(case.name))
    return _MATERIALIZED[case.name]
