"""The options of `manifold runai apply` and `status`: their defaults are the ones the
commands show in --help, so that calling the functions directly behaves like the CLI."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
import pytest

from manifold.core.options import OutputFormat
from manifold.core.outcome import Outcome
from manifold.targets.runai import commands
from manifold.targets.runai.command_options import RunaiApplyOptions, RunaiStatusOptions


def _never_run(action: Callable[[], Outcome], fmt: OutputFormat) -> NoReturn:
    raise AssertionError("the commands are only looked at here")


def _cli_defaults(command: click.Command) -> dict[str, Any]:
    """What each option of `command` is when not given (a flag: off)."""
    context = click.Context(command)
    return {
        param.name: param.get_default(context) for param in command.params if param.name is not None
    }


@pytest.mark.parametrize(
    ("options", "command"), [(RunaiApplyOptions, "apply"), (RunaiStatusOptions, "status")]
)
def test_defaults_match_the_commands(options: type[Any], command: str) -> None:
    group = commands.group(_never_run)
    shown = _cli_defaults(group.commands[command])
    defaulted = {
        field.name: field.default
        for field in dataclasses.fields(options)
        if field.default is not dataclasses.MISSING
    }
    assert defaulted, options
    assert {name: shown[name] for name in defaulted} == defaulted


def test_options_are_values() -> None:
    options = RunaiApplyOptions(Path("repo"), "dev")
    assert options == RunaiApplyOptions(Path("repo"), "dev", False, None, 30.0, 600.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.timeout = 1.0  # type: ignore[misc]
    assert hash(RunaiStatusOptions(Path("repo"), "dev")) == hash(
        RunaiStatusOptions(Path("repo"), "dev")
    )
