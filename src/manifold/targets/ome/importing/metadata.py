"""An OME object's own labels and annotations -> its entry's `metadata`, and the proof that
the entry's render gives them back.

What manifold sets on every object itself (`models.labels.manifold_owns`: the
app.kubernetes.io/* labels it derives, anything under manifold.dev/) is left out of the
entry, where the model would refuse it, and named in the written file's comment, since
rendering sets it again. kubectl's record of its last client-side apply
(`kubectl.kubernetes.io/last-applied-configuration`, the whole object as JSON) is left out
too and named apart: once git holds the object it is stale, and rendered it would put that
old copy back on every sync. An annotation manifold derives from a service's own fields
(`models.labels.SERVICE_ANNOTATIONS`: ome.io/autoscalerClass) is left out too, but stays in
the comparison: the import only takes it when the service's fields render it back as it
was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifold.core.jsonpath import JsonPath
from manifold.models.labels import SERVICE_ANNOTATIONS, manifold_owns
from manifold.targets.ome.importing.components import Unsupported
from manifold.targets.ome.keda import AUTOSCALER_CLASS

FIELDS = ("labels", "annotations")
KUBECTL_RECORD = "kubectl.kubernetes.io/last-applied-configuration"
"""kubectl's own annotation: the object as `kubectl apply` last sent it."""
"""The object metadata an entry carries; the rest of it (name, namespace) is the entry's
name and the project's namespace."""


@dataclass(frozen=True)
class Carried:
    """The entry's `metadata` (empty when the object has none of its own), what the render
    must give back, the keys left out because manifold sets them, and kubectl's record left
    out as stale."""

    entry: dict[str, dict[str, str]]
    expected: dict[str, dict[str, str]]
    dropped: tuple[str, ...]
    stale: tuple[str, ...] = ()


def _derived(kind: str) -> dict[str, str]:
    return SERVICE_ANNOTATIONS if kind == "InferenceService" else {}


def carried(kind: str, metadata: dict[str, Any]) -> Carried:
    entry: dict[str, dict[str, str]] = {}
    expected: dict[str, dict[str, str]] = {}
    dropped: list[str] = []
    stale: list[str] = []
    for field in FIELDS:
        given: dict[str, str] = dict(metadata.get(field) or {})
        if field == "annotations" and KUBECTL_RECORD in given:
            del given[KUBECTL_RECORD]
            stale.append(f"annotation {KUBECTL_RECORD}")
        # annotations are manifold's by prefix only, labels by name too
        owned: dict[str, str] | None = {} if field == "annotations" else None
        kept = {key: value for key, value in given.items() if manifold_owns(key, owned) is None}
        dropped += [f"{field[:-1]} {key}" for key in given if key not in kept]
        expected[field] = kept
        own = {k: v for k, v in kept.items() if field != "annotations" or k not in _derived(kind)}
        if own:
            entry[field] = own
    return Carried(entry, expected, tuple(dropped), tuple(stale))


def rendered_metadata(metadata: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The labels and annotations of a rendered object, before `compile.finalize` adds
    the environment's, the file's and manifold's own."""
    return {field: dict(metadata.get(field) or {}) for field in FIELDS}


def check(carried: Carried, rendered: dict[str, dict[str, str]]) -> None:
    """Raises Unsupported at the first label or annotation the render does not give back."""
    for field in FIELDS:
        expected, got = carried.expected[field], rendered[field]
        for key in [*expected, *(key for key in got if key not in expected)]:
            if expected.get(key) == got.get(key):
                continue
            path: JsonPath = ("metadata", field, key) if key in expected else ("metadata", field)
            if key == AUTOSCALER_CLASS:
                raise Unsupported(
                    path,
                    f"the annotation {key!r} does not go with the service's fields: "
                    + SERVICE_ANNOTATIONS[key],
                )
            raise Unsupported(
                path, f"manifold would not render {field[:-1]} {key!r} back as written"
            )
