"""Stage 8: rendered objects against the schemas of their kinds (strict: unknown fields fail)."""

from __future__ import annotations

from typing import Any

from manifold.schemastore import SchemaError, SchemaStore


def object_errors(
    body: Any, store: SchemaStore, kubernetes_version: str, variant: str | None = None
) -> list[SchemaError]:
    """What is wrong with one object; an object of a kind no schema covers is an error too.
    `variant` names the API level the object was written for, where its kind has several."""
    if not isinstance(body, dict):
        return [SchemaError((), "an object must be a mapping")]
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not isinstance(api_version, str) or not api_version:
        return [SchemaError(("apiVersion",), "missing apiVersion")]
    if not isinstance(kind, str) or not kind:
        return [SchemaError(("kind",), "missing kind")]
    validator = store.validator(api_version, kind, kubernetes_version, variant)
    if validator is None:
        return [
            SchemaError(
                ("kind",),
                f"no schema for {kind} in {api_version}: add one under schemas/ "
                "(manifold schemas generate writes manifold's own)",
            )
        ]
    return list(validator.errors(body))
