"""A project or platform file as read (`ProjectFile`, `PlatformFile`) and as it is in one
environment (`ProjectInstance`, `PlatformInstance`): the types targets are handed. They sit
below `expand`, which looks targets up in the registry, so that `targets.base` can name them
without an import cycle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifold.compile.provenance import Layer, Traced
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.inputs.sources import Document
from manifold.models.platform import Platform, PlatformMetadata, PlatformSpec
from manifold.models.project import Project, ProjectMetadata, ProjectSpec


@dataclass(frozen=True)
class ProjectFile:
    document: Document
    project: Project

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def raw_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.document.data["spec"]
        return spec


@dataclass(frozen=True)
class ProjectInstance(Traced):
    """One project as it is in one environment."""

    project: Project
    environment: ResolvedEnvironment
    namespace: str
    spec: ProjectSpec
    data: dict[str, Any]
    """The merged spec as plain data; paths of problems are paths into it."""
    layers: tuple[Layer, ...]
    sources: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def project_path(self) -> str:
        return self.sources[0]

    @property
    def metadata(self) -> ProjectMetadata:
        return self.project.metadata


@dataclass(frozen=True)
class PlatformFile:
    document: Document
    platform: Platform

    @property
    def name(self) -> str:
        return self.platform.name

    @property
    def raw_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.document.data["spec"]
        return spec


@dataclass(frozen=True)
class PlatformInstance(Traced):
    """A platform as it is in one environment."""

    platform: Platform
    environment: ResolvedEnvironment
    spec: PlatformSpec
    data: dict[str, Any]
    """The merged spec as plain data; paths of problems are paths into it."""
    layers: tuple[Layer, ...]
    sources: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.platform.name

    @property
    def metadata(self) -> PlatformMetadata:
        return self.platform.metadata

    @property
    def namespace(self) -> str:
        """Where its namespaced objects go unless they name another namespace."""
        return self.spec.namespace or self.name
