"""What an object must be before its spec is looked at: OME's apiVersion, a kind the import
takes, a name, labels and annotations that are maps of strings, and no other metadata a
manifold file could not give back."""

from __future__ import annotations

from manifold.commands.importing.reading import Found
from manifold.core.diagnostics import Diagnostic
from manifold.targets.ome.importing.entries import (
    API_VERSION,
    CLUSTER_SCOPED_IN_PROJECT,
    PLATFORM_KINDS,
    PROJECT_KINDS,
)

KINDS = (*PLATFORM_KINDS, *PROJECT_KINDS)


def check_envelope(found: Found) -> Diagnostic | None:
    body = found.body
    kind = body.get("kind")
    if body.get("apiVersion") != API_VERSION:
        return found.diagnostic(
            ("apiVersion",),
            f"apiVersion {body.get('apiVersion')!r} is not OME's {API_VERSION}",
            "import objects as the cluster serves them (kubectl get -o yaml)",
        )
    if kind not in KINDS:
        return found.diagnostic(
            ("kind",),
            f"kind {kind!r} is not an OME kind manifold imports",
            f"import {', '.join(KINDS)}",
        )
    metadata = body.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        return found.diagnostic(("metadata",), "the object has no metadata.name")
    namespaced = kind in PROJECT_KINDS and kind not in CLUSTER_SCOPED_IN_PROJECT
    if namespaced and not isinstance(metadata.get("namespace"), str):
        return found.diagnostic(
            ("metadata",),
            f"the {kind} has no metadata.namespace",
            "import namespaced objects as the cluster serves them (kubectl get -n NAMESPACE)",
        )
    allowed: tuple[str, ...] = ("name", "labels", "annotations")
    allowed += ("namespace",) if kind in PROJECT_KINDS else ()
    extra = sorted(key for key in metadata if key not in allowed)
    if extra:
        return found.diagnostic(
            ("metadata", extra[0]),
            f"metadata.{extra[0]} is not imported: an entry carries its object's name, "
            "labels and annotations"
            + ("" if namespaced else ", and a cluster-scoped object has no namespace"),
            "strip what the server set (managedFields, uid, resourceVersion...)",
        )
    return _strings(found, metadata)


def _strings(found: Found, metadata: dict[str, object]) -> Diagnostic | None:
    """Labels and annotations as Kubernetes keeps them: maps of strings to strings."""
    for field in ("labels", "annotations"):
        given = metadata.get(field, {})
        if not isinstance(given, dict):
            return found.diagnostic(("metadata", field), f"metadata.{field} is not a mapping")
        for key, value in given.items():
            if not isinstance(key, str) or not isinstance(value, str):
                return found.diagnostic(
                    ("metadata", field, key),
                    f"metadata.{field}[{key!r}] is not a string: Kubernetes keeps "
                    f"{field} as strings",
                    "quote the value",
                )
    return None
