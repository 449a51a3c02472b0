"""The inference pipelines: nodes, steps and their destinations: every such model the example and
the valid cases hold reads back as itself from its own data and refuses an unknown key; and its
own rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.pipelines import PipelineStep
from tests.unit.models import corpus


class TestPipelinesModels(corpus.CorpusTests):
    module = "manifold.models.pipelines"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        (PipelineStep, {"name": "s"}, "a step goes to exactly one of service, url or node"),
        (
            PipelineStep,
            {"name": "s", "service": "a", "node": "b"},
            "a step goes to exactly one of service, url or node",
        ),
        (PipelineStep, {"name": "s", "service": "a"}, None),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    corpus.check_rule(model, data, problem)
