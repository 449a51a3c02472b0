"""The JSON Schema editors get for environments accepts the platform settings manifold
accepts in the repository's example and the valid cases. An environment file is a layer (a
child sets only what it changes, null removes) and platform settings are checked in full
only once merged, so their schema requires nothing."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from manifold import yamlio
from manifold.schemastore import input_schemas
from tests.conftest import CASES, REPO_ROOT

FILES = sorted(
    path
    for path in [
        *(REPO_ROOT / "environments").glob("*.yaml"),
        *(CASES / "valid").glob("*/environments/*.yaml"),
        *(CASES / "portable").glob("environments/*.yaml"),
    ]
    if "platforms" in yamlio.load_one(path.read_text())["spec"]
)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO_ROOT)) for p in FILES])
def test_platform_settings_match_the_editor_schema(path: Path) -> None:
    document = yamlio.load_one(path.read_text())
    schema = input_schemas()["Environment"]
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(document)]
    assert errors == []


def test_there_are_files_with_platform_settings_of_every_shape() -> None:
    texts = [path.read_text() for path in FILES]
    assert any("extends:" in text and "baseUrl" not in text for text in texts)
    assert any("projectIds: null" in text for text in texts)


def test_platform_settings_refuse_unknown_keys_in_editors() -> None:
    schema = input_schemas()["Environment"]
    document = {
        "apiVersion": "manifold.dev/v1alpha1",
        "kind": "Environment",
        "metadata": {"name": "dev"},
        "spec": {"platforms": {"runai": {"baseURL": "https://x"}, "ome": {"apiLevel": "v2"}}},
    }
    errors = sorted(e.message for e in jsonschema.Draft7Validator(schema).iter_errors(document))
    assert len(errors) == 2
    assert all("is not valid under any of the given schemas" in error for error in errors)
    assert any(error.startswith("{'apiLevel': 'v2'}") for error in errors)
