"""What every OME rendering uses (`manifold.targets.ome.objects`): the object envelope, which
kinds are cluster-scoped (as the upstream CRDs in ../shared/reference/ome say), the
`Manifest` an object travels in, and storage specs for models and jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.core import yaml as yamlio
from manifold.models.storage import ModelStorage
from manifold.targets.ome.objects import (
    CLUSTER_SCOPED,
    job_storage,
    manifest,
    ome_object,
    storage,
)
from tests.unit.helpers import project_instance


def _crd_scopes(shared: Path) -> dict[str, str]:
    """Kind -> scope of every ome.io CRD in the reference (main and the unmerged PR)."""
    scopes = {}
    for path in sorted((shared / "reference" / "ome" / "crds").rglob("ome.io_*.yaml")):
        for crd in yamlio.load_all(path.read_text(encoding="utf-8")):
            if isinstance(crd, dict) and crd.get("kind") == "CustomResourceDefinition":
                scopes[crd["spec"]["names"]["kind"]] = crd["spec"]["scope"]
    return scopes


def test_the_cluster_scoped_kinds_are_the_upstream_crds(shared: Path) -> None:
    scopes = _crd_scopes(shared)
    assert scopes, "no ome.io CRDs in ../shared/reference/ome/crds"
    upstream = {kind for kind, scope in scopes.items() if scope == "Cluster"}
    assert upstream == CLUSTER_SCOPED & set(scopes)


def test_an_ome_object_is_the_envelope_around_its_spec() -> None:
    assert ome_object("BaseModel", "llama", {"a": 1}) == {
        "apiVersion": "ome.io/v1beta1",
        "kind": "BaseModel",
        "metadata": {"name": "llama"},
        "spec": {"a": 1},
    }


@pytest.mark.parametrize(("kind", "namespaced"), [("BaseModel", True), ("ClusterBaseModel", False)])
def test_a_manifest_carries_its_project_and_scope(kind: str, namespaced: bool) -> None:
    instance = project_instance("ome", "services: []")
    found = manifest(instance, ome_object(kind, "m", {}), "model", ("models", 0))
    assert (found.namespaced, found.project, found.component) == (namespaced, "demo", "model")
    assert (found.sources, found.spec_path) == (instance.sources, ("models", 0))


FULL = ModelStorage.model_validate(
    {
        "path": "/models/llama",
        "credentialsSecret": "hf-token",
        "parameters": {"region": "eu"},
        "nodeSelector": {"pool": "gpu"},
        "downloadPolicy": "ReuseIfExists",
    }
)
LOCATION = {
    "path": "/models/llama",
    "key": "hf-token",
    "parameters": {"region": "eu"},
    "nodeSelector": {"pool": "gpu"},
}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (None, {}),
        (ModelStorage(), {}),
        (FULL, {**LOCATION, "downloadPolicy": "ReuseIfExists"}),
    ],
)
def test_storage_as_omes_storage_spec(
    options: ModelStorage | None, expected: dict[str, Any]
) -> None:
    assert storage("hf://meta/llama", options) == {"storageUri": "hf://meta/llama", **expected}


def test_jobs_read_storage_without_a_download_policy() -> None:
    assert job_storage("s3://b/d", FULL) == {"storageUri": "s3://b/d", **LOCATION}
    assert job_storage("s3://b/d", None) == {"storageUri": "s3://b/d"}
