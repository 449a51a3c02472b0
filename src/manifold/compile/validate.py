"""Rendered objects against the schemas of their kinds (strict: unknown fields fail),
and against the naming rules Kubernetes applies before any schema."""

from __future__ import annotations

import functools
import re
from typing import Any

from manifold.core.diagnostics import shown
from manifold.schemas.store import SchemaError, SchemaStore

_KIND = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_API_VERSION = re.compile(
    r"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?v[0-9]+[a-z0-9]*\Z"
)
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")


def object_errors(
    body: Any,
    store: SchemaStore,
    kubernetes_version: str,
    variant: str | None = None,
    kind_of_request: tuple[str, str] | None = None,
    environment: str | None = None,
) -> list[SchemaError]:
    """What is wrong with one object; an object of a kind no schema covers is an error too.
    `variant` names the API level the object was written for, where its kind has several.

    An API request carries no apiVersion and kind: `kind_of_request` gives them (its target's
    own, and its schema constrains its name). In `environment`, a schema imported for it
    comes first.
    """
    if not isinstance(body, dict):
        return [SchemaError((), "an object must be a mapping")]
    if kind_of_request is not None:
        api_version, kind = kind_of_request
        identity = []
    else:
        given_version, given_kind = body.get("apiVersion"), body.get("kind")
        if not isinstance(given_version, str) or not given_version:
            return [SchemaError(("apiVersion",), "missing apiVersion")]
        if not isinstance(given_kind, str) or not given_kind:
            return [SchemaError(("kind",), "missing kind")]
        if not _API_VERSION.match(given_version):
            message = f"{shown(given_version)} is not an apiVersion (GROUP/VERSION, or v1)"
            return [SchemaError(("apiVersion",), message)]
        if not _KIND.match(given_kind):
            message = f"{shown(given_kind)} is not a kind (CamelCase letters)"
            return [SchemaError(("kind",), message)]
        api_version, kind = given_version, given_kind
        identity = identity_errors(body)
    validator = store.validator(api_version, kind, kubernetes_version, variant, environment)
    if validator is None:
        return [
            *identity,
            SchemaError(
                ("kind",),
                f"no schema for {kind} in {api_version}: add one under schemas/ "
                "(manifold schemas generate writes manifold's own)",
            ),
        ]
    return [*identity, *validator.errors(body)]


def identity_errors(body: dict[str, Any]) -> list[SchemaError]:
    """Names Kubernetes would refuse. They also name files under rendered/, so a name such
    as `../../x` or one with a NUL must never get as far as the writer."""
    metadata = body.get("metadata")
    if not isinstance(metadata, dict):
        return []
    errors = []
    name, namespace = metadata.get("name"), metadata.get("namespace")
    if isinstance(name, str):
        label = body.get("kind") == "Namespace"
        problem = _dns_problem(name, label=label)
        if problem:
            errors.append(SchemaError(("metadata", "name"), problem))
    if isinstance(namespace, str):
        problem = _dns_problem(namespace, label=True)
        if problem:
            errors.append(SchemaError(("metadata", "namespace"), problem))
    labels = metadata.get("labels")
    if isinstance(labels, dict):
        for key, value in labels.items():
            problem = (
                _label_pair_problem(key, value)
                if isinstance(key, str) and isinstance(value, str)
                else _label_key_problem(key) or _label_value_problem(value)
            )
            if problem:
                errors.append(SchemaError(("metadata", "labels", key), problem))
    return errors


_LABEL_NAME = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?\Z")


@functools.lru_cache(maxsize=4096)
def _label_pair_problem(key: str, value: str) -> str | None:
    """A label's problem, remembered: the same few labels sit on thousands of objects."""
    return _label_key_problem(key) or _label_value_problem(value)


def _label_key_problem(key: object) -> str | None:
    """What Kubernetes' API server says of a label key (a qualified name)."""
    if not isinstance(key, str):
        return "a label key must be text"
    prefix, _, name = key.rpartition("/")
    if prefix and _dns_problem(prefix, label=False):
        return f"the label key {shown(key)} has a prefix that is not a DNS-1123 subdomain"
    if not name or len(name) > 63 or not _LABEL_NAME.match(name):
        return (
            f"the label key {shown(key)} is not a qualified name: at most 63 letters, digits, "
            "'-', '_' or '.' after an optional DNS prefix and '/'"
        )
    return None


def _label_value_problem(value: object) -> str | None:
    """What Kubernetes' API server says of a label value: it would refuse the whole object."""
    if not isinstance(value, str):
        return "a label value must be text"
    if len(value) > 63:
        return f"the label value {shown(value)} is {len(value)} characters long; at most 63"
    if not _LABEL_NAME.match(value):
        return (
            f"the label value {shown(value)} may hold only letters, digits, '-', '_' and '.', "
            "and must start and end with a letter or digit"
        )
    return None


@functools.lru_cache(maxsize=4096)
def _dns_problem(value: str, *, label: bool) -> str | None:
    what, longest, pattern = (
        ("DNS-1123 label", 63, _DNS_LABEL) if label else ("DNS-1123 subdomain", 253, _DNS_SUBDOMAIN)
    )
    if len(value) > longest:
        return f"{shown(value)} is {len(value)} characters long; a {what} has at most {longest}"
    if not pattern.match(value):
        return f"{shown(value)} is not a {what}: use lower-case letters, digits and '-'" + (
            "" if label else " or '.'"
        )
    return None
