"""What each command is asked: frozen values with the CLI's defaults, so a command cannot
change its own options and two runs with the same flags get equal options."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from manifold.core import options

ALL = [
    value
    for value in vars(options).values()
    if isinstance(value, type)
    and dataclasses.is_dataclass(value)
    and value.__module__ == options.__name__
]


@pytest.mark.parametrize("kind", ALL, ids=lambda kind: kind.__name__)
def test_every_options_object_is_frozen(kind: type) -> None:
    assert kind.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_defaults() -> None:
    root = Path("repo")
    assert options.RenderOptions(root) == options.RenderOptions(root, (), 120.0)
    validate = options.ValidateOptions(root)
    assert (validate.kubeconform, validate.strict, validate.paths) == ("auto", False, ())
    diff = options.DiffOptions(root)
    assert (diff.base, diff.format, diff.exit_code) == ("main", "text", False)


def test_options_cannot_be_changed() -> None:
    render = options.RenderOptions(Path("repo"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        render.environments = ("dev",)  # type: ignore[misc]
