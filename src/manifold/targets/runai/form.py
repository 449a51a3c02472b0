"""How manifold reads and completes an `InferenceCreationRequest`: a body with no apiVersion,
kind or metadata, whose labels and annotations are lists of {name, value} under `spec`.

Its schema has one variant per Run:ai API level (`manifold.schemas.generate.variants_schema`), each
request checked against its environment's: so an environment patch cannot add a field the
control plane's version lacks, any more than a project can.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from manifold.core.manifest import OutputKind
from manifold.schemas.generate import typed_dict_schema, variants_schema
from manifold.targets.runai import kinds, rules

PLATFORM = "runai"
ADDED_IN_2_24 = (
    ("templateId",),
    ("definitions", "InferenceSpec", "properties", "preemptibility"),
    ("definitions", "EnvironmentVariable", "properties", "userCredential"),
    ("definitions", "ExposedUrl", "properties", "authorizationType"),
)
"""Where the fields Run:ai 2.24 added sit in the request's schema (versions.md)."""


def level_schemas() -> dict[str, dict[str, Any]]:
    """The request's schema at each API level: 2.22 without what 2.24 added, 2.24 without
    the MIG profile it removed."""
    both = typed_dict_schema(kinds.InferenceCreationRequest)()
    older = copy.deepcopy(both)
    for *parents, field in ADDED_IN_2_24:
        node = older if parents else older["properties"]
        for key in parents:
            node = node[key]
        del node[field]
    newer = copy.deepcopy(both)
    compute = newer["definitions"]["Compute"]["properties"]
    del compute["migProfile"]
    compute["gpuRequestType"]["enum"].remove("migProfile")
    return {"2.22": older, "2.24": newer}


LEVEL_SETTING = "spec.platforms.runai.apiLevel"


def level_note(level: str, unknown: tuple[str, ...], environment: str) -> tuple[str, str] | None:
    """Why a field the request's schema refused at `level` is unknown there: 2.22 lacks what
    2.24 added, 2.24 removed the MIG profile. An environment patch that writes such a field
    then learns which setting would allow it, not just that the field is unknown."""
    added = {path[-1] for path in ADDED_IN_2_24}
    if level == "2.22" and (fields := [name for name in unknown if name in added]):
        return (
            f"{fields[0]} needs Run:ai API level 2.24, and environment {environment!r} is at "
            f"{LEVEL_SETTING} {level!r}",
            f'set {LEVEL_SETTING}: "2.24" in environment {environment!r} if its control '
            "plane runs Run:ai 2.24, or leave the field out",
        )
    if level == "2.24" and "migProfile" in unknown:
        return (
            f"Run:ai API level 2.24 removed migProfile, and environment {environment!r} is at "
            f"{LEVEL_SETTING} {level!r}",
            f'set {LEVEL_SETTING}: "2.22" in environment {environment!r} if its control '
            "plane runs Run:ai 2.22, or request a share of a GPU by portion or memory",
        )
    return None


@functools.cache
def _schema() -> dict[str, Any]:
    return variants_schema(level_schemas())


class InferenceRequests:
    platform = PLATFORM
    file_prefix = "inference"
    output = OutputKind(
        kinds.API_VERSION,
        "InferenceCreationRequest",
        False,
        _schema,
        rules.request_problems,
        level_note,
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
