"""The shapes of Substratus's kinds at API level v0.3: each kind's schema accepts objects manifold
renders (the example and the valid cases) and refuses them with a field the kind does not have."""

from __future__ import annotations

from tests.unit.targets import rendered


class TestSubstratusKindsV03(rendered.KindsTests):
    module = "manifold.targets.substratus.kinds_v03"
