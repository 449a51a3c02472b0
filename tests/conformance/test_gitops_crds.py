"""The Flux and Argo CD objects manifold writes validate against the controllers' real CRDs.

The CRDs are read from ../shared/reference/gitops at test time. Objects come from the
repository's example and from every valid case (tests/cases/valid/gitops-sync covers each
form: ApplicationSet, Application by cluster name and by server URL, Flux with a Secret, a
manifold repository below the git root).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

from manifold.gitops.kinds import OUTPUT_KINDS
from manifold.gitops.render import FOLDERS
from tests.conformance.crds import crd_validators, failures, rendered_objects, repositories
from tests.conftest import SHARED, SHARED_MISSING

GITOPS_CRDS = SHARED / "reference" / "gitops"


@functools.cache
def _validators() -> dict[tuple[str, str], Any]:
    return crd_validators(sorted(GITOPS_CRDS.glob("*/crds/*.yaml")))


@pytest.fixture(scope="module")
def sync_objects(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    return [
        (f"{label}: rendered/{path}", body)
        for label, root in repositories(tmp_path_factory).items()
        for path, body in rendered_objects(root)
        if path.split("/", 1)[0] in FOLDERS
        and body["apiVersion"] != "kustomize.config.k8s.io/v1beta1"
    ]


def test_every_kind_is_written_somewhere(sync_objects: list[tuple[str, dict[str, Any]]]) -> None:
    written = {(body["apiVersion"], body["kind"]) for _, body in sync_objects}
    assert written == {(kind.api_version, kind.kind) for kind in OUTPUT_KINDS}
    assert set(written) <= set(_validators()), set(written) - set(_validators())


def test_objects_validate_against_the_real_crds(
    sync_objects: list[tuple[str, dict[str, Any]]],
) -> None:
    found: list[str] = []
    for where, body in sync_objects:
        found.extend(failures(_validators()[(body["apiVersion"], body["kind"])], body, where))
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("kind", "breakage"),
    [
        ("Kustomization", lambda spec: spec.pop("prune")),
        ("GitRepository", lambda spec: spec.update(url="git@github.com:acme/platform.git")),
        ("Application", lambda spec: spec.update(destination={"cluster": "prod"})),
        ("ApplicationSet", lambda spec: spec["generators"][0]["git"].pop("revision")),
    ],
)
def test_the_crds_catch_a_broken_object(
    sync_objects: list[tuple[str, dict[str, Any]]], kind: str, breakage: Any
) -> None:
    """The check above could pass vacuously; a broken copy of each kind must fail it."""
    where, body = next((w, b) for w, b in sync_objects if b["kind"] == kind)
    broken = copy.deepcopy(body)
    breakage(broken["spec"])
    assert failures(_validators()[(body["apiVersion"], kind)], broken, where)


def test_flux_applies_exactly_the_environment_folder(
    sync_objects: list[tuple[str, dict[str, Any]]],
) -> None:
    for where, body in sync_objects:
        if body["kind"] == "Kustomization":
            environment = body["metadata"]["labels"]["manifold.dev/environment"]
            assert body["spec"]["prune"] is True, where
            assert body["spec"]["path"].endswith(f"rendered/{environment}"), where
            assert body["spec"]["path"].startswith("./"), where
