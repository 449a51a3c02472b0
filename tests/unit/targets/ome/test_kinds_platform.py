"""The shapes of OME's platform kinds: accelerators, tenancy, capacity: each kind's schema accepts
objects manifold renders (the example and the valid cases) and refuses them with a field the
kind does not have."""

from __future__ import annotations

from tests.unit.targets import rendered


class TestOmeKindsPlatform(rendered.KindsTests):
    module = "manifold.targets.ome.kinds_platform"
