"""Stages 4 to 10 for one environment: its projects and platform files expanded, checked and
rendered, then the steps that look at the whole environment (namespaces, patches,
collisions, validation, files).

Projects whose earlier result is still valid (`manifold.reuse.incremental`) are not rendered
again: their files are reused, and they take part in the environment-wide steps through
what was kept of them (namespace, identities, the patches that selected them, warnings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from manifold.compile import layout
from manifold.compile.catalog import BROKEN_PLATFORM_FILE, Catalog
from manifold.compile.expand import expand, includes, includes_platform_file
from manifold.compile.finalize import NamespaceUser, finalize, namespaces
from manifold.compile.instances import PlatformFile, PlatformInstance, ProjectFile, ProjectInstance
from manifold.compile.patches import patch_objects, unused_patches
from manifold.compile.platform_files import expand_platform
from manifold.compile.validate import object_errors
from manifold.core.diagnostics import Diagnostic, Diagnostics, Problem, shown
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.reuse import incremental
from manifold.reuse.incremental import (
    CachedObject,
    CachedProject,
    LazyProjects,
    Lookups,
    NotedNames,
)
from manifold.reuse.treestate import KeptFile
from manifold.schemas.store import DEFAULT_KUBERNETES_VERSION, SchemaStore
from manifold.targets.base import Target
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


def render_environment(
    environment: ResolvedEnvironment,
    inputs: ProjectSource,
    store: SchemaStore,
    diagnostics: Diagnostics,
    progress: Progress | None,
    cached: incremental.CachedEnvironment,
    disk: Mapping[str, str],
) -> RenderedEnvironment:
    """Render one environment; `cached` is what may be reused, `disk` the digests of
    manifold's files under rendered/ (a reused object's file must be there unchanged)."""
    selected = sorted(name for name in inputs.names if includes(environment, name))
    reused = {
        name: project
        for name in selected
        if (project := cached.projects.get(name)) is not None
        and incremental.still_valid(project, inputs.digests[name], inputs.digests)
        and incremental.on_disk(project.files, disk)
    }
    objects = {k: o for k, o in cached.objects.items() if incremental.on_disk(o.files, disk)}
    if environment.file_per_project:
        # The environment's own objects share their folder's file: each is rendered again
        # (they are few) so that the file can be joined from fresh text.
        objects = {}
    rendered = _render(environment, inputs, store, diagnostics, progress, selected, reused, objects)
    if rendered is None:  # objects collide, one of them reused: render all to say where
        rendered = _render(environment, inputs, store, diagnostics, progress, selected, {}, {})
        assert rendered is not None
    return rendered


def _render(
    environment: ResolvedEnvironment,
    inputs: ProjectSource,
    store: SchemaStore,
    diagnostics: Diagnostics,
    progress: Progress | None,
    selected: list[str],
    reused: dict[str, CachedProject],
    cached_objects: dict[str, CachedObject],
) -> RenderedEnvironment | None:
    fresh = [name for name in selected if name not in reused]
    lookups = Lookups()
    units: dict[str, _Unit] = {}
    expanded: dict[str, ProjectInstance] = {}
    failed: set[str] = set()
    for done, name in enumerate(fresh, start=1):
        unit = units[name] = _Unit([], None)
        instance, found = expand(inputs.project_file(name), environment)
        unit.own.extend(found)
        if instance is None:
            failed.add(name)
        else:
            expanded[name] = instance
        if progress is not None:
            progress(environment.name, done, len(fresh))

    def expand_other(name: str) -> ProjectInstance | None:
        # A project reused here, looked up by one rendered again: its own result and
        # diagnostics were kept already.
        instance, _ = expand(inputs.project_file(name), environment)
        return instance

    projects = LazyProjects(dict(expanded), frozenset(selected), expand_other, lookups, failed)
    platforms, broken_platforms = _platforms(environment, inputs, diagnostics)
    broken = frozenset({*inputs.unreadable_projects, *broken_platforms})
    catalog = Catalog(
        environment,
        projects,
        NotedNames(broken, lookups, projects.failed),
        NotedNames(inputs.names, lookups),
        platforms,
    )

    in_namespaces: list[NamespaceUser] = [p for p in reused.values() if p.in_namespaces]
    for name, instance in expanded.items():
        unit = units[name]
        target = get_target(instance.spec.platform)
        lookups.current = name
        problems, manifests = target.compile(instance, catalog)
        unit.own.extend(instance.diagnostic(problem) for problem in problems)
        if manifests is not None:
            unit.owner = instance
            unit.manifests = finalize(manifests, instance)
            unit.own.extend(
                instance.diagnostic(problem)
                for problem in unavailable_kinds(target, unit.manifests, environment, store)
            )
            if any(kind.namespaced for kind in target.output_kinds()):
                in_namespaces.append(instance)
        lookups.current = None

    platform_objects: list[Manifest] = []
    platform_namespaces: list[tuple[str, PlatformInstance, str]] = []
    owners: dict[str, ProjectInstance | PlatformInstance] = {}
    for platform in platforms.values():
        target = get_target(platform.spec.platform)
        problems, objects = target.compile_platform(platform, catalog)
        diagnostics.extend(platform.diagnostic(problem) for problem in problems)
        if objects is None:
            continue
        owners[platform.name] = platform
        objects = finalize(objects, platform)
        diagnostics.extend(
            platform.diagnostic(problem)
            for problem in unavailable_kinds(target, objects, environment, store)
        )
        used = sorted({m.namespace for m in objects if m.namespace is not None})
        platform_namespaces.extend((namespace, platform, platform.sources[0]) for namespace in used)
        platform_objects.extend(objects)
    owners.update((n, u.owner) for n, u in units.items() if isinstance(u.owner, ProjectInstance))

    # The environment's own objects, each by itself so that each can be reused.
    namespace_objects = namespaces(in_namespaces, environment, platform_namespaces)
    reused_objects: dict[str, CachedObject] = {}
    namespace_units: list[_Unit] = []
    platform_units: list[_Unit] = []
    for index, manifest in enumerate([*namespace_objects, *platform_objects]):
        key = incremental.object_key(manifest)
        if (hit := cached_objects.get(key)) is not None:
            reused_objects[key] = hit
        else:
            own = namespace_units if index < len(namespace_objects) else platform_units
            own.append(_Unit([manifest], None, key))

    project_units = [u for u in units.values() if u.owner is not None]
    rendered_units = [*namespace_units, *project_units, *platform_units]
    complete = len(owners) == len(selected) - len(reused) + len(platforms)
    for unit in rendered_units:
        _patch_and_check(unit, environment, store, owners)
    # In the order a full render lists them: which of two colliding objects is reported
    # depends on it.
    ordered = [m for unit in rendered_units for m in unit.manifests]
    earlier: list[CachedProject | CachedObject] = [*reused.values(), *reused_objects.values()]
    if not _collisions_reported(environment, ordered, earlier, owners, diagnostics):
        return None

    for unit in [*units.values(), *namespace_units, *platform_units]:
        diagnostics.extend(unit.own)
    for kept_before in earlier:
        diagnostics.extend(kept_before.diagnostics)
    if complete:
        selecting = set().union(*(u.selecting for u in rendered_units))
        selecting.update(*(item.selecting for item in earlier))
        diagnostics.extend(unused_patches(environment, selecting))

    placed = [f for u in rendered_units for f in u.placed]
    placed.extend(f for item in earlier for f in item.files)
    files = layout.assemble(environment.name, placed, environment.source_paths)
    kept = dict(reused)
    for name, unit in units.items():
        if isinstance(unit.owner, ProjectInstance) and not unit.own.has_errors:
            kept[name] = _kept(unit, unit.owner, inputs, lookups)
    kept_objects = dict(reused_objects)
    for unit in [*namespace_units, *platform_units]:
        if not unit.own.has_errors:
            kept_objects[unit.key] = CachedObject(
                tuple(unit.placed),
                tuple(m.identity for m in unit.manifests),
                frozenset(unit.selecting),
                tuple(d for d in unit.own if not d.is_error),
            )
    count = len(ordered) + sum(len(item.files) for item in earlier)
    return RenderedEnvironment(files, count, kept, kept_objects)


def _platforms(
    environment: ResolvedEnvironment, inputs: ProjectSource, diagnostics: Diagnostics
) -> tuple[dict[str, PlatformInstance], set[str]]:
    platforms: dict[str, PlatformInstance] = {}
    broken = {BROKEN_PLATFORM_FILE} if inputs.unreadable_platform else set()
    for platform_file in inputs.platforms:
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


def _patch_and_check(
    unit: _Unit,
    environment: ResolvedEnvironment,
    store: SchemaStore,
    owners: dict[str, ProjectInstance | PlatformInstance],
) -> None:
    """Apply the environment's patches, check what Kubernetes and the schemas would refuse,
    and lay the objects out as files."""
    unit.manifests, found, unit.selecting = patch_objects(unit.manifests, environment)
    unit.own.extend(found)
    kubernetes_version = environment.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    for manifest in unit.manifests:
        variant = manifest.schema_variant
        kind = (manifest.api_version, manifest.kind) if manifest.form is not None else None
        errors = object_errors(
            manifest.body, store, kubernetes_version, variant, kind, environment.name
        )
        for error in errors:
            problem = Problem(
                manifest.spec_path,
                f"rendered {manifest.kind} {shown(manifest.name)} is invalid at "
                f"{format_json_path(error.path) or 'the top level'}: {error.message}",
            )
            unit.own.add(object_diagnostic(manifest, owners, problem))
    if environment.file_per_project:
        unit.placed = layout.place_together(environment.name, unit.manifests)
    else:
        unit.placed = [layout.place(environment.name, manifest) for manifest in unit.manifests]


def _collisions_reported(
    environment: ResolvedEnvironment,
    manifests: list[Manifest],
    earlier: list[CachedProject | CachedObject],
    owners: dict[str, ProjectInstance | PlatformInstance],
    diagnostics: Diagnostics,
) -> bool:
    """Report objects Kubernetes would take for one, or that would share a file; False when
    a reused object is involved (all is then rendered again, to say where)."""
    taken = {identity for item in earlier for identity in item.identities}
    paths = {f.path for item in earlier for f in item.files}
    for manifest in manifests:
        if manifest.identity in taken or layout.manifest_path(environment.name, manifest) in paths:
            return False
    for manifest, other in layout.collisions(environment.name, manifests):
        projects = " and ".join(sorted({str(manifest.project), str(other.project)}))
        problem = Problem(
            (*manifest.spec_path, "name"),
            f"{manifest.kind} {manifest.name!r} is rendered twice in environment "
            f"{environment.name!r} (by {projects}); names must be unique",
        )
        diagnostics.add(object_diagnostic(manifest, owners, problem))
    return True


def unavailable_kinds(
    target: Target,
    manifests: list[Manifest],
    environment: ResolvedEnvironment,
    store: SchemaStore,
) -> list[Problem]:
    """An error at what asked for each object of a kind the environment's cluster lacks (its
    platform's API level there, or the CRDs imported for it): Flux and Argo CD apply an
    environment as one unit."""
    problems = []
    leave_out = f"or leave this out of environment {environment.name!r} with an override"
    for manifest in manifests:
        why = target.unavailable(manifest, environment)
        if why is not None:
            hint = (
                f"raise spec.platforms.{target.name}.apiLevel in environments/"
                f"{environment.name}.yaml if the cluster has the kind, {leave_out}"
            )
            problems.append(Problem(manifest.spec_path, why, hint=hint))
            continue
        why = store.not_imported(environment.name, manifest.api_version, manifest.kind)
        if why is not None:
            hint = (
                f"if the cluster has it, import its CRD too (manifold schemas import FILE "
                f"--env {environment.name}), {leave_out}"
            )
            problems.append(Problem(manifest.spec_path, why, hint=hint))
    return problems


def object_diagnostic(
    manifest: Manifest,
    owners: dict[str, ProjectInstance | PlatformInstance],
    problem: Problem,
) -> Diagnostic:
    """Point at the last patch that changed the object, else at what it was rendered from."""
    if manifest.patched_by:
        file, position = manifest.patched_by[-1]
        return Diagnostic(
            problem.message, file=file, position=position, hint="changed by this patch"
        )
    instance = owners.get(manifest.project or "")
    if instance is not None:
        return instance.diagnostic(problem)
    return Diagnostic(problem.message, file=manifest.sources[0] if manifest.sources else None)


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
