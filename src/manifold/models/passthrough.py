"""`omeSpec`: the OME spec fields manifold has no field of its own for, kept verbatim.

Existing OME objects carry fields manifold does not model (a ClusterServingRuntime's
pod-level `tolerations` or `volumes`, a model's `modelType`...). `manifold import` must
bring them over without loss, and a user must be able to keep them after the import, so
they live in the input file, under one explicitly named key, merged into the rendered
spec. They are not looked into here: the rendered object is checked against OME's CRD
schema when objects are validated, so a misspelt or mistyped field fails there, at its
path. A key that manifold renders itself is refused here, so there is never a question of
which one wins.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Annotated, Any

from pydantic import AfterValidator, Field

RUNTIME_FIELDS = frozenset(
    {
        "supportedModelFormats",
        "disabled",
        "modelSizeRange",
        "protocolVersions",
        "acceleratorRequirements",
        "engineConfig",
        "decoderConfig",
        "routerConfig",
    }
)
"""The (Cluster)ServingRuntime spec fields manifold renders from a runtime's own fields."""

MODEL_FIELDS = frozenset(
    {
        "vendor",
        "displayName",
        "version",
        "disabled",
        "modelCapabilities",
        "modelFormat",
        "modelFramework",
        "modelArchitecture",
        "modelParameterSize",
        "quantization",
        "maxTokens",
        "storage",
    }
)
"""The (Cluster)BaseModel spec fields manifold renders from a model's own fields."""


def _without(rendered: Collection[str], what: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def check(value: dict[str, Any]) -> dict[str, Any]:
        taken = sorted(key for key in value if key in rendered)
        if taken:
            raise ValueError(
                f"omeSpec may not set {', '.join(taken)}: manifold renders "
                f"{'it' if len(taken) == 1 else 'them'} from the {what}'s own fields"
            )
        return value

    return check


def passthrough_field(what: str) -> Any:
    """The `omeSpec` field of a model or runtime (`what`)."""
    return Field(
        default=None,
        description=(
            f"OME only: fields of the rendered {what}'s spec that manifold has no field for, "
            "passed through verbatim (`manifold import` writes them); checked against OME's "
            "CRD after rendering. May not set a field manifold renders."
        ),
    )


RuntimeOmeSpec = Annotated[dict[str, Any], AfterValidator(_without(RUNTIME_FIELDS, "runtime"))]
ModelOmeSpec = Annotated[dict[str, Any], AfterValidator(_without(MODEL_FIELDS, "model"))]
