"""Substratus's own options: builds, loaders, fine-tunes: every such model the example and the
valid cases hold reads back as itself from its own data and refuses an unknown key; and its own
rules, row by row."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.substratus import GitBuild
from tests.unit.models import corpus


class TestSubstratusModels(corpus.CorpusTests):
    module = "manifold.models.substratus"


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
    corpus.check_rule(model, data, problem)
