"""The inference pipelines: nodes, steps and their destinations: every such model the example and
the valid cases hold reads back as itself from its own data and refuses an unknown key; and its
own rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.core import modelcheck
from manifold.models.pipelines import PipelineStep
from tests.unit.models import corpus

MODULE = "manifold.models.pipelines"
CLASSES = corpus.strict_classes(MODULE)


def test_the_corpus_holds_models_of_this_module() -> None:
    assert CLASSES, f"no input file uses a model of {MODULE}"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_model_reads_back_as_itself(cls: type[BaseModel]) -> None:
    assert all(corpus.round_trips(model) for model in corpus.instances()[cls])


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_model_refuses_an_unknown_key(cls: type[BaseModel]) -> None:
    assert corpus.refuses_unknown_keys(corpus.instances()[cls][0])


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
    _, problems = modelcheck.validate(model, data)
    messages = [p.message for p in problems]
    if problem is None:
        assert messages == []
    else:
        assert any(problem in message for message in messages), messages
