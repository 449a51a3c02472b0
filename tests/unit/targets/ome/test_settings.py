"""`spec.platforms.ome`: the API level (v0.1 by default) and which kinds a cluster at each
level lacks (released OME's eight CRDs at v0.1; PR #5's other kinds only at full)."""

from __future__ import annotations

import pytest

from manifold.core import modelcheck
from manifold.targets.ome import kinds, kinds_jobs, kinds_platform
from manifold.targets.ome.settings import DEFAULT, RELEASED_KINDS, OmeSettings, level_lacks
from tests.unit.targets import rendered

FULL = OmeSettings(api_level="full")
EVERY_KIND = {
    kind
    for module in (kinds, kinds_jobs, kinds_platform)
    for kind in rendered.declared_kinds(module)
}


def test_the_default_level_is_released_ome() -> None:
    assert DEFAULT.api_level == "v0.1"
    assert len(RELEASED_KINDS) == 8 and RELEASED_KINDS <= EVERY_KIND


@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_which_kinds_each_level_lacks(kind: str) -> None:
    assert level_lacks(kind, DEFAULT) is (kind not in RELEASED_KINDS)
    assert not level_lacks(kind, FULL)


@pytest.mark.parametrize(
    ("data", "fine"),
    [({}, True), ({"apiLevel": "full"}, True), ({"apiLevel": "v0.2"}, False), ({"x": 1}, False)],
)
def test_settings(data: dict[str, object], fine: bool) -> None:
    _, problems = modelcheck.validate(OmeSettings, data)
    assert (not problems) is fine
