"""Every Run:ai request manifold renders is a body the API (seed 002, REST v2.22) accepts.

The seed's OpenAPI schemas are read from ../shared at test time (tests/runai_openapi.py) and
made strict: a field the API does not define fails. The repository's example and every valid
case are rendered, and each request is checked against `InferenceCreationRequest`; the part
of it a PATCH may change, against `InferenceUpdateRequest`. Both API levels are covered: a
request that uses no field only 2.24 has (whatever its environment's level) must pass the
seed's 2.22 schema, and one without the MIG profile 2.24 removed must pass the 2.24 view,
which is the seed's schema with the differences of versions.md applied at test time
(`runai_openapi.request_schema_2_24`), not a published 2.24 document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manifold.pipeline.commands import build
from manifold.targets.runai import kinds
from manifold.targets.runai.form import FORM, level_schemas
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


def uses_2_24(body: dict[str, Any]) -> bool:
    """Whether the request has a field Run:ai added in 2.24 (versions.md)."""
    spec = body["spec"]
    return (
        "templateId" in body
        or "preemptibility" in spec
        or any("userCredential" in v for v in spec.get("environmentVariables") or ())
        or any("authorizationType" in url for url in spec.get("exposedUrls") or ())
    )


def uses_2_22_only(body: dict[str, Any]) -> bool:
    """Whether the request has what Run:ai 2.24 removed: a MIG profile."""
    return "migProfile" in (body["spec"].get("compute") or {})


def _levels(body: dict[str, Any]) -> list[str]:
    """The API levels whose schema the request must pass."""
    return [
        level
        for level, excluded in (("2.22", uses_2_24(body)), ("2.24", uses_2_22_only(body)))
        if not excluded
    ]


def _schema(level: str, method: str, path: str) -> dict[str, Any]:
    if level == "2.22":
        return runai_openapi.request_schema(method, path)
    return runai_openapi.request_schema_2_24(method, path)


def test_the_example_and_cases_render_requests(
    requests: list[tuple[str, dict[str, Any]]],
) -> None:
    labels = {label.split(":")[0] for label, _ in requests}
    assert {"example", "case runai-inference", "case runai-api-levels", "portable"} <= labels
    assert any(uses_2_24(body) for _, body in requests)
    assert any(uses_2_22_only(body) for _, body in requests)
    assert all(_levels(body) for _, body in requests)


@pytest.mark.parametrize("level", ["2.22", "2.24"])
def test_every_request_is_an_inference_creation_request(
    requests: list[tuple[str, dict[str, Any]]], level: str
) -> None:
    schema = _schema(level, *CREATE)
    refused = {
        label: found
        for label, body in requests
        if level in _levels(body) and (found := runai_openapi.problems(schema, body))
    }
    assert refused == {}


@pytest.mark.parametrize("level", ["2.22", "2.24"])
def test_what_a_patch_may_change_is_an_inference_update_request(
    requests: list[tuple[str, dict[str, Any]]], level: str
) -> None:
    schema = _schema(level, *UPDATE)
    refused = {}
    for label, body in requests:
        if level not in _levels(body):
            continue
        updatable = kinds.updatable(level)
        patch = {"spec": {k: v for k, v in body["spec"].items() if k in updatable}}
        if found := runai_openapi.problems(schema, patch):
            refused[label] = found
    assert refused == {}


@pytest.mark.parametrize("level", ["2.22", "2.24"])
def test_the_fields_manifold_patches_are_the_ones_the_api_updates(level: str) -> None:
    spec = _schema(level, *UPDATE)["properties"]["spec"]
    assert set(kinds.updatable(level)) == set(spec["properties"])


def test_the_2_24_view_differs_from_the_seed_as_versions_md_says() -> None:
    """The view is built, not published: check it against the list it is built from."""
    old = _fields(runai_openapi.request_schema(*CREATE), {})
    new = _fields(runai_openapi.request_schema_2_24(*CREATE), {})
    assert sorted(new.keys() - old.keys()) == [
        "/spec/environmentVariables[]/userCredential",
        "/spec/environmentVariables[]/userCredential/key",
        "/spec/environmentVariables[]/userCredential/name",
        "/spec/exposedUrls[]/authorizationType",
        "/spec/preemptibility",
        "/spec/storage/configMapVolume[]/defaultMode",
        "/spec/storage/git[]/secretRef",
        "/spec/storage/git[]/secretRef/authenticationMethod",
        "/spec/storage/git[]/secretRef/name",
        "/spec/storage/git[]/secretRef/secretKeyOfPassword",
        "/spec/storage/git[]/secretRef/secretKeyOfUser",
        "/spec/storage/secretVolume[]/defaultMode",
        "/templateId",
    ]
    assert sorted(old.keys() - new.keys()) == ["/spec/compute/migProfile"]
    assert old["/spec/compute/gpuRequestType"] - new["/spec/compute/gpuRequestType"] == {
        "migProfile"
    }


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


@pytest.mark.parametrize("level", ["2.22", "2.24"])
def test_manifolds_schema_allows_nothing_the_api_does_not(level: str) -> None:
    """Every field (and enum value) manifold's schema of a level allows is that level's."""
    ours = level_schemas()[level]
    allowed = _fields(_schema(level, *CREATE), {})
    for path, enum in _fields(ours, ours.get("definitions", {})).items():
        assert path in allowed, f"{path} is not a field of InferenceCreationRequest {level}"
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
