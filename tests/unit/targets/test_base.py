"""The `Target` protocol: every registered target provides each of its members (read from the
protocol itself, so the test follows it as it changes), and declares each output kind once."""

from __future__ import annotations

import inspect

import pytest

from manifold.targets.base import Target
from manifold.targets.registry import all_targets

MEMBERS = sorted(
    {name for name in vars(Target) if not name.startswith("_")} | set(Target.__annotations__)
)


def test_the_protocol_has_members() -> None:
    assert {"name", "output_kinds"} <= set(MEMBERS)


@pytest.mark.parametrize("target", all_targets(), ids=lambda target: target.name)
def test_each_target_provides_every_member(target: Target) -> None:
    missing = [name for name in MEMBERS if not hasattr(target, name)]
    assert missing == []
    for name in MEMBERS:
        wanted = vars(Target).get(name)
        if inspect.isfunction(wanted):
            # The pipeline passes arguments by position: their number is the contract.
            given = inspect.signature(getattr(target, name)).parameters
            expected = list(inspect.signature(wanted).parameters)[1:]  # without self
            assert len(given) == len(expected), name


@pytest.mark.parametrize("target", all_targets(), ids=lambda target: target.name)
def test_each_output_kind_is_declared_once(target: Target) -> None:
    kinds = [(kind.api_version, kind.kind) for kind in target.output_kinds()]
    assert kinds and len(kinds) == len(set(kinds))
    assert all(kind.schema() for kind in target.output_kinds())
