"""The target platforms manifold knows, by the name a project's `spec.platform` gives.

Adding a platform is one entry in `manifold.core.platform_table.PLATFORMS` (its name and its
package, whose `TARGET` is a `manifold.targets.base.Target`); nothing else names a platform.
A platform with settings per environment (an API level, a control plane's address and ids...)
also names the module whose `SETTINGS` model checks `spec.platforms.<platform>` of
environment files, and one with commands of its own the module of its click group. Modules
are imported on first use.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

from manifold.core.platform_table import PLATFORMS

if TYPE_CHECKING:
    from pydantic import BaseModel

    from manifold.models.blocks import PlatformBlock
    from manifold.targets.base import Target

_MODULES = PLATFORMS  # the same dict: an entry added there is known here

_SETTINGS: dict[str, str] = {
    "ome": "manifold.targets.ome.settings",
    "runai": "manifold.targets.runai.settings",
    "substratus": "manifold.targets.substratus.settings",
}

_COMMANDS: dict[str, tuple[str, str]] = {
    "runai": (
        "manifold.targets.runai.commands",
        "NVIDIA Run:ai: send rendered/<env>/_runai/ to the control plane, and watch it.",
    ),
}
"""Platforms with commands of their own: the module whose `group(run)` gives the click group
the CLI mounts as `manifold <platform> ...`, and the first line of that group's help, which
`manifold --help` lists without importing the platform (a test holds the two equal)."""

assert set(_SETTINGS) <= set(_MODULES), "settings for a platform the registry does not know"


def command_groups() -> dict[str, str]:
    """The module of each platform's command group, by the group's name."""
    return {name: module for name, (module, _) in _COMMANDS.items()}


def command_summaries() -> dict[str, str]:
    """The first line of each platform's command group's help, by the group's name."""
    return {name: summary for name, (_, summary) in _COMMANDS.items()}


def platform_names() -> tuple[str, ...]:
    return tuple(_MODULES)


@functools.cache
def get_target(name: str) -> Target:
    module = importlib.import_module(_MODULES[name])
    target: Target = module.TARGET
    return target


def option_model(block: PlatformBlock) -> type[BaseModel]:
    """The model the block's platform checks a project's block with (`Target.options`)."""
    return get_target(block.platform).options[block.site]


def effective_rules(name: str) -> Any:
    """The module with the platform's merge rules (`workloads(objects)`), by convention
    `<platform package>.effective`: what the platform will run, from its rendered objects."""
    return importlib.import_module(f"{_MODULES[name]}.effective")


def all_targets() -> list[Target]:
    return [get_target(name) for name in _MODULES]


@functools.cache
def settings_model(name: str) -> type[BaseModel] | None:
    """The model of an environment's `spec.platforms.<name>`; None for platforms without."""
    if name not in _SETTINGS:
        return None
    model: type[BaseModel] = importlib.import_module(_SETTINGS[name]).SETTINGS
    return model


def settings_models() -> dict[str, type[BaseModel]]:
    return {name: model for name in _MODULES if (model := settings_model(name)) is not None}
