"""The JSON Schemas editors use (schemas/manifold.dev/) accept every project and platform file
manifold accepts (the repository's example and every valid case), overrides included, and
refuse an unknown field inside an override."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from manifold.core import yaml as yamlio
from manifold.schemas.store import input_schemas
from tests.casefolders import cases
from tests.conftest import CASES, REPO_ROOT

FOLDERS = {"projects": "Project", "platform": "Platform"}


def _inputs() -> list[tuple[str, Path]]:
    roots = [REPO_ROOT, *(CASES / "bases").iterdir(), *(case.folder for case in cases("valid"))]
    found: list[tuple[str, Path]] = []
    for root in roots:
        for folder, kind in FOLDERS.items():
            found.extend((kind, path) for path in sorted((root / folder).glob("*.yaml")))
    return found


INPUTS = _inputs()


@functools.cache
def _validator(kind: str) -> Any:
    return jsonschema_rs.validator_for(input_schemas()[kind])


@pytest.mark.parametrize(
    ("kind", "path"), INPUTS, ids=[str(p.relative_to(REPO_ROOT)) for _, p in INPUTS]
)
def test_editor_schema_accepts_what_manifold_accepts(kind: str, path: Path) -> None:
    document = yamlio.load_one(path.read_text())
    assert [error.message for error in _validator(kind).iter_errors(document)] == []


@pytest.mark.parametrize("kind", ["Project", "Platform"])
def test_an_unknown_field_in_an_override_is_refused(kind: str) -> None:
    example = "projects/chat-assistant.yaml" if kind == "Project" else "platform/ml-platform.yaml"
    document: dict[str, Any] = yamlio.load_one((REPO_ROOT / example).read_text())
    broken = copy.deepcopy(document)
    broken["spec"]["environments"]["dev"]["replicaz"] = 1
    assert list(_validator(kind).iter_errors(document)) == []
    assert list(_validator(kind).iter_errors(broken))
