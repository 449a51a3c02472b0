"""The names `spec.platform` may give: one table, which the models check a name against (with
the message a Literal would give), the editor schemas offer as an enum, and the registry maps."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from manifold.core.platform_names import PLATFORMS, PlatformName
from manifold.schemas.store import input_schemas
from manifold.targets.registry import get_target

NAMES = tuple(PLATFORMS)


def test_the_platforms() -> None:
    assert NAMES == ("ome", "runai", "substratus")
    assert all(package == f"manifold.targets.{name}" for name, package in PLATFORMS.items())


@pytest.mark.parametrize("name", NAMES)
def test_every_name_is_accepted_and_has_a_target(name: str) -> None:
    assert TypeAdapter(PlatformName).validate_python(name) == name
    assert get_target(name).name == name


def test_an_unknown_name_is_refused_with_the_names() -> None:
    with pytest.raises(ValidationError, match="'ome', 'runai' or 'substratus'"):
        TypeAdapter(PlatformName).validate_python("kserve")


def test_the_schema_offers_exactly_these_names() -> None:
    assert TypeAdapter(PlatformName).json_schema() == {"enum": list(NAMES), "type": "string"}
    assert all(f"'{name}'" in str(input_schemas()["Project"]) for name in NAMES)
