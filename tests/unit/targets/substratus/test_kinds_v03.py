"""The shapes of Substratus's kinds at API level v0.3: each kind's schema accepts objects manifold
renders (the example and the valid cases) and refuses them with a field the kind does not have."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.substratus import kinds_v03
from tests.unit.targets import rendered

KINDS = rendered.declared_kinds(kinds_v03)


def test_the_module_declares_kinds() -> None:
    assert KINDS


@pytest.mark.parametrize(("kind", "shape"), sorted(KINDS.items()), ids=sorted(KINDS))
def test_rendered_objects_of_each_kind_match_it_strictly(kind: str, shape: Any) -> None:
    accepted = rendered.accepted(shape, kind)
    assert accepted, f"no rendered {kind} matches {shape.__name__}"
    assert all(rendered.refuses_an_unknown_field(shape, body) for body in accepted)
