"""CRDs converted the way kubeconform's openapi2jsonschema does with strict mode: one schema
per served version, objects closed below the root (unless they keep unknown fields),
int-or-string as either; gzip and multi-document files read; anything else refused. Checked
on a small CRD and on OME's real ones in ../shared."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from manifold.core import yaml as yamlio
from manifold.schemas.crd import NotACrd, crd_schemas, read_crd_documents, strict_schema

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.io
  names: {kind: Widget}
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {x-kubernetes-int-or-string: true}
                free: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v0
"""


def _valid(schema: dict[str, Any], body: Any) -> bool:
    return jsonschema.Draft7Validator(schema).is_valid(body)


def test_a_crd_gives_a_strict_schema_per_version_with_one() -> None:
    [widget] = crd_schemas(yamlio.load_one(CRD))
    assert (widget.group, widget.kind, widget.version) == ("example.io", "Widget", "v1")
    assert widget.path == "example.io/widget_v1.json"
    schema = widget.schema
    assert _valid(schema, {"spec": {"size": 3}}) and _valid(schema, {"spec": {"size": "3Gi"}})
    assert _valid(schema, {"spec": {"free": {"anything": 1}}})
    assert not _valid(schema, {"spec": {"unknown": 1}})  # closed below the root
    assert _valid(schema, {"apiVersion": "x", "kind": "Widget", "metadata": {}})  # open root
    assert widget.text().endswith("}\n")


def test_the_root_can_be_closed_too() -> None:
    [widget] = crd_schemas(yamlio.load_one(CRD), deny_root_additional_properties=True)
    assert not _valid(widget.schema, {"metadata": {}})


def test_strict_schema_leaves_its_input_alone() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {}}},
    }
    strict_schema(schema)
    assert "additionalProperties" not in schema["properties"]["a"]


@pytest.mark.parametrize(
    "document",
    [{"kind": "Deployment"}, "text", {"kind": "CustomResourceDefinition", "spec": {}}],
)
def test_what_is_not_a_crd_is_refused(document: Any) -> None:
    with pytest.raises(NotACrd):
        list(crd_schemas(document))


def test_gzip_and_several_documents_are_read() -> None:
    raw = (CRD + "---\n" + CRD).encode()
    assert len(read_crd_documents(gzip.compress(raw))) == 2
    assert read_crd_documents(raw) == read_crd_documents(gzip.compress(raw))


def test_omes_crds_convert(shared: Path) -> None:
    files = sorted((shared / "reference" / "ome").rglob("*.yaml"))
    converted = [
        schema
        for path in files
        for document in read_crd_documents(path.read_bytes())
        if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition"
        for schema in crd_schemas(document)
    ]
    assert {"InferenceService", "BaseModel"} <= {schema.kind for schema in converted}
