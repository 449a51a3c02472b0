"""The target platforms manifold knows, by the name a project's `spec.platform` gives.

Adding a platform is one entry here and one module implementing `manifold.targets.base.Target`;
nothing else in the pipeline names a platform. Modules are imported on first use.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from manifold.targets.base import Target

PlatformName = Literal["ome"]

_MODULES: dict[str, str] = {
    "ome": "manifold.targets.ome",
}

assert set(_MODULES) == set(get_args(PlatformName)), "registry and PlatformName disagree"


def platform_names() -> tuple[str, ...]:
    return tuple(_MODULES)


@functools.cache
def get_target(name: str) -> Target:
    module = importlib.import_module(_MODULES[name])
    target: Target = module.TARGET
    return target


def all_targets() -> list[Target]:
    return [get_target(name) for name in _MODULES]
