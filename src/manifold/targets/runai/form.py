"""How manifold reads and completes an `InferenceCreationRequest`: a body with no apiVersion,
kind or metadata, whose labels and annotations are lists of {name, value} under `spec`."""

from __future__ import annotations

from typing import Any

from manifold.core.manifest import OutputKind
from manifold.schemas.generate import typed_dict_schema
from manifold.targets.runai import kinds, rules

PLATFORM = "runai"


class InferenceRequests:
    platform = PLATFORM
    file_prefix = "inference"
    output = OutputKind(
        kinds.API_VERSION,
        "InferenceCreationRequest",
        False,
        typed_dict_schema(kinds.InferenceCreationRequest),
        rules.request_problems,
    )

    def name(self, body: dict[str, Any]) -> str:
        return str(body.get("name", ""))

    def scope(self, body: dict[str, Any]) -> str:
        """Run:ai names are unique within a project of a cluster."""
        return f"cluster {body.get('clusterId')}, project {body.get('projectId')}"

    def labels(self, body: dict[str, Any]) -> dict[str, str]:
        return name_values(body, "labels")

    def finalized(
        self, body: dict[str, Any], labels: dict[str, str], annotations: dict[str, str]
    ) -> dict[str, Any]:
        spec = dict(body.get("spec") or {})
        own = name_values(body, "annotations")
        merged = {"labels": labels, "annotations": dict(sorted({**annotations, **own}.items()))}
        for field, values in merged.items():
            if values:
                spec[field] = [{"name": name, "value": value} for name, value in values.items()]
        return {**body, "spec": spec}


def name_values(body: dict[str, Any], field: str) -> dict[str, str]:
    """`spec.labels` or `spec.annotations` of a request or of a workload, as a map."""
    spec = body.get("spec")
    items = spec.get(field) if isinstance(spec, dict) else None
    return {
        str(item["name"]): str(item.get("value", ""))
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict) and "name" in item
    }


FORM = InferenceRequests()
