"""The datasets, fine-tunes, notebooks and replications: every such model the example and the valid
cases hold reads back as itself from its own data and refuses an unknown key; and its own rules,
row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.lifecycle import FineTune
from tests.unit.models import corpus


class TestLifecycleModels(corpus.CorpusTests):
    module = "manifold.models.lifecycle"


@pytest.mark.parametrize(
    ("model", "data", "problem"),
    [
        (
            FineTune,
            {"name": "ft", "baseModel": "m"},
            "a fine-tune is trained (training) or already exists (source)",
        ),
        (FineTune, {"name": "ft", "baseModel": "m", "training": {}}, "training needs a dataset"),
        (FineTune, {"name": "ft", "baseModel": "m", "source": "s3://b/w"}, "weights need a type"),
        (FineTune, {"name": "ft", "baseModel": "m", "source": "s3://b/w", "type": "LoRA"}, None),
    ],
)
def test_rules(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    corpus.check_rule(model, data, problem)
