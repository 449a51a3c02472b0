"""A platform block is a plain mapping to the models, and names who checks it."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from manifold.models.blocks import PlatformBlock, block_of
from manifold.models.project import RunaiOptions, Service

TOY = PlatformBlock("toy", "service")


class _Holder(BaseModel):
    toy: Annotated[dict[str, Any], TOY] | None = None


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (Annotated[dict[str, Any], TOY], TOY),
        (Annotated[dict[str, Any], TOY] | None, TOY),
        (RunaiOptions | None, PlatformBlock("runai", "service")),
        (dict[str, Any], None),
        (int | None, None),
    ],
)
def test_block_of(annotation: Any, expected: PlatformBlock | None) -> None:
    assert block_of(annotation) == expected


def test_a_block_reads_any_mapping() -> None:
    assert _Holder.model_validate({"toy": {"anything": 1}}).toy == {"anything": 1}


def test_services_hold_the_runai_block() -> None:
    assert block_of(Service.model_fields["runai"].annotation) == PlatformBlock("runai", "service")
