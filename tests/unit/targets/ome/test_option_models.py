"""OME's own options (`ome:` of benchmarks, trainings, fine-tunes, replications, dedicated
clusters and reservations): every such model the example and the valid cases hold reads back
as itself and refuses an unknown key; each entry's block reads as the model of its site."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from manifold.models.benchmarks import Benchmark
from manifold.models.blocks import block_of
from manifold.models.capacity import DedicatedCluster, Reservation
from manifold.models.lifecycle import FineTune, Replication, Training
from manifold.targets.ome.option_models import (
    SITE_MODELS,
    OmeBenchmark,
    OmeDedicatedCluster,
    OmeFineTune,
    OmeReplication,
    OmeReservation,
    OmeTraining,
    options_of,
)
from manifold.targets.registry import get_target
from tests.unit.models import corpus

ENTRIES = (Benchmark, DedicatedCluster, Reservation, Training, FineTune, Replication)


class TestOmeModels(corpus.CorpusTests):
    module = "manifold.targets.ome.option_models"


@pytest.mark.parametrize(
    ("entry", "block", "expected"),
    [
        (Benchmark, {"resultFolderName": "run-1"}, OmeBenchmark),
        (DedicatedCluster, {"capacityReservationId": "ocid1.r"}, OmeDedicatedCluster),
        (Reservation, {"compartmentID": "ocid1.c"}, OmeReservation),
        (
            Training,
            {
                "hyperParameterTuning": {
                    "method": "grid",
                    "metric": {"name": "loss", "goal": "minimize"},
                    "parameters": {},
                }
            },
            OmeTraining,
        ),
        (FineTune, {"trainingJobRef": {"name": "ft-x", "namespace": "ml"}}, OmeFineTune),
        (Replication, {"compartmentID": "ocid1.c"}, OmeReplication),
    ],
)
def test_an_entry_reads_its_block_as_the_model_of_its_site(
    entry: type[BaseModel], block: dict[str, Any], expected: type[BaseModel]
) -> None:
    options = options_of(entry.model_construct(ome=block))  # type: ignore[call-overload]
    assert type(options) is expected
    assert options.model_dump(by_alias=True, exclude_unset=True) == block


@pytest.mark.parametrize("entry", ENTRIES)
def test_an_entry_without_a_block_has_no_options(entry: type[BaseModel]) -> None:
    assert options_of(entry.model_construct(ome=None)) is None  # type: ignore[call-overload]


def test_the_target_names_a_model_for_every_ome_block() -> None:
    sites = {
        block.site
        for model in ENTRIES
        if (block := block_of(model.model_fields["ome"].annotation)) is not None
    }
    assert sites == set(SITE_MODELS) and get_target("ome").options == SITE_MODELS
