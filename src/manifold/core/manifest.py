"""The objects the pipeline renders: `Manifest`, the kinds of output a target declares
(`OutputKind`), and the form of a request to a platform's API (`RequestForm`). Targets produce
them and every later stage consumes them, so they sit below both."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from manifold.core.diagnostics import Position, Problem
from manifold.core.jsonpath import JsonPath


@dataclass(frozen=True, slots=True)
class Manifest:
    """One object rendered for one environment: a Kubernetes object as plain data, or (with
    a `form`) a request to a platform's HTTP API."""

    body: dict[str, Any]
    """apiVersion, kind, metadata, spec, then any other fields, in that order."""
    namespaced: bool
    project: str | None
    """The project (or platform) that produced it; None for objects of the environment itself."""
    sources: tuple[str, ...]
    """Input files it was rendered from, repository-relative."""
    component: str | None = None
    """What the object is within its project (model, runtime, inference...); becomes a label."""
    spec_path: JsonPath = ()
    """Path in the project's merged spec of what it was rendered from, for diagnostics."""
    patched_by: tuple[tuple[str, Position], ...] = ()
    """File and position of each environment patch that changed it."""
    schema_variant: str | None = None
    """Which variant of its kind's schema checks it, where a platform's API levels share a
    group, version and kind (`manifold.schemas.generate.variants_schema`)."""
    form: RequestForm | None = None
    """How to read the body when it is an API request rather than a Kubernetes object."""
    _identity: tuple[str, str, str, str] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """`identity`, once asked for: collisions, results and the store ask for it several
    times per object (57,876 times for 14,469 objects at N = 1,000 x 3). The body is never
    changed once a Manifest holds it (`with_body` makes a new one)."""

    @property
    def api_version(self) -> str:
        if self.form is not None:
            return self.form.output.api_version
        return str(self.body.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        if self.form is not None:
            return self.form.output.kind
        return str(self.body.get("kind", ""))

    @property
    def metadata(self) -> dict[str, Any]:
        metadata = self.body.get("metadata") if self.form is None else None
        return metadata if isinstance(metadata, dict) else {}

    @property
    def name(self) -> str:
        if self.form is not None:
            return self.form.name(self.body)
        return str(self.metadata.get("name", ""))

    @property
    def namespace(self) -> str | None:
        namespace = self.metadata.get("namespace")
        return str(namespace) if namespace is not None else None

    @property
    def labels(self) -> dict[str, str]:
        if self.form is not None:
            return self.form.labels(self.body)
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What the platform identifies an object by: group, kind, scope (for Kubernetes, the
        namespace) and name."""
        if self._identity is not None:
            return self._identity
        group = self.api_version.rpartition("/")[0]
        scope = self.form.scope(self.body) if self.form is not None else self.namespace
        identity = (group, self.kind, scope or "", self.name)
        object.__setattr__(self, "_identity", identity)
        return identity

    def with_body(
        self, body: dict[str, Any], patched_by: tuple[str, Position] | None = None
    ) -> Manifest:
        patches = (*self.patched_by, patched_by) if patched_by else self.patched_by
        return Manifest(
            body,
            self.namespaced,
            self.project,
            self.sources,
            self.component,
            self.spec_path,
            patches,
            self.schema_variant,
            self.form,
        )


@dataclass(frozen=True)
class OutputKind:
    """A kind a target emits, with the JSON Schema its objects are validated against."""

    api_version: str
    kind: str
    namespaced: bool
    schema: Callable[[], dict[str, Any]]
    rules: Callable[[dict[str, Any]], Iterable[Problem]] | None = None
    """What the platform refuses that a schema cannot say, checked once the schema passes;
    problems are at paths in the object."""
    level_note: Callable[[str, tuple[str, ...], str], tuple[str, str] | None] | None = None
    """For a kind with one schema per API level: given the level an object was checked at,
    the fields that schema did not know and the environment, what to add to the message and
    the hint naming the setting that chooses the level (None when the fields are unknown at
    every level)."""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]


class RequestForm(Protocol):
    """A kind of body that is a request to a platform's HTTP API, not a Kubernetes object.

    Such bodies carry no apiVersion, kind or metadata, so the form says what they are and
    where their name and labels sit. manifold writes them as JSON under
    `rendered/<env>/_<platform>/`, which no kustomization lists, and the platform's own
    command (`manifold <platform> apply`) sends them.
    """

    @property
    def platform(self) -> str:
        """The platform's name, as `spec.platform` gives it."""

    @property
    def output(self) -> OutputKind:
        """The kind of the bodies, with their schema."""

    @property
    def file_prefix(self) -> str:
        """Files are named `<file_prefix>-<name>.json`."""

    def name(self, body: dict[str, Any]) -> str:
        """The name the platform knows the object by."""

    def scope(self, body: dict[str, Any]) -> str:
        """Where that name must be unique (what a namespace is to Kubernetes)."""

    def labels(self, body: dict[str, Any]) -> dict[str, str]:
        """The labels the body carries."""

    def finalized(
        self, body: dict[str, Any], labels: dict[str, str], annotations: dict[str, str]
    ) -> dict[str, Any]:
        """The body with the labels and annotations every rendered object gets (the body's
        own annotations win)."""
