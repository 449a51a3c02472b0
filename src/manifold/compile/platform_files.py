"""A `Platform` in an environment -> `PlatformInstance`.

Layers, weakest first: the file's own spec, then its `spec.environments.<env>` override for
each environment in the chain, root first (the rules projects follow, without service
defaults).
"""

from __future__ import annotations

from manifold.compile import overlay
from manifold.compile.expand import override_layers
from manifold.compile.instances import PlatformFile, PlatformInstance
from manifold.compile.provenance import Layer, traced_diagnostic
from manifold.core import modelcheck
from manifold.core.diagnostics import Diagnostic
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.models.platform import PlatformSpec


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
