"""Where a refusal points: at the service's own field when the service sets it, else at its
runtime, which the field came from."""

from __future__ import annotations

import pytest

from manifold.targets.runai.refusals import Refusals
from tests.unit.targets.runai.inputs import MODEL, instance


def _refusals(service: str) -> Refusals:
    [given] = instance(f"{MODEL}\nservices: [{service}]").spec.services
    return Refusals(given, ("services", 0))


S = "name: s, model: m"


@pytest.mark.parametrize(
    ("service", "field", "at"),
    [
        (f"{{{S}, image: i, readinessProbe: {{exec: {{}}}}}}", "readinessProbe", "readinessProbe"),
        (f"{{{S}, runtime: {{image: i}}}}", "readinessProbe", "runtime"),
        (f"{{{S}, image: i}}", "image", "image"),
        # A field set under its camelCase alias counts as the service's own.
        (f"{{{S}, runtime: {{image: i}}, nodeSelector: {{a: b}}}}", "nodeSelector", "nodeSelector"),
        (f"{{{S}, runtime: {{image: i}}, nodeSelector: {{a: b}}}}", "tolerations", "runtime"),
    ],
)
def test_a_refusal_points_where_the_field_was_set(service: str, field: str, at: str) -> None:
    refusals = _refusals(service)
    refusals.add(field, "no", hint="do this")
    [problem] = refusals.found
    suffix = f" (its runtime sets {field})" if at == "runtime" else ""
    assert (problem.path, problem.message, problem.hint) == (
        ("services", 0, at),
        f"no{suffix}",
        "do this",
    )


def test_refusals_keep_their_order() -> None:
    refusals = _refusals("{name: s, model: m, image: i}")
    for field in ("b", "a", "c"):
        refusals.add(field, field)
    assert [p.message for p in refusals.found] == ["b", "a", "c"]
