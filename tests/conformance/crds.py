"""Validators from real CustomResourceDefinitions, converted the way kubeconform does it
(unknown fields fail, the root included)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from manifold.core import yaml as yamlio
from manifold.pipeline.commands import build
from manifold.schemas.crd import crd_schemas, read_crd_documents
from tests.acceptance.test_portable import PLATFORMS, portable_repository
from tests.casefolders import cases
from tests.conftest import REPO_ROOT


def crd_validators(files: Iterable[Path]) -> dict[tuple[str, str], Any]:
    """By (apiVersion, kind): a validator for every served version of every CRD in `files`."""
    validators = {}
    for file in files:
        for document in read_crd_documents(file.read_bytes()):
            for schema in crd_schemas(document, deny_root_additional_properties=True):
                api_version = f"{schema.group}/{schema.version}"
                validators[(api_version, schema.kind)] = jsonschema_rs.validator_for(schema.schema)
    return validators


def failures(validator: Any, body: dict[str, Any], where: str) -> list[str]:
    return [
        f"{where}: {'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in validator.iter_errors(body)
    ]


def rendered_objects(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """(path under rendered/, object) for every object a repository renders."""
    built, diagnostics = build(root)
    assert not diagnostics.has_errors, diagnostics.sorted()
    return [
        (path, document)
        for path, text in built.texts().items()
        for document in yamlio.load_all(text)
    ]


def repositories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every repository the tests render, by label: the repository's example, each valid
    case, and the portable project rendered for each platform."""
    found = {"the repository's example": REPO_ROOT}
    for case in cases("valid"):
        found[f"case {case.name}"] = case.materialize(tmp_path_factory.mktemp(case.name))
    for platform in PLATFORMS:
        root = tmp_path_factory.mktemp(f"portable-{platform}")
        found[f"the portable project for {platform}"] = portable_repository(root, platform)
    return found
