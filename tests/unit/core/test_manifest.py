"""`Manifest`: what a rendered object is called and identified by, read from a Kubernetes body
or, for an API request, from its form; `with_body` keeps everything else and records patches."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.diagnostics import Position
from manifold.core.manifest import Manifest, OutputKind
from manifold.targets.runai.form import FORM

SERVICE = {
    "apiVersion": "ome.io/v1beta1",
    "kind": "InferenceService",
    "metadata": {"name": "chat", "namespace": "ai-dev", "labels": {"tier": "x"}},
    "spec": {},
}


def _manifest(body: dict[str, Any], **fields: Any) -> Manifest:
    return Manifest(body, True, "demo", ("projects/demo.yaml",), **fields)


def test_a_kubernetes_object_is_read_from_its_body() -> None:
    manifest = _manifest(SERVICE)
    assert (manifest.api_version, manifest.kind, manifest.name, manifest.namespace) == (
        "ome.io/v1beta1",
        "InferenceService",
        "chat",
        "ai-dev",
    )
    assert manifest.labels == {"tier": "x"}
    assert manifest.identity == ("ome.io", "InferenceService", "ai-dev", "chat")


@pytest.mark.parametrize(
    ("body", "identity"),
    [
        (
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}},
            ("", "Namespace", "", "n"),
        ),
        ({"kind": "X", "metadata": "not a mapping"}, ("", "X", "", "")),
        ({}, ("", "", "", "")),
    ],
)
def test_odd_bodies_still_have_an_identity(
    body: dict[str, Any], identity: tuple[str, str, str, str]
) -> None:
    manifest = _manifest(body)
    assert manifest.identity == identity
    assert manifest.labels == {}


def test_an_api_request_is_read_through_its_form() -> None:
    body = {"name": "s", "projectId": "12", "clusterId": "c", "spec": {"labels": []}}
    manifest = _manifest(body, form=FORM)
    assert manifest.kind == FORM.output.kind
    assert manifest.api_version == FORM.output.api_version
    assert manifest.name == "s"
    assert manifest.metadata == {}
    assert manifest.identity[1:] == (FORM.output.kind, FORM.scope(body), "s")


def test_with_body_keeps_the_rest_and_records_each_patch() -> None:
    manifest = _manifest(SERVICE, component="inference", schema_variant="v1")
    once = manifest.with_body(
        {**SERVICE, "spec": {"a": 1}}, ("environments/dev.yaml", Position(3, 5))
    )
    twice = once.with_body(SERVICE)
    assert once.body["spec"] == {"a": 1} and manifest.body["spec"] == {}
    assert once.patched_by == (("environments/dev.yaml", Position(3, 5)),)
    assert twice.patched_by == once.patched_by  # a body set without a patch records none
    assert (twice.component, twice.schema_variant, twice.sources) == (
        "inference",
        "v1",
        ("projects/demo.yaml",),
    )


def test_an_output_kind_splits_its_api_version() -> None:
    kind = OutputKind("ome.io/v1beta1", "BaseModel", True, dict)
    assert (kind.group, kind.version) == ("ome.io", "v1beta1")
    assert (OutputKind("v1", "Namespace", False, dict).group) == ""
