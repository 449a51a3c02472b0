"""The Substratus's own options: builds, loaders, fine-tunes: every such model the example and the
valid cases hold reads back as itself from its own data and refuses an unknown key; and its own
rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.core import modelcheck
from manifold.models.substratus import GitBuild
from tests.unit.models import corpus

MODULE = "manifold.models.substratus"
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
        (
            GitBuild,
            {"url": "https://github.com/a/b", "branch": "main", "tag": "v1"},
            "a build checks out a branch or a tag, not both",
        ),
        (GitBuild, {"url": "https://github.com/a/b", "tag": "v1"}, None),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    _, problems = modelcheck.validate(model, data)
    messages = [p.message for p in problems]
    if problem is None:
        assert messages == []
    else:
        assert any(problem in message for message in messages), messages
