"""Stage 3: environment files -> `ResolvedEnvironment`s, each with its `extends` chain flattened.

An environment's settings are its chain's settings merged root first (the overlay rules of
`manifold.compile.overlay`), except `patches`, which accumulate: every patch of every environment in
the chain applies, root first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from manifold.compile import overlay, templating
from manifold.compile.provenance import Layer, traced_diagnostic
from manifold.core import modelcheck
from manifold.core.diagnostics import Diagnostic, Problem, problem_diagnostic
from manifold.inputs.resolved import EnvironmentFile, ResolvedEnvironment, SourcedPatch
from manifold.inputs.sources import Document
from manifold.models.environment import (
    DEFAULT_NAMESPACE_TEMPLATE,
    EnvironmentSpec,
    PlatformFileSelection,
    ProjectSelection,
)
from manifold.schemas.kubernetes import supported_kubernetes_versions
from manifold.targets.registry import settings_model


def resolve_environments(
    files: list[EnvironmentFile], broken: frozenset[str] = frozenset()
) -> tuple[dict[str, ResolvedEnvironment], list[Diagnostic]]:
    """`broken` names environments whose files exist but were refused (their problems are
    already reported): an environment that extends one is left out without a problem of its
    own, so one typo in a base is reported once, at the typo."""
    diagnostics: list[Diagnostic] = []
    by_name: dict[str, EnvironmentFile] = {}
    for file in files:
        if file.name in by_name:
            diagnostics.append(
                problem_diagnostic(
                    file.document,
                    Problem(
                        ("metadata", "name"),
                        f"environment {file.name!r} is already defined in "
                        f"{by_name[file.name].document.path}",
                    ),
                )
            )
            continue
        by_name[file.name] = file

    resolved: dict[str, ResolvedEnvironment] = {}
    reported_cycles: set[frozenset[str]] = set()
    for name in sorted(by_name):
        chain, problem = _chain(name, by_name, broken)
        if problem is not None:
            members, diagnostic = problem
            if members not in reported_cycles:
                reported_cycles.add(members)
                diagnostics.append(diagnostic)
            continue
        if not chain:
            continue
        environment, found = _resolve(name, chain)
        diagnostics.extend(found)
        if environment is not None:
            resolved[name] = environment
    return resolved, diagnostics


def declared_name(document: Document) -> str | None:
    """The name an environment file gives itself, read from its data even when the file is
    refused, so the environments extending it can be told apart from a dangling `extends`."""
    metadata = document.data.get("metadata") if isinstance(document.data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def _chain(
    name: str, by_name: dict[str, EnvironmentFile], broken: frozenset[str]
) -> tuple[tuple[EnvironmentFile, ...], tuple[frozenset[str], Diagnostic] | None]:
    """The chain root first, or the cycle / dangling `extends` that prevents it; no chain
    and no problem when it reaches a broken environment, whose own problem says why."""
    order: list[str] = []
    current: str | None = name
    while current is not None:
        if current in order:
            cycle = [*order[order.index(current) :], current]
            first = by_name[cycle[0]]
            diagnostic = problem_diagnostic(
                first.document,
                Problem(
                    ("spec", "extends"),
                    f"environments extend each other in a cycle: {' -> '.join(cycle)}",
                    hint="remove `extends` from one of them",
                ),
            )
            return (), (frozenset(cycle), diagnostic)
        file = by_name.get(current)
        if file is None and current in broken:
            return (), None
        if file is None:
            child = by_name[order[-1]]
            diagnostic = problem_diagnostic(
                child.document,
                Problem(
                    ("spec", "extends"),
                    f"extends unknown environment {current!r}",
                    hint=modelcheck.did_you_mean(current, sorted(by_name))
                    or f"known environments: {', '.join(sorted(by_name))}",
                ),
            )
            return (), (frozenset({order[-1], current}), diagnostic)
        order.append(current)
        current = file.environment.spec.extends
    return tuple(by_name[n] for n in reversed(order)), None


def _resolve(
    name: str, chain: tuple[EnvironmentFile, ...]
) -> tuple[ResolvedEnvironment | None, list[Diagnostic]]:
    layers = tuple(Layer(_settings(link.raw_spec), link.document, base=("spec",)) for link in chain)
    merged = overlay.merge_all([layer.data for layer in layers])
    spec, problems = modelcheck.validate(EnvironmentSpec, merged)
    diagnostics = [traced_diagnostic(layers, merged, problem) for problem in problems]
    if spec is None:
        return None, diagnostics
    try:
        templating.compile_template(spec.namespace or DEFAULT_NAMESPACE_TEMPLATE)
    except templating.TemplateProblem as error:
        problem = Problem(("namespace",), error.message, hint=error.hint)
        diagnostics.append(traced_diagnostic(layers, merged, problem))
        return None, diagnostics
    if spec.kubernetes_version is not None:
        supported = supported_kubernetes_versions()
        minor = ".".join(spec.kubernetes_version.removeprefix("v").split(".")[:2])
        if minor not in supported:
            message = (
                f"no built-in schemas for Kubernetes {spec.kubernetes_version}; "
                f"available: {supported[0]} to {supported[-1]}"
            )
            problem = Problem(("kubernetesVersion",), message)
            diagnostics.append(traced_diagnostic(layers, merged, problem))
            return None, diagnostics
    platforms: dict[str, BaseModel] = {}
    for platform, settings in (spec.platforms or {}).items():
        model = settings_model(platform)
        if model is None:
            problems = [Problem((), f"platform {platform!r} has no settings", at_key=True)]
        else:
            checked, problems = modelcheck.validate(model, settings)
            if checked is not None:
                platforms[platform] = checked
        for problem in problems:
            located = replace(problem, path=("platforms", platform, *problem.path))
            diagnostics.append(traced_diagnostic(layers, merged, located))
    if len(platforms) < len(spec.platforms or {}):
        return None, diagnostics
    patches = tuple(
        SourcedPatch(patch, link.document, ("spec", "patches", index))
        for link in chain
        for index, patch in enumerate(link.environment.spec.patches or ())
    )
    return ResolvedEnvironment(name, chain, spec, patches, platforms), diagnostics


def _settings(raw_spec: dict[str, Any]) -> dict[str, Any]:
    """What an environment file contributes to the merge: all but the chain and the patches."""
    return {k: v for k, v in raw_spec.items() if k not in ("extends", "patches")}


def selection_problems(
    environment: ResolvedEnvironment,
    projects: set[str],
    platforms: set[str],
    unreadable_platform: bool,
) -> list[Diagnostic]:
    """Names in the environment's own file that select nothing, or the wrong kind of file
    (its bases report their own)."""
    own = environment.chain[-1]
    found = [
        problem_diagnostic(own.document, problem)
        for problem in [
            *_project_selection_problems(own.environment.spec.projects, projects, platforms),
            *_platform_file_problems(
                own.environment.spec.platform_files, projects, platforms, unreadable_platform
            ),
        ]
    ]
    return found


def _project_selection_problems(
    selection: ProjectSelection | None, projects: set[str], platforms: set[str]
) -> list[Problem]:
    found: list[Problem] = []
    for index, pattern in enumerate(selection.exclude if selection else ()):
        # A platform file is not a project: excluding it here used to do nothing, silently.
        if pattern in platforms and pattern not in projects:
            found.append(
                Problem(
                    ("spec", "projects", "exclude", index),
                    f"excludes {pattern!r}, which is a platform file, not a project; "
                    "projects.exclude selects projects only",
                    hint="to leave the platform file out of this environment, move it to "
                    "spec.platformFiles.exclude",
                )
            )
    for index, pattern in enumerate(selection.include if selection else ()):
        if not _is_pattern(pattern) and pattern not in projects:
            found.append(
                Problem(
                    ("spec", "projects", "include", index),
                    f"includes project {pattern!r}, which does not exist",
                    hint=modelcheck.did_you_mean(pattern, sorted(projects)),
                )
            )
    return found


def _platform_file_problems(
    selection: PlatformFileSelection | None,
    projects: set[str],
    platforms: set[str],
    unreadable_platform: bool,
) -> list[Problem]:
    """A name in `platformFiles` that is no platform file's: a typo would otherwise render
    the file it meant to leave out. Not checked while a platform file is unreadable."""
    if selection is None or unreadable_platform:
        return []
    found: list[Problem] = []
    for key in ("include", "exclude"):
        for index, name in enumerate(getattr(selection, key)):
            if _is_pattern(name) or name in platforms:
                continue
            if name in projects:
                hint = f"{name!r} is a project; spec.projects.{key} selects projects"
            else:
                hint = modelcheck.did_you_mean(name, sorted(platforms)) or (
                    f"platform files: {', '.join(sorted(platforms)) or 'none'}"
                )
            found.append(
                Problem(
                    ("spec", "platformFiles", key, index),
                    f"{key}s platform file {name!r}, which does not exist",
                    hint=hint,
                )
            )
    return found


def _is_pattern(name: str) -> bool:
    return any(c in name for c in "*?[")
