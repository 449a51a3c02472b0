"""Labels and annotations in inputs: keys and values checked as Kubernetes checks them, and
the keys manifold sets itself (on every object, or on an InferenceService from a service's
fields) refused wherever a user's value would overwrite manifold's or be overwritten by it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema

from manifold.core.diagnostics import shown
from manifold.models.common import Strict, dns_subdomain

_LABEL_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")


def _label_key(value: str) -> str:
    prefix, _, name = value.rpartition("/")
    if prefix:
        try:
            dns_subdomain(prefix, 253)
        except ValueError as error:
            raise ValueError(f"{shown(value)} is not a valid key: its prefix {error}") from None
    if len(name) > 63 or not _LABEL_NAME.match(name):
        raise ValueError(
            f"{shown(value)} is not a valid label or annotation key: an optional DNS prefix "
            "and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending "
            "alphanumeric"
        )
    return value


def _label_value(value: str) -> str:
    if value and (len(value) > 63 or not _LABEL_NAME.match(value)):
        raise ValueError(
            f"{shown(value)} is not a valid label value: at most 63 letters, digits, '-', '_' "
            "or '.', starting and ending alphanumeric"
        )
    return value


LabelKey = Annotated[str, AfterValidator(_label_key)]
LabelValue = Annotated[
    str,
    AfterValidator(_label_value),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 63,
            "pattern": "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$",
        }
    ),
]
Labels = dict[LabelKey, LabelValue]
Annotations = dict[LabelKey, str]

MANIFOLD_LABELS = {
    "app.kubernetes.io/name": "the object's name",
    "app.kubernetes.io/part-of": "the project or platform it belongs to",
    "app.kubernetes.io/managed-by": "manifold",
    "app.kubernetes.io/component": "what the object is (model, runtime, inference...)",
}
"""Labels `compile.finalize` gives every object, by what they hold (and manifold.dev/*)."""
SERVICE_ANNOTATIONS = {
    "ome.io/autoscalerClass": "manifold sets it to keda exactly when a component scales "
    "with KEDA (autoscaling.prometheus); without it OME uses HPA",
}
"""What OME reads as behaviour and manifold derives (OME pkg/constants/constants.go:92)."""


def manifold_owns(key: str, annotations: dict[str, str] | None = None) -> str | None:
    """Why manifold sets `key` itself (a label, or one of `annotations`), None if it does not."""
    if key.startswith("manifold.dev/"):
        return "it keeps the manifold.dev/ prefix for its environment and team labels"
    labels = {key: f"manifold sets it to {value}" for key, value in MANIFOLD_LABELS.items()}
    return (labels if annotations is None else annotations).get(key)


def _not_owned(owns: Callable[[str], str | None]) -> Any:
    """Refuses a key for which `owns` says why manifold sets it itself."""

    def check(key: str) -> str:
        if (why := owns(key)) is not None:
            raise ValueError(f"{shown(key)} is manifold's own: {why}; remove it here")
        return key

    return AfterValidator(check)


ObjectLabels = dict[Annotated[LabelKey, _not_owned(manifold_owns)], LabelValue]
ObjectAnnotations = dict[Annotated[LabelKey, _not_owned(lambda key: manifold_owns(key, {}))], str]
_ServiceAnnotations = dict[
    Annotated[LabelKey, _not_owned(lambda key: manifold_owns(key, SERVICE_ANNOTATIONS))], str
]
ServiceReachingAnnotations = dict[Annotated[LabelKey, _not_owned(SERVICE_ANNOTATIONS.get)], str]
"""Annotations that reach an InferenceService, without the keys manifold derives from a
service's fields. An environment's and a project's go on every object (`compile.finalize`),
under the service's own: manifold's keda would silently replace them, and on a service without
KEDA they would reach OME as written. A component's (a service's or a serving runtime's, which
OME merges under the service's: pkg/controller/v1beta1/inferenceservice/utils/merging.go:83-143)
are unioned over the InferenceService's to pick that component's autoscaler (components/
engine.go:213-222, then reconcilers/autoscaler/autoscaler_reconciler.go:70-76), so they
would replace manifold's. Other keys, manifold.dev/ ones too, stay allowed as before."""


class ObjectMetadata(Strict):
    """Labels and annotations of an entry's object (not its pods'); manifold's keys refused."""

    labels: ObjectLabels | None = Field(default=None, description="Labels of the object.")
    annotations: ObjectAnnotations | None = Field(default=None, description="Its annotations.")


class ServiceObjectMetadata(ObjectMetadata):
    """A service's: also without the annotations manifold derives from its fields."""

    annotations: _ServiceAnnotations | None = Field(default=None, description="Its annotations.")


def entry_metadata(what: str) -> Any:
    return Field(
        default=None,
        description=f"OME only: labels and annotations of the rendered {what} (not its "
        "pods'), over the environment's and the file's; keys manifold sets are refused.",
    )
