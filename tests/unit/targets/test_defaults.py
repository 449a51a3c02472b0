"""Environment defaults fill gaps below a service's runtime (targets/defaults.py).

OME merges the InferenceService's runner over the runtime's with a strategic merge, key by
key (pkg/controller/v1beta1/inferenceservice/utils/merging.go:20-54, MergeRuntimeContainers,
at sgl-project/ome 17b77ed), so whatever manifold renders on the service wins.
"""

from __future__ import annotations

from typing import Any

import pytest

from manifold.models.common import Resources
from manifold.targets.defaults import below_runtime

RUNTIME = Resources.model_validate({"cpu": "10", "memory": "40Gi"})

CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    # (what, merged service resources, what the project wrote, expected)
    ("defaults under the runtime go", {"cpu": "2", "memory": "8Gi"}, {}, {}),
    (
        "the project's own value stays",
        {"cpu": "2", "memory": "64Gi"},
        {"memory": "64Gi"},
        {"memory": "64Gi"},
    ),
    (
        "a default the runtime does not name stays",
        {"cpu": "2", "ephemeral_storage": "20Gi"},
        {},
        {"ephemeral_storage": "20Gi"},
    ),
    (
        "a default request of a named resource goes",
        {"requests": {"cpu": "1", "x/y": "1"}},
        {},
        {"requests": {"x/y": "1"}},
    ),
    (
        "a GPU the project asks for stays",
        {"cpu": "2", "gpu": {"count": 1}},
        {"gpu": {"count": 1}},
        {"gpu": {"count": 1}},
    ),
]


@pytest.mark.parametrize(
    ("merged", "own", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_below_runtime(
    merged: dict[str, Any], own: dict[str, Any], expected: dict[str, Any]
) -> None:
    result = below_runtime(Resources.model_validate(merged), own, RUNTIME)
    assert result is not None
    assert result.model_dump(exclude_none=True) == Resources.model_validate(expected).model_dump(
        exclude_none=True
    )


def test_without_a_known_runtime_defaults_stay() -> None:
    merged = Resources.model_validate({"cpu": "2"})
    assert below_runtime(merged, {}, None) is merged
