"""The capacity: dedicated clusters, flavors, resource groups and reservations: every such model
the example and the valid cases hold reads back as itself from its own data and refuses an
unknown key."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from tests.unit.models import corpus

MODULE = "manifold.models.capacity"
CLASSES = corpus.strict_classes(MODULE)


def test_the_corpus_holds_models_of_this_module() -> None:
    assert CLASSES, f"no input file uses a model of {MODULE}"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_model_reads_back_as_itself(cls: type[BaseModel]) -> None:
    assert all(corpus.round_trips(model) for model in corpus.instances()[cls])


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_model_refuses_an_unknown_key(cls: type[BaseModel]) -> None:
    assert corpus.refuses_unknown_keys(corpus.instances()[cls][0])
