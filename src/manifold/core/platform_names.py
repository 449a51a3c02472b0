"""The names a project's `spec.platform` may give. The models check them and the target
registry (`manifold.targets.registry`) maps each to its package; the name lives here, below
both, so that the models need import no target."""

from __future__ import annotations

from typing import Literal

PlatformName = Literal["ome", "runai", "substratus"]
