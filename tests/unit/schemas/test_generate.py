"""Generated schemas: draft-07 for editors, partial overrides, structural CRDs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, Field

from manifold.core import yaml as yamlio
from manifold.schemas.generate import model_schema, variants_schema
from manifold.schemas.store import SchemaStore, generated_files, input_schemas


def _walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        found.append((path, node))
        for key, value in node.items():
            found.extend(_walk(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_walk(value, f"{path}/{index}"))
    return found


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    return input_schemas()


def test_input_schemas_are_draft_07(schemas: dict[str, dict[str, Any]]) -> None:
    for schema in schemas.values():
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "$defs" not in schema
        refs = [n["$ref"] for _, n in _walk(schema) if "$ref" in n]
        assert refs and all(ref.startswith("#/definitions/") for ref in refs)


def test_project_schema_accepts_partial_overrides_and_nulls(
    schemas: dict[str, dict[str, Any]],
) -> None:
    validator = jsonschema_rs.validator_for(schemas["Project"])
    project: dict[str, Any] = {
        "apiVersion": "manifold.dev/v1alpha1",
        "kind": "Project",
        "metadata": {"name": "demo", "team": "ai"},
        "spec": {
            "platform": "ome",
            "models": [{"name": "m", "source": "hf://a/b"}],
            "services": [{"name": "chat", "model": "m"}],
            "environments": {
                "prod": {"services": [{"name": "chat", "replicas": {"max": 3}, "router": None}]}
            },
        },
    }
    assert validator.is_valid(project)
    project["spec"]["environments"]["prod"]["services"][0]["replicaz"] = 1
    assert not validator.is_valid(project)
    project["spec"]["environments"]["prod"] = {"services": [{"replicas": {"max": 3}}]}
    assert not validator.is_valid(project), "named list items need their name"


def test_unknown_fields_fail_in_input_schemas(schemas: dict[str, dict[str, Any]]) -> None:
    validator = jsonschema_rs.validator_for(schemas["Environment"])
    environment: dict[str, Any] = {
        "apiVersion": "manifold.dev/v1alpha1",
        "kind": "Environment",
        "metadata": {"name": "dev"},
        "spec": {"namespace": "x"},
    }
    assert validator.is_valid(environment)
    environment["spec"]["namespaces"] = "x"
    assert not validator.is_valid(environment)


def _crds() -> list[dict[str, Any]]:
    return [
        yamlio.load_one(text)
        for path, text in generated_files().items()
        if path.startswith("crds/")
    ]


@pytest.mark.parametrize("crd", _crds(), ids=lambda c: c["metadata"]["name"])
def test_crds_are_structural(crd: dict[str, Any]) -> None:
    """What the API server demands of a CRD schema: a type on every node (or an explicit
    exemption), no $ref, no additionalProperties beside properties."""
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    for path, node in _walk(schema):
        parent_key = path.rsplit("/", 1)[-1]
        if parent_key == "properties" or path.endswith("/enum") or "/enum/" in path:
            continue
        assert "$ref" not in node, path
        assert not ("properties" in node and "additionalProperties" in node), path
        exempt = node.get("x-kubernetes-preserve-unknown-fields") or node.get(
            "x-kubernetes-int-or-string"
        )
        assert "type" in node or exempt, path


def test_crds_validate_against_the_apiextensions_schema() -> None:
    validator = SchemaStore(None).validator(
        "apiextensions.k8s.io/v1", "CustomResourceDefinition", "1.31"
    )
    assert validator is not None
    for crd in _crds():
        assert list(validator.errors(crd)) == []


def _strict_object(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _levels() -> dict[str, dict[str, Any]]:
    """One kind at two API levels, each with a definition of the same name."""
    return {
        "old": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            **_strict_object(spec={"$ref": "#/definitions/Spec"}),
            "definitions": {"Spec": _strict_object(modelName={"type": "string"})},
        },
        "new": {
            **_strict_object(spec={"$ref": "#/definitions/Spec"}),
            "definitions": {
                "Spec": _strict_object(model={"$ref": "#/definitions/Ref"}),
                "Ref": _strict_object(name={"type": "string"}),
            },
        },
    }


OLD = {"spec": {"modelName": "m"}}
NEW = {"spec": {"model": {"name": "m"}}}
MIXED = {"spec": {"modelName": "m", "model": {"name": "m"}}}


def test_a_schema_with_variants_accepts_an_object_valid_at_one_level() -> None:
    schema = variants_schema(_levels())
    assert set(schema["definitions"]) == {"old", "old.Spec", "new", "new.Spec", "new.Ref"}
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid(OLD) and validator.is_valid(NEW)
    assert not validator.is_valid(MIXED)


def test_an_object_that_names_its_variant_is_checked_against_that_one(tmp_path: Path) -> None:
    folder = tmp_path / "schemas" / "example.com"
    folder.mkdir(parents=True)
    (folder / "thing_v1.json").write_text(json.dumps(variants_schema(_levels())))
    store = SchemaStore(tmp_path)

    def errors(body: dict[str, Any], variant: str | None) -> list[str]:
        validator = store.validator("example.com/v1", "Thing", "1.31", variant)
        assert validator is not None
        return [error.message for error in validator.errors(body)]

    assert errors(OLD, "old") == [] and errors(NEW, "new") == []
    assert sorted(errors(OLD, "new")) == [
        "missing required field 'model'",
        "unknown field 'modelName'",
    ]
    assert errors(NEW, None) == []
    assert errors(NEW, "another") == []  # a schema without that variant checks whole


class _Note(BaseModel):
    """A note
    written over two lines."""

    title: str = Field(description="The note's title,\n   wrapped.")
    tags: dict[str, str] = Field(default={"title": "x"}, description="Kept as given.")


def test_editor_schemas_drop_titles_and_fold_descriptions_but_keep_fields_and_values() -> None:
    schema = model_schema(_Note)
    assert "title" not in schema
    assert schema["description"] == "A note written over two lines."
    assert schema["properties"]["title"] == {
        "description": "The note's title, wrapped.",
        "type": "string",
    }
    assert schema["properties"]["tags"]["default"] == {"title": "x"}


def test_partial_overrides_keep_each_description_beside_the_union(
    schemas: dict[str, dict[str, Any]],
) -> None:
    service = schemas["Project"]["definitions"]["ServiceOverride"]["properties"]["replicas"]
    assert service["anyOf"][-1] == {"type": "null"}
    assert service["description"].startswith("Fewest and most replicas")
    runai = schemas["Environment"]["definitions"]["EnvironmentSpec"]["properties"]["platforms"]
    assert all(sub.get("description") for sub in runai["properties"].values())
