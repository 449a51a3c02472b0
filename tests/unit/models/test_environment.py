"""The environments: selections, defaults and patches: every such model the example and the valid
cases hold reads back as itself from its own data and refuses an unknown key; and its own rules,
row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.environment import JsonPatchOperation
from tests.unit.models import corpus


class TestEnvironmentModels(corpus.CorpusTests):
    module = "manifold.models.environment"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        (JsonPatchOperation, {"op": "add", "path": "/a"}, "operation 'add' needs a value"),
        (JsonPatchOperation, {"op": "move", "path": "/a"}, "operation 'move' needs from"),
        (JsonPatchOperation, {"op": "remove", "path": "a"}, "/"),
        (JsonPatchOperation, {"op": "remove", "path": "/a/0"}, None),
        (JsonPatchOperation, {"op": "add", "path": "/a", "value": None}, None),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    corpus.check_rule(model, data, problem)
