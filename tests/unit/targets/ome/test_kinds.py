"""The shapes of OME's models, runtimes and inference services: each kind's schema accepts objects
manifold renders (the example and the valid cases) and refuses them with a field the kind does
not have."""

from __future__ import annotations

from tests.unit.targets import rendered


class TestOmeKinds(rendered.KindsTests):
    module = "manifold.targets.ome.kinds"
