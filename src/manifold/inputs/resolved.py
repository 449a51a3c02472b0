"""An environment as the later stages see it: its file chain (root first), its merged and checked
settings, its patches in the order they apply, and its platforms' settings. Kept apart from the
resolution in `environments` (which consults the target registry for settings models) so that
targets and the compiler's own types can name it without importing that."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from manifold.core.jsonpath import JsonPath
from manifold.inputs.sources import Document
from manifold.models.environment import (
    DEFAULT_NAMESPACE_TEMPLATE,
    Environment,
    EnvironmentSpec,
    JsonPatch,
    MergePatch,
)

S = TypeVar("S", bound=BaseModel)


@dataclass(frozen=True)
class EnvironmentFile:
    document: Document
    environment: Environment

    @property
    def name(self) -> str:
        return self.environment.name

    @property
    def raw_spec(self) -> dict[str, Any]:
        spec = self.document.data.get("spec")
        return spec if isinstance(spec, dict) else {}


@dataclass(frozen=True)
class SourcedPatch:
    """A patch and where it was written, so a failing patch can be pointed at."""

    patch: MergePatch | JsonPatch
    document: Document
    path: JsonPath


@dataclass(frozen=True)
class ResolvedEnvironment:
    name: str
    chain: tuple[EnvironmentFile, ...]
    """Root first; the last one is this environment's own file."""
    spec: EnvironmentSpec
    patches: tuple[SourcedPatch, ...]
    platforms: Mapping[str, BaseModel] = field(default_factory=dict)
    """`spec.platforms`, each checked by its platform's settings model."""

    def settings(self, platform: str, model: type[S]) -> S | None:
        """A platform's settings in this environment, if it has any."""
        settings = self.platforms.get(platform)
        return settings if isinstance(settings, model) else None

    @property
    def namespace_template(self) -> str:
        return self.spec.namespace or DEFAULT_NAMESPACE_TEMPLATE

    @functools.cached_property
    def source_paths(self) -> tuple[str, ...]:
        return tuple(link.document.path for link in reversed(self.chain))

    @property
    def kubernetes_version(self) -> str | None:
        return self.spec.kubernetes_version

    @property
    def file_per_project(self) -> bool:
        """Whether each folder of rendered/<env>/ holds one multi-document file."""
        return self.spec.files == "perProject"
