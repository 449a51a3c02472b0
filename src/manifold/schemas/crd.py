"""CustomResourceDefinitions -> JSON Schema files in kubeconform's layout.

Each served version of a CRD becomes `<group>/<kind>_<version>.json` (kind in lower case),
the version's `openAPIV3Schema` made strict the way kubeconform's own converter does it:
every object that lists its properties refuses others, except the root (unless asked) and
objects marked `x-kubernetes-preserve-unknown-fields`. `x-kubernetes-int-or-string` fields
accept an integer or a string.
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from manifold.core import yaml as yamlio


@dataclass(frozen=True)
class CrdSchema:
    group: str
    kind: str
    version: str
    schema: dict[str, Any]

    @property
    def path(self) -> str:
        return f"{self.group}/{self.kind.lower()}_{self.version}.json"

    def text(self) -> str:
        return json.dumps(self.schema, indent=2) + "\n"


class NotACrd(ValueError):
    """A document that is not a CustomResourceDefinition with schemas."""


def read_crd_documents(raw: bytes) -> list[Any]:
    """The YAML documents of a file, gunzipped first when it is gzip data."""
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return yamlio.load_all(raw.decode("utf-8"))


def crd_schemas(
    document: Any, *, deny_root_additional_properties: bool = False
) -> Iterator[CrdSchema]:
    if not isinstance(document, dict) or document.get("kind") != "CustomResourceDefinition":
        raise NotACrd("not a CustomResourceDefinition")
    spec = document.get("spec") or {}
    group = spec.get("group")
    kind = (spec.get("names") or {}).get("kind")
    if not group or not kind:
        raise NotACrd("CustomResourceDefinition without spec.group or spec.names.kind")
    for version in spec.get("versions") or []:
        schema = ((version.get("schema") or {}).get("openAPIV3Schema")) or spec.get(
            "validation", {}
        ).get("openAPIV3Schema")
        if not isinstance(schema, dict):
            continue
        yield CrdSchema(
            group,
            kind,
            version["name"],
            strict_schema(schema, deny_root=deny_root_additional_properties),
        )


def strict_schema(schema: dict[str, Any], *, deny_root: bool = False) -> dict[str, Any]:
    result = copy.deepcopy(schema)
    _close(result, root=not deny_root)
    return result


def _close(node: Any, *, root: bool = False) -> None:
    if not isinstance(node, dict):
        return
    if node.get("x-kubernetes-int-or-string") and "anyOf" not in node and "oneOf" not in node:
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if (
        "properties" in node
        and not root
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        node["additionalProperties"] = False
    for sub in (node.get("properties") or {}).values():
        _close(sub)
    for key in ("items", "additionalProperties", "not"):
        _close(node.get(key))
    for key in ("anyOf", "oneOf", "allOf"):
        for member in node.get(key) or []:
            _close(member)
