"""OME's rules after a step of the environment (`manifold.targets.ome.final`): one rule a row
in final.yaml: a project's services, the step applied to the InferenceService the target
rendered, and each refusal `final_refusals` gives (path, how its message begins, and the
annotation it is owed to when no patch changed the object)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from manifold.compile.overlay import merge_patch
from manifold.core.diagnostics import Position
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.targets.ome import TARGET, final
from manifold.targets.ome.final import final_refusals
from tests.unit.helpers import lone_catalog, project_instance

RULES = yaml.safe_load(Path(__file__).with_name("final.yaml").read_text(encoding="utf-8"))
PATCH = ("environments/dev.yaml", Position(8, 7))


def _cases() -> list[Any]:
    return [
        pytest.param(
            case["services"],
            case.get("object", "InferenceService"),
            case["patched"],
            case["change"],
            case["refusals"],
            id=case["rule"],
        )
        for case in RULES["cases"]
    ]


def _rendered_object(services: str, kind: str = "InferenceService") -> tuple[Any, Any, Manifest]:
    instance = project_instance("ome", RULES["common"] + f"services: {services}")
    catalog = lone_catalog(instance)
    problems, compiled = TARGET.compile(instance, catalog)
    assert not problems and compiled is not None, problems
    return instance, catalog, next(m for m in compiled if m.kind == kind)


@pytest.mark.parametrize(("services", "kind", "patched", "change", "expected"), _cases())
def test_rule(
    services: str, kind: str, patched: bool, change: Any, expected: list[dict[str, str]]
) -> None:
    instance, catalog, rendered = _rendered_object(services, kind)
    final = rendered.with_body(merge_patch(rendered.body, change), PATCH if patched else None)
    found = final_refusals(instance, catalog, rendered, final)
    assert len(found) == len(expected), found
    for refusal, want in zip(found, expected, strict=True):
        assert format_json_path(refusal.path) == want["path"]
        assert refusal.message.startswith(want["starts"]), refusal.message
        assert refusal.annotation == want.get("annotation")


def test_an_unchanged_object_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most objects: neither patched nor given an OME annotation. The rules do not run."""
    instance, catalog, rendered = _rendered_object("[{name: s, model: m, runtime: rt}]")

    def fail(*args: object) -> object:
        raise AssertionError("read again")

    monkeypatch.setattr(final, "_refusals", fail)
    assert final.final_refusals(instance, catalog, rendered, rendered) == []


def test_a_refusal_the_object_had_before_the_step_is_not_the_steps() -> None:
    """Annotations first, then patches: what the annotations made wrong is theirs, and the
    patch after them is not blamed for it again."""
    instance, catalog, rendered = _rendered_object(
        "[{name: s, model: m, runtime: rt, replicas: {min: 1, max: 3}, "
        "autoscaling: {metric: cpu, target: 70}}]"
    )
    utilization = {"metadata": {"annotations": {"ome.io/targetUtilizationPercentage": "60"}}}
    annotated = rendered.with_body(merge_patch(rendered.body, utilization))
    scrape = {"spec": {"engine": {"annotations": {"prometheus.io/scrape": "true"}}}}
    patched = annotated.with_body(merge_patch(annotated.body, scrape), PATCH)
    assert [r.annotation for r in final_refusals(instance, catalog, rendered, annotated)] == [
        "ome.io/targetUtilizationPercentage"
    ]
    assert final_refusals(instance, catalog, annotated, patched) == []
