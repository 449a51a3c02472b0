"""The stages of one environment's build, in the order `STAGES` runs them: its projects and
platform files expanded, checked and rendered, then the steps that look at the whole
environment (its own objects, patches, validation, files).

Projects whose earlier result is still valid (`manifold.reuse.incremental`) are not rendered
again: their files are reused, and they take part in the environment-wide steps through
what was kept of them (namespace, identities, the patches that selected them, warnings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from manifold.compile import layout
from manifold.compile.catalog import Catalog
from manifold.compile.expand import expand
from manifold.compile.finalize import NamespaceUser, finalize, namespaces
from manifold.compile.instances import PlatformFile, PlatformInstance, ProjectFile, ProjectInstance
from manifold.compile.patches import patch_objects, unused_patches
from manifold.compile.platform_files import expand_platforms
from manifold.compile.validate import object_errors
from manifold.core.diagnostics import Diagnostics, Problem, shown
from manifold.core.jsonpath import format_json_path
from manifold.core.kept import KeptFile
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.pipeline.objects import (
    collisions_reported,
    level_note,
    object_diagnostic,
    unavailable_kinds,
)
from manifold.reuse import incremental
from manifold.reuse.incremental import (
    CachedObject,
    CachedProject,
    Lookups,
)
from manifold.schemas.store import DEFAULT_KUBERNETES_VERSION, SchemaStore
from manifold.targets.registry import get_target

Progress = Callable[[str, int, int], None]
"""Called as (environment, projects done, projects in it)."""


class ProjectSource(Protocol):
    """What an environment needs of the repository's projects (pipeline.Inputs)."""

    @property
    def names(self) -> frozenset[str]: ...

    digests: dict[str, str]
    unreadable_projects: frozenset[str]
    unreadable_platform: bool
    platforms: list[PlatformFile]

    def project_file(self, name: str) -> ProjectFile: ...


@dataclass
class RenderedEnvironment:
    files: dict[str, str | KeptFile]
    count: int
    """Objects rendered (or reused)."""
    projects: dict[str, CachedProject] = field(default_factory=dict)
    """What to keep for the next render, by project name."""
    objects: dict[str, CachedObject] = field(default_factory=dict)
    """The environment's own objects (namespaces, platform objects) to keep, by content key."""


@dataclass
class _Unit:
    """One project's objects (or one of the environment's own) on their way to files."""

    manifests: list[Manifest]
    owner: ProjectInstance | PlatformInstance | None
    key: str = ""
    """For one of the environment's own objects: its content before patches."""
    own: Diagnostics = field(default_factory=Diagnostics)
    selecting: set[int] = field(default_factory=set)
    placed: list[layout.PlacedFile] = field(default_factory=list)


@dataclass
class _Build:
    """One environment on its way through the stages: what each stage gives the next."""

    environment: ResolvedEnvironment
    inputs: ProjectSource
    store: SchemaStore
    diagnostics: Diagnostics
    progress: Progress | None
    selected: list[str]
    reused: dict[str, CachedProject]
    cached_objects: dict[str, CachedObject]
    lookups: Lookups = field(default_factory=Lookups)
    units: dict[str, _Unit] = field(default_factory=dict)
    """Each project rendered again, by name."""
    expanded: dict[str, ProjectInstance] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    catalog: Catalog | None = None
    platforms: dict[str, PlatformInstance] = field(default_factory=dict)
    platform_objects: list[Manifest] = field(default_factory=list)
    platform_namespaces: list[tuple[str, PlatformInstance, str]] = field(default_factory=list)
    owners: dict[str, ProjectInstance | PlatformInstance] = field(default_factory=dict)
    in_namespaces: list[NamespaceUser] = field(default_factory=list)
    reused_objects: dict[str, CachedObject] = field(default_factory=dict)
    namespace_units: list[_Unit] = field(default_factory=list)
    platform_units: list[_Unit] = field(default_factory=list)
    collided: bool = False
    """Objects collide, one of them reused: the build stops, to render everything again."""
    result: RenderedEnvironment | None = None

    @property
    def rendered_units(self) -> list[_Unit]:
        """In the order a full render lists them: which of two colliding objects is reported
        depends on it."""
        projects = [u for u in self.units.values() if u.owner is not None]
        return [*self.namespace_units, *projects, *self.platform_units]

    @property
    def earlier(self) -> list[CachedProject | CachedObject]:
        return [*self.reused.values(), *self.reused_objects.values()]


def run(
    environment: ResolvedEnvironment,
    inputs: ProjectSource,
    store: SchemaStore,
    diagnostics: Diagnostics,
    progress: Progress | None,
    selected: list[str],
    reused: dict[str, CachedProject],
    cached_objects: dict[str, CachedObject],
) -> RenderedEnvironment | None:
    state = _Build(
        environment, inputs, store, diagnostics, progress, selected, reused, cached_objects
    )
    for stage in STAGES:
        stage.run(state)
        if state.collided:
            return None
    return state.result


def _expand_projects(state: _Build) -> None:
    fresh = [name for name in state.selected if name not in state.reused]
    for done, name in enumerate(fresh, start=1):
        unit = state.units[name] = _Unit([], None)
        instance, found = expand(state.inputs.project_file(name), state.environment)
        unit.own.extend(found)
        if instance is None:
            state.failed.add(name)
        else:
            state.expanded[name] = instance
        if state.progress is not None:
            state.progress(state.environment.name, done, len(fresh))


def _expand_platforms(state: _Build) -> None:
    """The platform files, and with the projects the environment's catalog."""
    environment, inputs = state.environment, state.inputs

    def expand_other(name: str) -> ProjectInstance | None:
        # A project reused here, looked up by one rendered again: its own result and
        # diagnostics were kept already.
        instance, _ = expand(inputs.project_file(name), environment)
        return instance

    state.platforms, broken_platforms = expand_platforms(
        environment, inputs.platforms, inputs.unreadable_platform, state.diagnostics
    )
    state.catalog = Catalog(
        environment,
        dict(state.expanded),
        frozenset({*inputs.unreadable_projects, *broken_platforms}),
        inputs.names,
        state.platforms,
        selected=frozenset(state.selected),
        expand=expand_other,
        recorder=state.lookups,
        failed=set(state.failed),
    )


def _compile_projects(state: _Build) -> None:
    """Each project's references, its target's rules and its objects, in one pass
    (`Target.compile`), with what every object gets (finalize); a project with errors is not
    rendered."""
    assert state.catalog is not None
    state.in_namespaces = [p for p in state.reused.values() if p.in_namespaces]
    for name, instance in state.expanded.items():
        unit = state.units[name]
        state.lookups.current = name
        target = get_target(instance.spec.platform)
        problems, manifests = target.compile(instance, state.catalog)
        unit.own.extend(instance.diagnostic(problem) for problem in problems)
        if manifests is not None:
            unit.owner = instance
            unit.manifests = finalize(manifests, instance)
            unit.own.extend(
                instance.diagnostic(problem)
                for problem in unavailable_kinds(
                    target, unit.manifests, state.environment, state.store
                )
            )
            if any(kind.namespaced for kind in target.output_kinds()):
                state.in_namespaces.append(instance)
        state.lookups.current = None


def _compile_platforms(state: _Build) -> None:
    """Each platform file checked and, without errors, rendered (`Target.compile_platform`)."""
    assert state.catalog is not None
    environment = state.environment
    for platform in state.platforms.values():
        target = get_target(platform.spec.platform)
        problems, compiled = target.compile_platform(platform, state.catalog)
        state.diagnostics.extend(platform.diagnostic(problem) for problem in problems)
        if compiled is None:
            continue
        state.owners[platform.name] = platform
        objects = finalize(compiled, platform)
        state.diagnostics.extend(
            platform.diagnostic(problem)
            for problem in unavailable_kinds(target, objects, environment, state.store)
        )
        used = sorted({m.namespace for m in objects if m.namespace is not None})
        state.platform_namespaces.extend(
            (namespace, platform, platform.sources[0]) for namespace in used
        )
        state.platform_objects.extend(objects)
    state.owners.update(
        (n, u.owner) for n, u in state.units.items() if isinstance(u.owner, ProjectInstance)
    )


def _environment_objects(state: _Build) -> None:
    """The environment's own objects (Namespaces, platform objects), each by itself so that
    each can be reused."""
    namespace_objects = namespaces(
        state.in_namespaces, state.environment, state.platform_namespaces
    )
    for index, manifest in enumerate([*namespace_objects, *state.platform_objects]):
        key = incremental.object_key(manifest)
        if (hit := state.cached_objects.get(key)) is not None:
            state.reused_objects[key] = hit
        else:
            own = state.namespace_units if index < len(namespace_objects) else state.platform_units
            own.append(_Unit([manifest], None, key))


def _patch(state: _Build) -> None:
    for unit in state.rendered_units:
        unit.manifests, found, unit.selecting = patch_objects(unit.manifests, state.environment)
        unit.own.extend(found)


def _validate(state: _Build) -> None:
    """What Kubernetes and the schemas would refuse, at the object's source."""
    environment = state.environment
    kubernetes_version = environment.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    for unit in state.rendered_units:
        for manifest in unit.manifests:
            variant = manifest.schema_variant
            kind = (manifest.api_version, manifest.kind) if manifest.form is not None else None
            errors = object_errors(
                manifest.body, state.store, kubernetes_version, variant, kind, environment.name
            )
            for error in errors:
                message = (
                    f"rendered {manifest.kind} {shown(manifest.name)} is invalid at "
                    f"{format_json_path(error.path) or 'the top level'}: {error.message}"
                )
                note = level_note(manifest, error.unknown, environment.name)
                message, hint = (f"{message}: {note[0]}", note[1]) if note else (message, None)
                problem = Problem(manifest.spec_path, message, hint=hint)
                unit.own.add(object_diagnostic(manifest, state.owners, problem))


def _layout(state: _Build) -> None:
    """Files of rendered/<env>/: objects placed, collisions reported, folders assembled."""
    environment = state.environment
    rendered_units = state.rendered_units
    for unit in rendered_units:
        if environment.file_per_project:
            unit.placed = layout.place_together(environment.name, unit.manifests)
        else:
            unit.placed = [layout.place(environment.name, m) for m in unit.manifests]
    ordered = [m for unit in rendered_units for m in unit.manifests]
    earlier = state.earlier
    if not collisions_reported(environment, ordered, earlier, state.owners, state.diagnostics):
        state.collided = True
        return
    _report(state)
    placed = [f for u in rendered_units for f in u.placed]
    placed.extend(f for item in earlier for f in item.files)
    files = layout.assemble(environment.name, placed, environment.source_paths)
    count = len(ordered) + sum(len(item.files) for item in earlier)
    state.result = RenderedEnvironment(files, count, *_to_keep(state))


def _report(state: _Build) -> None:
    """Every diagnostic of the environment; unused patches only when all was rendered."""
    units = [*state.units.values(), *state.namespace_units, *state.platform_units]
    for unit in units:
        state.diagnostics.extend(unit.own)
    earlier = state.earlier
    for kept_before in earlier:
        state.diagnostics.extend(kept_before.diagnostics)
    selected, reused = len(state.selected), len(state.reused)
    if len(state.owners) == selected - reused + len(state.platforms):
        rendered_units = state.rendered_units
        selecting = set().union(*(u.selecting for u in rendered_units))
        selecting.update(*(item.selecting for item in earlier))
        state.diagnostics.extend(unused_patches(state.environment, selecting))


def _to_keep(state: _Build) -> tuple[dict[str, CachedProject], dict[str, CachedObject]]:
    """What the next render may reuse: projects and objects without errors."""
    kept = dict(state.reused)
    for name, unit in state.units.items():
        if isinstance(unit.owner, ProjectInstance) and not unit.own.has_errors:
            kept[name] = _kept(unit, unit.owner, state.inputs, state.lookups)
    kept_objects = dict(state.reused_objects)
    for unit in [*state.namespace_units, *state.platform_units]:
        if not unit.own.has_errors:
            kept_objects[unit.key] = CachedObject(
                tuple(unit.placed),
                tuple(m.identity for m in unit.manifests),
                frozenset(unit.selecting),
                tuple(d for d in unit.own if not d.is_error),
            )
    return kept, kept_objects


@dataclass(frozen=True)
class Stage:
    """One step of an environment's build, named as docs/architecture.md's table of stages
    names it (a test holds the two together)."""

    name: str
    run: Callable[[_Build], None]


STAGES: tuple[Stage, ...] = (
    Stage("compile.expand", _expand_projects),
    Stage("compile.platform_files", _expand_platforms),
    Stage("Target.compile", _compile_projects),
    Stage("Target.compile_platform", _compile_platforms),
    Stage("compile.finalize", _environment_objects),
    Stage("compile.patches", _patch),
    Stage("compile.validate", _validate),
    Stage("compile.layout", _layout),
)
"""The order in which an environment is built (sqlglot's `RULES`): `run` runs them."""


def _kept(
    unit: _Unit, instance: ProjectInstance, inputs: ProjectSource, lookups: Lookups
) -> CachedProject:
    target = get_target(instance.spec.platform)
    return CachedProject(
        instance.name,
        instance.project_path,
        inputs.digests[instance.name],
        instance.project.metadata.team,
        instance.namespace,
        any(kind.namespaced for kind in target.output_kinds()),
        tuple(unit.placed),
        tuple(m.identity for m in unit.manifests),
        frozenset(unit.selecting),
        tuple(d for d in unit.own if not d.is_error),
        incremental.dependencies(lookups.seen.get(instance.name, set()), inputs.digests),
    )
