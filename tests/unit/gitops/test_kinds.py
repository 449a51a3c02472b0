"""The Flux and Argo CD kinds manifold writes: each kind's schema accepts what the example
renders for it, refuses a field manifold does not set, and names the apiVersion and kind of
its OutputKind. (Their fields against the upstream CRDs: tests/conformance/test_gitops_crds.py.)"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from manifold.core import yaml as yamlio
from manifold.core.manifest import OutputKind
from manifold.gitops.kinds import OUTPUT_KINDS
from tests.conftest import REPO_ROOT

KINDS = {(kind.api_version, kind.kind): kind for kind in OUTPUT_KINDS}


def _rendered_objects() -> list[dict[str, Any]]:
    found = []
    for folder in ("_flux", "_argocd"):
        for path in sorted((REPO_ROOT / "rendered" / folder).rglob("*.yaml")):
            for body in yamlio.load_all(path.read_text()):
                if isinstance(body, dict) and (body.get("apiVersion"), body.get("kind")) in KINDS:
                    found.append(body)
    return found


OBJECTS = _rendered_objects()


def _errors(kind: OutputKind, body: dict[str, Any]) -> list[str]:
    schema = kind.schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [error.message for error in validator.iter_errors(body)]


def test_the_example_renders_the_gitops_kinds_but_a_lone_application() -> None:
    # The example's Argo CD sync is an ApplicationSet; a lone Application is in the
    # gitops-sync case's snapshot.
    assert set(KINDS) - {(o["apiVersion"], o["kind"]) for o in OBJECTS} == {
        ("argoproj.io/v1alpha1", "Application")
    }


@pytest.mark.parametrize(
    "body", OBJECTS, ids=lambda body: f"{body['kind']}-{body['metadata']['name']}"
)
def test_a_rendered_object_matches_its_kinds_schema(body: dict[str, Any]) -> None:
    assert _errors(KINDS[body["apiVersion"], body["kind"]], body) == []


@pytest.mark.parametrize(
    "body", OBJECTS, ids=lambda body: f"{body['kind']}-{body['metadata']['name']}"
)
def test_a_field_manifold_does_not_set_is_refused(body: dict[str, Any]) -> None:
    changed = copy.deepcopy(body)
    changed["spec"]["notAField"] = 1
    assert _errors(KINDS[body["apiVersion"], body["kind"]], changed)


@pytest.mark.parametrize("kind", OUTPUT_KINDS, ids=lambda kind: kind.kind)
def test_each_kind_fixes_its_api_version_and_kind(kind: OutputKind) -> None:
    properties = kind.schema()["properties"]
    assert properties["apiVersion"]["const"] == kind.api_version
    assert properties["kind"]["const"] == kind.kind
    assert kind.namespaced
