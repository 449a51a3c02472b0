"""Every Run:ai request manifold renders is a body the API (seed 002, REST v2.22) accepts.

The seed's OpenAPI schemas are read from ../shared at test time (tests/runai_openapi.py) and
made strict: a field the API does not define fails. The repository's example and every valid
case are rendered, and each request is checked against `InferenceCreationRequest`; the part
of it a PATCH may change, against `InferenceUpdateRequest`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manifold.pipeline.commands import build
from manifold.targets.runai import kinds
from manifold.targets.runai.form import FORM
from tests import runai_openapi
from tests.acceptance.test_cases import VALID
from tests.conftest import CASES, REPO_ROOT, SHARED, SHARED_MISSING, copy_tree

CREATE = ("POST", "/api/v1/workloads/inferences")
UPDATE = ("PATCH", "/api/v1/workloads/inferences/{workloadId}")

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=SHARED_MISSING)


def _rendered_requests(root: Path) -> list[tuple[str, dict[str, Any]]]:
    built, diagnostics = build(root)
    assert not diagnostics.has_errors, diagnostics.sorted()
    return [
        (path, json.loads(text))
        for path, text in built.texts().items()
        if "/_runai/" in path and path.endswith(".json")
    ]


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    found = [(f"example: {p}", body) for p, body in _rendered_requests(REPO_ROOT)]
    for case in VALID:
        root = case.materialize(tmp_path_factory.mktemp(case.name))
        found.extend((f"case {case.name}: {p}", body) for p, body in _rendered_requests(root))
    portable = tmp_path_factory.mktemp("portable")
    copy_tree(CASES / "portable", portable)
    project = portable / "projects/assistant.yaml"
    project.write_text(project.read_text().replace("platform: ome", "platform: runai"))
    found.extend((f"portable: {p}", body) for p, body in _rendered_requests(portable))
    return found


def test_the_example_and_cases_render_requests(
    requests: list[tuple[str, dict[str, Any]]],
) -> None:
    labels = {label.split(":")[0] for label, _ in requests}
    assert {"example", "case runai-inference", "portable"} <= labels


def test_every_request_is_an_inference_creation_request(
    requests: list[tuple[str, dict[str, Any]]],
) -> None:
    schema = runai_openapi.request_schema(*CREATE)
    refused = {
        label: found for label, body in requests if (found := runai_openapi.problems(schema, body))
    }
    assert refused == {}


def test_what_a_patch_may_change_is_an_inference_update_request(
    requests: list[tuple[str, dict[str, Any]]],
) -> None:
    schema = runai_openapi.request_schema(*UPDATE)
    refused = {}
    for label, body in requests:
        patch = {"spec": {k: v for k, v in body["spec"].items() if k in kinds.UPDATABLE}}
        if found := runai_openapi.problems(schema, patch):
            refused[label] = found
    assert refused == {}


def test_the_fields_manifold_patches_are_the_ones_the_api_updates() -> None:
    spec = runai_openapi.request_schema(*UPDATE)["properties"]["spec"]
    assert set(kinds.UPDATABLE) == set(spec["properties"])


def _fields(schema: dict[str, Any], definitions: dict[str, Any], path: str = "") -> dict[str, Any]:
    """Every property path a JSON Schema allows, with the enum it restricts it to (or None)."""
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    for union in ("anyOf", "oneOf"):
        if union in schema:
            merged: dict[str, Any] = {}
            for member in schema[union]:
                merged.update(_fields(member, definitions, path))
            return merged
    found: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        found[f"{path}/{name}"] = _enum(sub, definitions)
        found.update(_fields(sub, definitions, f"{path}/{name}"))
    if isinstance(schema.get("items"), dict):
        found.update(_fields(schema["items"], definitions, f"{path}[]"))
    return found


def _enum(schema: dict[str, Any], definitions: dict[str, Any]) -> Any:
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    if "const" in schema:
        return {schema["const"]}
    return set(schema["enum"]) - {None} if "enum" in schema else None


def test_manifolds_schema_allows_nothing_the_api_does_not() -> None:
    """Every field (and enum value) manifold's generated schema allows is the API's."""
    ours = FORM.output.schema()
    api = runai_openapi.request_schema(*CREATE)
    allowed = _fields(api, {})
    for path, enum in _fields(ours, ours.get("definitions", {})).items():
        assert path in allowed, f"{path} is not a field of InferenceCreationRequest"
        if enum is not None and allowed[path] is not None:
            assert enum <= allowed[path], (path, enum - allowed[path])


def test_the_reference_example_passes_both_schemas(shared: Path) -> None:
    example = json.loads(
        (shared / "reference/runai/examples/inference-create-request.v2.22.json").read_text()
    )
    assert runai_openapi.problems(runai_openapi.request_schema(*CREATE), example) == []
    ours = runai_openapi.validator(FORM.output.schema())
    assert [error.message for error in ours.iter_errors(example)] == []


def test_the_strict_schema_refuses_unknown_fields_and_wrong_types() -> None:
    schema = runai_openapi.request_schema(*CREATE)
    body = {
        "name": "x",
        "projectId": "1",
        "clusterId": "not-a-uuid",
        "spec": {"image": "i", "compute": {"gpuPortionRequest": "half"}, "replica": 2},
    }
    assert runai_openapi.problems(schema, body) == [
        "clusterId: 'not-a-uuid' is not a 'uuid'",
        "spec/compute/gpuPortionRequest: 'half' is not of type 'number', 'null'",
        "spec: Additional properties are not allowed ('replica' was unexpected)",
    ]
