"""Stage 4 for platform files: a `Platform` in an environment -> `PlatformInstance`.

Layers, weakest first: the file's own spec, then its `spec.environments.<env>` override for
each environment in the chain, root first (the rules projects follow, without service
defaults).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifold.compile import overlay
from manifold.compile.expand import override_layers
from manifold.compile.provenance import Layer, Traced, traced_diagnostic
from manifold.core import modelcheck
from manifold.core.diagnostics import Diagnostic
from manifold.inputs.environments import ResolvedEnvironment
from manifold.inputs.sources import Document
from manifold.models.platform import Platform, PlatformMetadata, PlatformSpec


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


def expand_platform(
    file: PlatformFile, environment: ResolvedEnvironment
) -> tuple[PlatformInstance | None, list[Diagnostic]]:
    own = Layer(
        {k: v for k, v in file.raw_spec.items() if k != "environments"},
        file.document,
        base=("spec",),
    )
    layers = (own, *override_layers(file.document, file.raw_spec, environment))
    merged = overlay.merge_all([layer.data for layer in layers])
    spec, problems = modelcheck.validate(PlatformSpec, merged)
    diagnostics = [traced_diagnostic(layers, merged, problem) for problem in problems]
    if spec is None:
        return None, diagnostics
    sources = (file.document.path, *environment.source_paths)
    return PlatformInstance(file.platform, environment, spec, merged, layers, sources), diagnostics
