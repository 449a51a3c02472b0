"""Click parameters every command group shares, the platforms' own groups too (`manifold
runai ...`): the repository root, the report format, durations in seconds."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    _FloatParameter = click.ParamType[float]
else:  # click made ParamType generic in 8.5; older releases cannot be subscripted
    _FloatParameter = click.ParamType


class Seconds(_FloatParameter):
    """A duration in seconds: a finite number in a range (click's FloatRange lets `nan` and
    `inf` through, and a wait of `nan` seconds never ends)."""

    name = "seconds"

    def __init__(self, *, positive: bool, most: float = 7 * 24 * 3600) -> None:
        self.positive = positive
        self.most = most

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        low = "above 0" if self.positive else "0 or more"
        if not math.isfinite(seconds) or seconds < 0 or (self.positive and seconds == 0):
            self.fail(f"{value!r} is not a number of seconds {low}", param, ctx)
        if seconds > self.most:
            self.fail(f"{value!r} is more than {self.most:.0f} seconds", param, ctx)
        return seconds


root_option = click.option(
    "-C",
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Repository root: the folder holding projects/ and environments/.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How problems are reported.",
)


def existing_root(root: Path) -> Path:
    if not root.is_dir():
        raise click.BadParameter(f"{root} is not a folder", param_hint="--root")
    return root
