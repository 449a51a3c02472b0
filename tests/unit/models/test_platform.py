"""The platform files: shared models and runtimes, GPU types, tenancy: every such model the example
and the valid cases hold reads back as itself from its own data and refuses an unknown key; and
its own rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.platform import GpuType
from tests.unit.models import corpus


class TestPlatformModels(corpus.CorpusTests):
    module = "manifold.models.platform"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        (GpuType, {"name": "a100"}, "GPU type 'a100' says nowhere to run"),
        (GpuType, {"name": "a100", "nodeType": "x"}, None),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    corpus.check_rule(model, data, problem)
