"""What a target platform provides: the `Target` the pipeline calls.

A platform is one package under `targets/` whose `TARGET` is a `Target` built from its own
functions: no class forwards to them. Each compiles an instance in one pass, finding problems
and objects together (`Compiled`), so nothing is computed once to check it and again to render
it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from manifold.core.diagnostics import Diagnostic, Problem
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest, OutputKind

if TYPE_CHECKING:
    from pydantic import BaseModel

    from manifold.compile.catalog import Catalog
    from manifold.compile.instances import PlatformInstance, ProjectInstance
    from manifold.inputs.resolved import ResolvedEnvironment

Compiled = tuple[list[Problem], list[Manifest] | None]
"""What a platform cannot do with an instance (problems at its spec paths) and the instance's
objects, or None when it is not rendered (a problem is an error, or something it refers to
is broken). `targets.checked` makes one."""


class Refusal(NamedTuple):
    """What a platform would run otherwise than an object says, found once the environment
    has annotated and patched it."""

    path: JsonPath
    """In the object."""
    message: str
    annotation: str | None = None
    """The annotation (the environment's or the project's, `compile.finalize`) it is owed
    to when no patch changed the object; None when a patch did."""
    owed_to: Manifest | None = None
    """Another object, as the environment's patches leave it, whose patch the refusal is
    owed to (the runtime an InferenceService runs); None: the object's own step."""


class CompiledProject(Protocol):
    """What a platform's rules between projects read of one project's result
    (`compile.project.ProjectResult`, which the pipeline passes)."""

    @property
    def name(self) -> str: ...
    @property
    def identities(self) -> tuple[tuple[str, str, str, str], ...]: ...
    @property
    def manifests(self) -> tuple[Manifest, ...]:
        """Its objects as the environment's patches leave them; none when reused."""

    @property
    def owner(self) -> ProjectInstance | None:
        """The instance it rendered; None when it was not rendered, or reused."""


class Finding(NamedTuple):
    """A problem only the whole environment shows (`Target.environment_problems`), held by
    the project it is reported in: its result then has an error, and is not kept for reuse."""

    project: str
    diagnostic: Diagnostic


def _nothing_across(
    fresh: Mapping[str, CompiledProject], reused: Mapping[str, CompiledProject]
) -> Sequence[Finding] | None:
    return ()


def _always_available(manifest: Manifest, environment: ResolvedEnvironment) -> str | None:
    return None


def _nothing_refused(
    instance: ProjectInstance | PlatformInstance,
    catalog: Catalog,
    rendered: Manifest,
    final: Manifest,
) -> list[Refusal]:
    return []


def _no_dependency_refused(
    instance: ProjectInstance, catalog: Catalog, final: Manifest
) -> list[Refusal]:
    return []


@dataclass(frozen=True)
class Target:
    """A platform projects (and a platform file) can be rendered for.

    `catalog` (an argument of `compile` and `compile_platform`) is everything else the
    environment holds: other projects, the platform file.
    """

    name: str
    accelerators: str
    """The platform file's list of what `resources.gpu.type` names: acceleratorClasses, or
    gpuTypes (Run:ai's node pools and node types)."""
    output_kinds: Callable[[], Iterable[OutputKind]]
    """Every kind `compile` and `compile_platform` can produce."""
    compile: Callable[[ProjectInstance, Catalog], Compiled]
    """One project in one environment: its problems and the platform's objects for it."""
    compile_platform: Callable[[PlatformInstance, Catalog], Compiled]
    """The platform file in one environment: its problems and its objects."""
    options: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    """The platform's own option models, by the site a project's block names
    (`manifold.models.blocks.PlatformBlock`): it checks the block, and gives its schema."""
    service_defaults: Mapping[str, Any] = field(default_factory=dict)
    """Platform defaults under every service: the first, weakest overlay layer."""
    unavailable: Callable[[Manifest, ResolvedEnvironment], str | None] = _always_available
    """Why the environment's cluster cannot take a manifest (its kind is not part of the API
    level the environment says the cluster runs), as a message; None when it can."""
    final_refusals: Callable[
        [ProjectInstance | PlatformInstance, Catalog, Manifest, Manifest], list[Refusal]
    ] = _nothing_refused
    """The platform's own rules on an object after a step of the environment, where the
    object before the step (`rendered`) passed them: a project's after the annotations
    `finalize` gives it and after the patches (`compile.project`), a platform file's after
    the patches (`pipeline.stages`)."""
    dependency_refusals: Callable[[ProjectInstance, Catalog, Manifest], list[Refusal]] = (
        _no_dependency_refused
    )
    """The platform's rules on a project's object (as the environment leaves it) against
    the objects it depends on as the environment's patches leave them (`Catalog.patched`),
    where those differ from how they were rendered: each refusal `owed_to` the patched one.
    Called by `compile.project` for every object of a project, after the patches."""
    environment_problems: Callable[
        [Mapping[str, CompiledProject], Mapping[str, CompiledProject]], Sequence[Finding] | None
    ] = _nothing_across
    """The platform's rules between projects of one environment, on their objects as the
    environment's patches leave them (a benchmark of another project's service): called by
    `pipeline.stages` once every project is compiled or reused, before any result is kept.

    A project compiled here (`fresh`) has its objects and instance; one reused (`reused`)
    has only its objects' identities. A rule judges the objects of compiled projects, and
    relates a project only to projects it looked up while compiling
    (`compile.project.ProjectResult.looked_up`): a reused one was kept without errors, and
    it and what it looked up are unchanged, so its verdict is too. It returns None when it
    must see a reused project's objects to say where a problem is: the environment is then
    rendered again without reuse, as for collisions."""
