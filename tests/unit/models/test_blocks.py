"""A platform block is a plain mapping to the models, and names who checks it."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from manifold.models.blocks import PlatformBlock, block_of, read_block
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


class _Colour(BaseModel):
    colour: str


class _Plain(BaseModel):
    toy: dict[str, Any] | None = None


def test_read_block_reads_a_block_as_the_model_of_its_site() -> None:
    models = {"service": _Colour}
    assert read_block(_Holder(toy={"colour": "red"}), "toy", models) == _Colour(colour="red")
    assert read_block(_Holder(), "toy", models) is None


def test_read_block_refuses_a_field_that_is_no_block() -> None:
    with pytest.raises(TypeError, match="not a platform block"):
        read_block(_Plain(toy={}), "toy", {"service": _Colour})
