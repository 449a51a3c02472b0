"""The input kinds: each `kind:` a file may give maps to the model whose own `kind` is that name,
and the model reads an example file of it."""

from __future__ import annotations

import pytest

from manifold.models import INPUT_KINDS
from tests.unit.models import corpus


@pytest.mark.parametrize("kind", sorted(INPUT_KINDS))
def test_each_kind_maps_to_its_model(kind: str) -> None:
    model = INPUT_KINDS[kind]
    assert model.__name__ == kind
    assert corpus.instances().get(model), f"no example {kind} in the corpus"
    assert all(getattr(instance, "kind", None) == kind for instance in corpus.instances()[model])


def test_the_kinds() -> None:
    assert sorted(INPUT_KINDS) == ["Environment", "Platform", "Project"]
