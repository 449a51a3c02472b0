"""What an object must be before its spec is looked at: OME's apiVersion, a kind the import
takes, a name, and no metadata a manifold file could not give back."""

from __future__ import annotations

from manifold.commands.importing.reading import Found
from manifold.core.diagnostics import Diagnostic
from manifold.targets.ome.importing.entries import (
    API_VERSION,
    NOT_YET,
    PLATFORM_KINDS,
    PROJECT_KINDS,
)
from manifold.targets.ome.render import AUTOSCALER_CLASS

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
    if kind in NOT_YET:
        return found.diagnostic(
            ("kind",),
            f"{kind} is not imported yet (this version imports {', '.join(KINDS)})",
            f"write the {kind} in a project file by hand, or leave it out of the import",
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
    namespaced = kind in PROJECT_KINDS
    if namespaced and not isinstance(metadata.get("namespace"), str):
        return found.diagnostic(
            ("metadata",),
            f"the {kind} has no metadata.namespace",
            "import namespaced objects as the cluster serves them (kubectl get -n NAMESPACE)",
        )
    allowed = ("name", "namespace") if namespaced else ("name",)
    if kind == "InferenceService" and metadata.get("annotations") == {AUTOSCALER_CLASS: "keda"}:
        allowed = (*allowed, "annotations")  # manifold writes it back; checked with the spec
    extra = sorted(key for key in metadata if key not in allowed)
    if extra:
        return found.diagnostic(
            ("metadata", extra[0]),
            f"metadata.{extra[0]} is not imported: a manifold file gives labels and "
            "annotations to all its objects alike"
            + ("" if namespaced else ", and a cluster-scoped object has no namespace"),
            "strip what the server set (managedFields, uid, resourceVersion...) and put "
            "shared labels in the file's metadata",
        )
    return None
