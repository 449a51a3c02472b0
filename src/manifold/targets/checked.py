"""A target's compile, gated: what every platform checks first (references resolve, names are
unique: `compile.references`), then the platform's own problems, and its objects only when none
of them is an error and nothing the instance refers to is broken.

Renderers rely on that gate (a model found, a runtime resolved), so it sits in one place every
target's `compile` goes through, rather than in each of them or in the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.references import (
    check_platform_references,
    check_references,
    relies_on_broken,
)
from manifold.core.diagnostics import Problem, Severity
from manifold.core.manifest import Manifest
from manifold.targets.base import Compiled


def _has_error(problems: list[Problem]) -> bool:
    return any(problem.severity is Severity.ERROR for problem in problems)


def project_compiled(
    instance: ProjectInstance,
    catalog: Catalog,
    own: Callable[[], Iterable[Problem]],
    render: Callable[[], list[Manifest]],
) -> Compiled:
    """The references' problems and the platform's `own`, then `render`'s objects when they
    may be rendered (None when not)."""
    problems = list(check_references(instance, catalog))
    problems.extend(own())
    if _has_error(problems) or relies_on_broken(instance, catalog):
        return problems, None
    return problems, render()


def platform_compiled(
    platform: PlatformInstance,
    own: Callable[[], Iterable[Problem]],
    render: Callable[[], list[Manifest]],
) -> Compiled:
    """The platform file's references' problems and the platform's `own`, then `render`'s
    objects when none of them is an error (None when not)."""
    problems = [*check_platform_references(platform), *own()]
    if _has_error(problems):
        return problems, None
    return problems, render()


def check_then_render(
    check: Callable[[ProjectInstance, Catalog], Iterable[Problem]],
    render: Callable[[ProjectInstance, Catalog], list[Manifest]],
) -> Callable[[ProjectInstance, Catalog], Compiled]:
    """A target's `compile` from its rules and its renderer, for a renderer that relies on
    the rules (and the references) having found no error."""

    def compile_project(instance: ProjectInstance, catalog: Catalog) -> Compiled:
        return project_compiled(
            instance, catalog, lambda: check(instance, catalog), lambda: render(instance, catalog)
        )

    return compile_project
