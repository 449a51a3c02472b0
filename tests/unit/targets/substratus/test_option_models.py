"""Substratus's own options: builds, loaders, fine-tunes: every such model the example and the
valid cases hold reads back as itself from its own data and refuses an unknown key; its own
rules, row by row; and each entry's block read as the model of its site."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.blocks import block_of
from manifold.models.lifecycle import Dataset, FineTune, Notebook
from manifold.models.platform import SharedModel
from manifold.models.project import Model, Service
from manifold.targets.registry import get_target
from manifold.targets.substratus.option_models import (
    SITE_MODELS,
    GitBuild,
    SubstratusDataset,
    SubstratusFineTune,
    SubstratusModel,
    SubstratusWorkload,
    options_of,
)
from tests.unit.models import corpus


class TestSubstratusModels(corpus.CorpusTests):
    module = "manifold.targets.substratus.option_models"


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


@pytest.mark.parametrize(
    ("entry", "block", "expected"),
    [
        (Model, {"compute": ["GPU"]}, SubstratusModel),
        (SharedModel, {"parameterBits": 16}, SubstratusModel),
        (Dataset, {"filename": "data.jsonl"}, SubstratusDataset),
        (FineTune, {"compute": ["CPU"]}, SubstratusFineTune),
        (Service, {"params": {"a": 1}}, SubstratusWorkload),
        (Notebook, {"params": {"a": 1}}, SubstratusWorkload),
    ],
)
def test_an_entry_reads_its_block_as_the_model_of_its_site(
    entry: type[BaseModel], block: dict[str, Any], expected: type[BaseModel]
) -> None:
    item = entry.model_construct(substratus=block)
    options = options_of(item)  # type: ignore[call-overload]
    assert type(options) is expected
    assert options.model_dump(by_alias=True, exclude_unset=True) == block


def test_an_entry_without_a_block_has_no_options() -> None:
    assert options_of(Model.model_construct(name="m", source="hf://a/b")) is None


def test_the_target_names_a_model_for_every_substratus_block() -> None:
    sites = {
        block.site
        for model in (Model, Dataset, FineTune, Service, Notebook)
        if (block := block_of(model.model_fields["substratus"].annotation)) is not None
    }
    assert sites == set(SITE_MODELS) and get_target("substratus").options == SITE_MODELS
