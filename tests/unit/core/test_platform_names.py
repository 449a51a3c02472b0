"""The names `spec.platform` may give: one list, which the models check and the registry maps,
so each side is tested against it."""

from __future__ import annotations

from typing import get_args

import pytest

from manifold.core.platform_names import PlatformName
from manifold.schemas.store import input_schemas
from manifold.targets.registry import get_target

NAMES = get_args(PlatformName)


def test_the_platforms() -> None:
    assert NAMES == ("ome", "runai", "substratus")


@pytest.mark.parametrize("name", NAMES)
def test_every_name_has_a_target(name: str) -> None:
    assert get_target(name).name == name


def test_the_project_schema_offers_exactly_these_names() -> None:
    schema = input_schemas()["Project"]
    text = str(schema)
    assert all(f"'{name}'" in text for name in NAMES)
