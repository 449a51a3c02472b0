"""The `Target`: every registered platform's is one, with each of its functions set, and
declares each output kind once with a schema."""

from __future__ import annotations

import dataclasses

import pytest

from manifold.targets.base import Target
from manifold.targets.registry import all_targets


@pytest.mark.parametrize("target", all_targets(), ids=lambda target: target.name)
def test_each_platform_is_a_target_with_every_function(target: Target) -> None:
    assert isinstance(target, Target)
    for field in dataclasses.fields(Target):
        value = getattr(target, field.name)
        if field.name in ("name", "accelerators"):
            assert isinstance(value, str) and value
        elif field.name == "options":
            assert all(isinstance(site, str) for site in value), field.name
        elif field.name != "service_defaults":
            assert callable(value), field.name


@pytest.mark.parametrize("target", all_targets(), ids=lambda target: target.name)
def test_each_output_kind_is_declared_once(target: Target) -> None:
    kinds = [(kind.api_version, kind.kind) for kind in target.output_kinds()]
    assert kinds and len(kinds) == len(set(kinds))
    assert all(kind.schema() for kind in target.output_kinds())
