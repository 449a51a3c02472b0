"""OME's rules on an InferenceService against its runtimes as the environment's patches leave
them (`manifold.targets.ome.as_patched`): one rule a row in as_patched.yaml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.compile.overlay import merge_patch
from manifold.core.diagnostics import Position
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.targets.ome import TARGET, as_patched
from tests.unit.helpers import catalog_with_platform, platform_text, project_instance

RULES = yaml.safe_load(Path(__file__).with_name("as_patched.yaml").read_text(encoding="utf-8"))
PATCH = ("environments/dev.yaml", Position(8, 7))


def _compiled(
    runtimes: str, services: str, patch: dict[str, Any] | None = None
) -> tuple[ProjectInstance, Catalog, list[Manifest]]:
    """The project and the platform file compiled; a patch of the platform file's objects is
    known to the project's compilation, as the pipeline knows it (`Catalog.patched`)."""
    spec = RULES["project"] + f"runtimes: {runtimes}\nservices: {services}"
    instance = project_instance("ome", spec)
    catalog = catalog_with_platform(instance, platform_text(RULES["platform"]))
    platform = catalog.platform("ome")
    assert platform is not None
    problems, shared = TARGET.compile_platform(platform, catalog)
    assert not problems and shared is not None, problems
    if patch is not None and any(
        (m.kind, m.name) == (patch["kind"], patch["name"]) for m in shared
    ):
        rendered, final = _patched(shared, patch)
        catalog = replace(catalog, patched={(final.kind, final.name): (rendered, final)})
    problems, compiled = TARGET.compile(instance, catalog)
    assert not problems and compiled is not None, problems
    return instance, catalog, [*compiled, *shared]


def _patched(objects: list[Manifest], patch: dict[str, Any]) -> tuple[Manifest, Manifest]:
    rendered = next(m for m in objects if (m.kind, m.name) == (patch["kind"], patch["name"]))
    return rendered, rendered.with_body(merge_patch(rendered.body, patch["change"]), PATCH)


@pytest.mark.parametrize(
    ("runtimes", "services", "patch", "expected"),
    [
        pytest.param(c["runtimes"], c["services"], c["patch"], c["refusals"], id=c["rule"])
        for c in RULES["cases"]
    ],
)
def test_rule(
    runtimes: str, services: str, patch: dict[str, Any], expected: list[dict[str, str]]
) -> None:
    instance, catalog, objects = _compiled(runtimes, services, patch)
    rendered, final = _patched(objects, patch)
    leaving = replace(catalog, patched={(final.kind, final.name): (rendered, final)})
    found = [
        refusal
        for service in objects
        if service.kind == "InferenceService"
        for refusal in as_patched.dependency_refusals(instance, leaving, service)
    ]
    assert len(found) == len(expected), found
    for refusal, want in zip(found, expected, strict=True):
        assert format_json_path(refusal.path) == want["path"]
        assert refusal.message.startswith(want["starts"]), refusal.message
        assert refusal.owed_to is final


def test_nothing_patched_reads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment that patches no runtime: the rules do not run."""
    instance, catalog, objects = _compiled("[]", "[{name: s, model: m}]")

    def fail(*args: object) -> object:
        raise AssertionError("read again")

    monkeypatch.setattr(as_patched, "_views", fail)
    for service in objects:
        assert as_patched.dependency_refusals(instance, catalog, service) == []
