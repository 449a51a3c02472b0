"""Every real Substratus manifest in ../shared/reference/substratus/samples can be written
in manifold: the 12 of API level v0.3 (`seed-level-6b44ff0/`, what seed 001 documents) and
those of the current API.

Each valid case lists under `reproduces:` the samples its files express
(`substratus/samples/<file>`); for every object of those samples, the case renders an object
of the same kind and name whose `spec` equals the sample's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.samples import (
    REFERENCE,
    Rendered,
    assert_every_sample_is_reproduced,
    assert_the_case_renders_the_sample,
    cases_by_sample,
)
from tests.conftest import SHARED, SHARED_MISSING

SAMPLES = REFERENCE / "substratus" / "samples"
CASES_BY_SAMPLE = cases_by_sample("substratus/samples")
RENDERED = Rendered("substratus.ai")


def test_every_sample_is_reproduced_by_a_case(shared: Path) -> None:
    assert_every_sample_is_reproduced(SAMPLES, CASES_BY_SAMPLE, 23)


@pytest.mark.parametrize("sample", sorted(CASES_BY_SAMPLE))
def test_the_case_renders_the_samples_spec(
    sample: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    case = CASES_BY_SAMPLE[sample]
    rendered = RENDERED.of(case, tmp_path_factory)
    assert_the_case_renders_the_sample(SAMPLES, sample, case, rendered, "substratus.ai")
