"""The JSON Schema editors get for environments accepts the platform settings manifold
accepts in the repository's example and the valid cases. An environment file is a layer (a
child sets only what it changes, null removes) and platform settings are checked in full
only once merged, so their schema requires nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from manifold.core import yaml as yamlio
from manifold.schemas.store import input_schemas
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


# --------------------------------------------------------------------------- descriptions


def _properties(node: object, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (place, property name, property schema) of a schema, through every keyword."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _properties(item, f"{where}[{index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    yield where, name, sub
                    yield from _properties(sub, f"{where}.{name}")
            elif key not in ("default", "const", "enum", "examples"):
                yield from _properties(value, f"{where}/{key}")


def _one_sentence_line(text: str) -> bool:
    """What an editor shows whole in a hover: one line that ends as a sentence does."""
    return bool(text.strip()) and "\n" not in text and text.rstrip().endswith((".", "?", "!"))


def _titles(node: object) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _titles(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                yield value
            elif key == "properties" and isinstance(value, dict):
                for sub in value.values():
                    yield from _titles(sub)
            else:
                yield from _titles(value)


@pytest.mark.parametrize("kind", sorted(input_schemas()))
def test_every_property_of_an_input_schema_says_what_it_is(kind: str) -> None:
    schema = input_schemas()[kind]
    found = list(_properties(schema, kind))
    assert len(found) > 50
    undescribed = [f"{where}.{name}" for where, name, sub in found if not sub.get("description")]
    assert undescribed == []
    unfinished = [
        f"{where}.{name}: {sub['description']!r}"
        for where, name, sub in found
        if not _one_sentence_line(sub["description"])
    ]
    assert unfinished == []


@pytest.mark.parametrize("kind", sorted(input_schemas()))
def test_no_title_joins_alternatives(kind: str) -> None:
    assert [title for title in _titles(input_schemas()[kind]) if "||" in title] == []


@pytest.mark.parametrize(
    ("description", "fine"),
    [
        ("Number of nodes.", True),
        ("Number of nodes; at most 8.", True),
        ("Number of\nnodes.", False),
        ("Number of nodes", False),
        ("Number of nodes (at most", False),
        ("", False),
    ],
)
def test_a_description_must_be_one_finished_line(description: str, fine: bool) -> None:
    assert _one_sentence_line(description) is fine
