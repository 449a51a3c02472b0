"""The shared pieces: names, resources, replicas: every such model the example and the
valid cases hold reads back as itself from its own data and refuses an unknown key; and its own
rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.common import Replicas
from tests.unit.models import corpus


class TestCommonModels(corpus.CorpusTests):
    module = "manifold.models.common"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        (Replicas, {"min": 3, "max": 2}, "min (3) is greater than max (2)"),
        (Replicas, {"min": 0, "max": 1}, None),
        (Replicas, {"min": 1, "max": 0}, "must be at least 1, got 0"),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    corpus.check_rule(model, data, problem)
