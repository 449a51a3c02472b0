"""Every Substratus object manifold renders validates against the real CRD of the API level
its environment runs: ../shared/reference/substratus/crds/ for v0.10 (upstream's last API),
crds/seed-level-6b44ff0/ for v0.3 and crds/legacy-v0.4.0-alpha/ for v0.4.0, read at test
time and made strict the way kubeconform does it (unknown fields fail, the root included).
Objects come from the repository's example, every valid case and the portable project.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from manifold.core.diagnostics import Diagnostics
from manifold.pipeline.commands import load_inputs
from manifold.targets.substratus import LEVELS
from manifold.targets.substratus.kinds import API_VERSION
from manifold.targets.substratus.render import settings_of
from tests.conformance.crds import crd_validators, failures, rendered_objects, repositories
from tests.conftest import SHARED, SHARED_MISSING

CRDS = SHARED / "reference" / "substratus" / "crds"
LEVEL_CRDS = {
    "v0.10": CRDS,
    "v0.3": CRDS / "seed-level-6b44ff0",
    "v0.4.0": CRDS / "legacy-v0.4.0-alpha",
}


@functools.cache
def _validators(level: str) -> dict[tuple[str, str], Any]:
    return crd_validators(sorted(LEVEL_CRDS[level].glob("*.yaml")))


def _levels(root: Path) -> dict[str, str]:
    """The API level each environment of a repository runs."""
    inputs = load_inputs(root, Diagnostics())
    return {
        name: settings_of(environment).api_level
        for name, environment in inputs.environments.items()
    }


Rendered = list[tuple[str, str, dict[str, Any]]]


@pytest.fixture(scope="module")
def substratus_objects(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """(where, API level, object) for every Substratus object rendered in a test."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    objects = []
    for label, root in repositories(tmp_path_factory).items():
        levels = _levels(root)
        for path, body in rendered_objects(root):
            if body.get("apiVersion") == API_VERSION:
                level = levels[path.split("/", 1)[0]]
                objects.append((f"{label}: rendered/{path}", level, body))
    return objects


def test_every_kind_of_every_level_has_a_real_crd(shared: Path) -> None:
    for level, shapes in LEVELS.items():
        emitted = {(API_VERSION, kind) for kind in shapes}
        assert emitted == set(_validators(level)), level


def test_every_kind_of_every_level_is_rendered_somewhere(substratus_objects: Rendered) -> None:
    rendered = {(level, body["kind"]) for _, level, body in substratus_objects}
    expected = {(level, kind) for level, shapes in LEVELS.items() for kind in shapes}
    assert expected <= rendered, expected - rendered


def test_rendered_objects_validate_against_the_crds_of_their_level(
    substratus_objects: Rendered,
) -> None:
    found: list[str] = []
    for where, level, body in substratus_objects:
        validator = _validators(level)[(body["apiVersion"], body["kind"])]
        found.extend(failures(validator, body, f"{where} ({level})"))
    assert not found, "\n".join(found)


def test_the_levels_differ_where_their_kinds_share_a_name(substratus_objects: Rendered) -> None:
    """What makes the levels worth telling apart: an object written for one level is refused
    by the CRD of each other level that has a kind of that name (a Notebook with nothing but
    `suspend` would pass at v0.3 and v0.10 alike, and is not counted)."""
    checked = set()
    for where, level, body in substratus_objects:
        if set(body["spec"]) <= {"suspend"}:
            continue
        for other, shapes in LEVELS.items():
            if other != level and body["kind"] in shapes:
                validator = _validators(other)[(body["apiVersion"], body["kind"])]
                assert failures(validator, body, where), f"{where} is valid at {other} too"
                checked.add((level, body["kind"]))
    shared = {
        (level, kind)
        for level, shapes in LEVELS.items()
        for kind in shapes
        if any(kind in others for other, others in LEVELS.items() if other != level)
    }
    assert checked == shared
