"""Every OME object manifold renders validates against OME's real CRD (the full one).

The CRDs are read from ../shared/reference/ome/crds/*/full at test time, converted to strict
JSON Schema the way kubeconform does (unknown fields fail, the root included), and every
ome.io object of the repository's example and of every valid case is checked.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from manifold import yamlio
from manifold.crdschema import crd_schemas, read_crd_documents
from manifold.pipeline import build
from manifold.targets.registry import get_target
from tests.casefolders import cases
from tests.conftest import REPO_ROOT, SHARED, SHARED_MISSING

OME_CRDS = SHARED / "reference" / "ome" / "crds"


@functools.cache
def _crd_validators() -> dict[tuple[str, str], Any]:
    validators = {}
    files = sorted(OME_CRDS.glob("*/full/*.yaml*"))
    full = {f.name.removesuffix(".gz") for f in files if f.name.endswith(".yaml.gz")}
    for file in files:
        if file.name.endswith(".pruned.yaml") and file.name.replace(".pruned", "") in full:
            continue  # the gzipped original is there: use the real thing
        for document in read_crd_documents(file.read_bytes()):
            for schema in crd_schemas(document, deny_root_additional_properties=True):
                api_version = f"{schema.group}/{schema.version}"
                validators[(api_version, schema.kind)] = jsonschema_rs.validator_for(schema.schema)
    return validators


def _rendered_objects(root: Path) -> list[tuple[str, dict[str, Any]]]:
    built, diagnostics = build(root)
    assert not diagnostics.has_errors, diagnostics.sorted()
    return [
        (path, document)
        for path, text in built.files.items()
        for document in yamlio.load_all(text)
        if str(document.get("apiVersion", "")).startswith("ome.io/")
    ]


def _repositories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    repositories = {"the repository's example": REPO_ROOT}
    for case in cases("valid"):
        repositories[f"case {case.name}"] = case.materialize(tmp_path_factory.mktemp(case.name))
    return repositories


@pytest.fixture(scope="module")
def ome_objects(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    objects: list[tuple[str, dict[str, Any]]] = []
    for label, root in _repositories(tmp_path_factory).items():
        objects.extend((f"{label}: {path}", body) for path, body in _rendered_objects(root))
    return objects


def test_every_kind_manifold_emits_has_a_real_crd() -> None:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    emitted = {(kind.api_version, kind.kind) for kind in get_target("ome").output_kinds()}
    assert emitted <= set(_crd_validators()), emitted - set(_crd_validators())


def test_the_example_and_cases_render_every_ome_kind(
    ome_objects: list[tuple[str, dict[str, Any]]],
) -> None:
    rendered = {(body["apiVersion"], body["kind"]) for _, body in ome_objects}
    emitted = {(kind.api_version, kind.kind) for kind in get_target("ome").output_kinds()}
    assert emitted <= rendered, f"never rendered in a test: {emitted - rendered}"


def test_rendered_ome_objects_validate_against_the_real_crds(
    ome_objects: list[tuple[str, dict[str, Any]]],
) -> None:
    validators = _crd_validators()
    failures: list[str] = []
    for where, body in ome_objects:
        validator = validators[(body["apiVersion"], body["kind"])]
        failures.extend(
            f"{where}: {'.'.join(map(str, error.instance_path))}: {error.message}"
            for error in validator.iter_errors(body)
        )
    assert not failures, "\n".join(failures)
