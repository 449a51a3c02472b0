"""A `Platform` in an environment -> `PlatformInstance`.

Layers, weakest first: the file's own spec, then its `spec.environments.<env>` override for
each environment in the chain, root first (the rules projects follow, without service
defaults).
"""

from __future__ import annotations

from manifold.compile import overlay
from manifold.compile.blocks import block_problems
from manifold.compile.catalog import BROKEN_PLATFORM_FILE
from manifold.compile.expand import includes_platform_file, override_layers
from manifold.compile.instances import PlatformFile, PlatformInstance
from manifold.compile.provenance import Layer, traced_diagnostic
from manifold.core import modelcheck
from manifold.core.diagnostics import Diagnostic, Diagnostics
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
    if own_problems := block_problems(PlatformSpec, merged):
        spec, problems = None, [*problems, *own_problems]
    diagnostics = [traced_diagnostic(layers, merged, problem) for problem in problems]
    if spec is None:
        return None, diagnostics
    sources = (file.document.path, *environment.source_paths)
    return PlatformInstance(file.platform, environment, spec, merged, layers, sources), diagnostics


def expand_platforms(
    environment: ResolvedEnvironment,
    files: list[PlatformFile],
    unreadable: bool,
    diagnostics: Diagnostics,
) -> tuple[dict[str, PlatformInstance], set[str]]:
    """The environment's platform files expanded, by target platform, and those broken (for
    `Catalog.broken`); `unreadable`: a file under platform/ could not be read at all."""
    platforms: dict[str, PlatformInstance] = {}
    broken = {BROKEN_PLATFORM_FILE} if unreadable else set()
    for platform_file in files:
        if not includes_platform_file(environment, platform_file.name):
            continue
        platform, found = expand_platform(platform_file, environment)
        diagnostics.extend(found)
        target_name = platform_file.platform.spec.platform
        if platform is None:
            broken.add(f"platform:{target_name}")
        else:
            platforms[target_name] = platform
    return platforms, broken
