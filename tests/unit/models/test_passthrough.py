"""`omeSpec`: OME fields manifold has no field for, refused when manifold renders them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from manifold.models.platform import SharedModel
from manifold.models.runtimes import SharedServingRuntime
from manifold.targets.ome.runtimes import serving_runtime_spec

SUPPORTS = [{"format": {"name": "safetensors"}, "framework": {"name": "transformers"}}]


def test_a_runtime_passes_its_pod_fields_through_into_the_spec() -> None:
    runtime = SharedServingRuntime.model_validate(
        {"name": "rt", "supports": SUPPORTS, "omeSpec": {"tolerations": [{"operator": "Exists"}]}}
    )
    assert serving_runtime_spec(runtime)["tolerations"] == [{"operator": "Exists"}]


@pytest.mark.parametrize(
    ("model", "body", "message"),
    [
        (SharedServingRuntime, {"name": "rt", "supports": SUPPORTS}, "engineConfig"),
        (SharedModel, {"name": "m", "source": "hf://a/b"}, "storage"),
    ],
    ids=["runtime", "model"],
)
def test_a_field_manifold_renders_is_refused(
    model: type[BaseModel], body: dict[str, Any], message: str
) -> None:
    key = "engineConfig" if model is SharedServingRuntime else "storage"
    with pytest.raises(ValidationError, match=f"omeSpec may not set {message}"):
        model.model_validate({**body, "omeSpec": {key: {}}})
