"""Every real OME manifest in ../shared/reference/ome/samples can be written in manifold.

Each valid case lists under `reproduces:` the samples its files express (`ome/samples/<file>`,
see `tests.conformance.samples`); for every ome.io object of those samples, the case renders
an object of the same kind and name whose `spec` equals the sample's. Two readings, both
what OME itself does:

- the legacy `spec.predictor` form is compared as OME's controller migrates it (to
  `spec.model` and `spec.engine`; `protocolVersion` has no successor and is dropped);
- KEDA settings written on a component (OME's KEDA sample puts them on its engine) are
  compared where OME reads them, the InferenceService's `spec.kedaConfig`: OME reconciles
  every component with `KedaConfig: isvc.Spec.KedaConfig` and reads nothing else
  (reconcilers/common/deployment_reconciler.go, ReconcileRawDeployment; see
  `manifold.targets.ome.keda`), so the sample, applied as written, would scale on OME's
  default query;
- nulls are compared as manifold's layer merge reads them (`overlay.without_nulls`): a
  fine-tune's `configuration` (an adapter's, with nulls) is data kept as written, so the
  case writes its nulls and they are compared like any value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.inputs.nulls import without_nulls
from tests.conformance.samples import (
    REFERENCE,
    Rendered,
    assert_every_sample_is_reproduced,
    assert_the_case_renders_the_sample,
    cases_by_sample,
)
from tests.conftest import SHARED, SHARED_MISSING

SAMPLES = REFERENCE / "ome" / "samples"
CASES_BY_SAMPLE = cases_by_sample("ome/samples")
RENDERED = Rendered("ome.io")


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


def _keda_where_read(spec: dict[str, Any]) -> dict[str, Any]:
    """A component's kedaConfig as the InferenceService's (see the module docstring)."""
    moved = dict(spec)
    for part in ("engine", "decoder", "router"):
        if isinstance(moved.get(part), dict) and "kedaConfig" in moved[part]:
            component = dict(moved[part])
            moved.setdefault("kedaConfig", component.pop("kedaConfig"))
            moved[part] = component
    return moved


def test_every_sample_is_reproduced_by_a_case(shared: Path) -> None:
    assert_every_sample_is_reproduced(SAMPLES, CASES_BY_SAMPLE, 22)


@pytest.mark.parametrize("sample", sorted(CASES_BY_SAMPLE))
def test_the_case_renders_the_samples_spec(
    sample: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    case = CASES_BY_SAMPLE[sample]
    rendered = RENDERED.of(case, tmp_path_factory)
    assert_the_case_renders_the_sample(
        SAMPLES,
        sample,
        case,
        rendered,
        "ome.io",
        lambda spec: without_nulls(_keda_where_read(_migrated(spec))),
    )
