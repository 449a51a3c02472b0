"""Where a refusal points: at the service's own field when the service sets it, else at its
runtime, which the field came from."""

from __future__ import annotations

import pytest

from manifold.targets.runai.refusals import Refusals
from tests.unit.targets.runai.inputs import MODEL, instance


def _refusals(service: str) -> Refusals:
    [given] = instance(f"{MODEL}\nservices: [{service}]").spec.services
    return Refusals(given, ("services", 0))


@pytest.mark.parametrize(
    ("service", "field", "path", "suffix"),
    [
        (
            "{name: s, model: m, image: i, readinessProbe: {exec: {}}}",
            "readinessProbe",
            ("services", 0, "readinessProbe"),
            "",
        ),
        (
            "{name: s, model: m, runtime: {image: i}}",
            "readinessProbe",
            ("services", 0, "runtime"),
            " (its runtime sets readinessProbe)",
        ),
        ("{name: s, model: m, image: i}", "image", ("services", 0, "image"), ""),
        # A field named in its camelCase alias counts as the service's own.
        (
            "{name: s, model: m, runtime: {image: i}, nodeSelector: {a: b}}",
            "nodeSelector",
            ("services", 0, "nodeSelector"),
            "",
        ),
        (
            "{name: s, model: m, runtime: {image: i}, nodeSelector: {a: b}}",
            "tolerations",
            ("services", 0, "runtime"),
            " (its runtime sets tolerations)",
        ),
    ],
)
def test_a_refusal_points_where_the_field_was_set(
    service: str, field: str, path: tuple[object, ...], suffix: str
) -> None:
    refusals = _refusals(service)
    refusals.add(field, "no", hint="do this")
    [problem] = refusals.found
    assert (problem.path, problem.message, problem.hint) == (path, f"no{suffix}", "do this")


def test_refusals_keep_their_order() -> None:
    refusals = _refusals("{name: s, model: m, image: i}")
    for field in ("b", "a", "c"):
        refusals.add(field, field)
    assert [p.message for p in refusals.found] == ["b", "a", "c"]
