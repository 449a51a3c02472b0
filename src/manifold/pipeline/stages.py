"""The stages of one environment's build, in the order `STAGES` runs them: its projects
compiled one by one (`compile.project.compile_project`) and its platform files, then the
steps that look at the whole environment (its own objects, patches and validation of those,
collisions, files).

The environment-wide steps take each project as a `ProjectResult`, whether it was compiled
here or got from the project result store (`manifold.reuse.incremental.ProjectResults`):
the build asks the store for a project first, and compiles and puts it only when the store
has no valid result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from manifold.compile import layout
from manifold.compile.catalog import Catalog
from manifold.compile.expand import expand
from manifold.compile.finalize import finalize, namespace_object, namespace_users
from manifold.compile.instances import PlatformFile, PlatformInstance, ProjectFile, ProjectInstance
from manifold.compile.patches import patch_objects, unused_patches
from manifold.compile.platform_files import expand_platforms
from manifold.compile.project import (
    Expansion,
    ProjectResult,
    compile_project,
    object_diagnostic,
    placed,
    refusal_message,
    unavailable_kinds,
    validated,
)
from manifold.core.diagnostics import Diagnostics, Problem
from manifold.core.kept import ByDigest
from manifold.core.manifest import Manifest
from manifold.core.memo import Memo
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.pipeline.objects import collisions_reported
from manifold.reuse import incremental
from manifold.reuse.incremental import CachedObject, ProjectKey, ProjectResults
from manifold.schemas.store import SchemaStore
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
    files: Mapping[str, str | ByDigest]
    count: int
    """Objects rendered (or reused)."""
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What the next render may reuse of the projects: the store's entries, by name (set by
    `pipeline.environment`, which holds the store)."""
    objects: dict[str, CachedObject] = field(default_factory=dict)
    """The environment's own objects (namespaces, platform objects) to keep, by content key."""


@dataclass
class _OwnObject:
    """One of the environment's own objects (a Namespace, a platform object) on its way to a
    file, each by itself so that each can be reused."""

    manifest: Manifest
    key: str
    """Its content before patches."""
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
    results: ProjectResults
    context: str
    cached_objects: dict[str, CachedObject]
    memo: Memo | None = None
    """What the command keeps between renders, passed to the compiler (`core.memo`)."""
    reused: dict[str, ProjectResult] = field(default_factory=dict)
    """Projects the store gave, by name."""
    expanded: dict[str, Expansion] = field(default_factory=dict)
    """Projects to compile, expanded, by name."""
    fresh: dict[str, ProjectResult] = field(default_factory=dict)
    """Projects compiled here, by name."""
    catalog: Catalog | None = None
    platforms: dict[str, PlatformInstance] = field(default_factory=dict)
    platform_objects: list[Manifest] = field(default_factory=list)
    platform_namespaces: list[tuple[str, PlatformInstance, str]] = field(default_factory=list)
    owners: dict[str, ProjectInstance | PlatformInstance] = field(default_factory=dict)
    reused_objects: dict[str, CachedObject] = field(default_factory=dict)
    namespace_objects: list[_OwnObject] = field(default_factory=list)
    platform_units: list[_OwnObject] = field(default_factory=list)
    collided: bool = False
    """Objects collide, one of them reused, or a rule between projects must see a reused
    one's objects: the build stops, to render everything again."""
    result: RenderedEnvironment | None = None

    @property
    def own_objects(self) -> list[_OwnObject]:
        return [*self.namespace_objects, *self.platform_units]

    @property
    def earlier(self) -> list[ProjectResult | CachedObject]:
        return [*self.reused.values(), *self.reused_objects.values()]


def run(
    environment: ResolvedEnvironment,
    inputs: ProjectSource,
    store: SchemaStore,
    diagnostics: Diagnostics,
    progress: Progress | None,
    selected: list[str],
    results: ProjectResults,
    context: str,
    cached_objects: dict[str, CachedObject],
    memo: Memo | None = None,
) -> RenderedEnvironment | None:
    state = _Build(
        environment,
        inputs,
        store,
        diagnostics,
        progress,
        selected,
        results,
        context,
        cached_objects,
        memo,
    )
    for stage in STAGES:
        stage.run(state)
        if state.collided:
            return None
    return state.result


def _key(state: _Build, name: str) -> ProjectKey:
    digests = state.inputs.digests
    return ProjectKey(name, digests[name], state.context, digests)


def _expand_projects(state: _Build) -> None:
    """Each project the store has a valid result for is reused; the others are expanded."""
    for name in state.selected:
        if (hit := state.results.get(_key(state, name))) is not None:
            state.reused[name] = hit
    fresh = [name for name in state.selected if name not in state.reused]
    for done, name in enumerate(fresh, start=1):
        state.expanded[name] = expand(state.inputs.project_file(name), state.environment)
        if state.progress is not None:
            state.progress(state.environment.name, done, len(fresh))


def _expand_platforms(state: _Build) -> None:
    """The platform files, and with the projects the environment's catalog."""
    environment, inputs = state.environment, state.inputs

    def expand_other(name: str) -> ProjectInstance | None:
        # A project reused here, looked up by one compiled again: its own result and
        # diagnostics were kept already.
        instance, _ = expand(inputs.project_file(name), environment)
        return instance

    state.platforms, broken_platforms = expand_platforms(
        environment, inputs.platforms, inputs.unreadable_platform, state.diagnostics
    )
    expanded = {n: instance for n, (instance, _) in state.expanded.items() if instance}
    state.catalog = Catalog(
        environment,
        expanded,
        frozenset({*inputs.unreadable_projects, *broken_platforms}),
        inputs.names,
        state.platforms,
        selected=frozenset(state.selected),
        expand=expand_other,
        failed={n for n, (instance, _) in state.expanded.items() if instance is None},
    )


def _compile_projects(state: _Build) -> None:
    """Each project compiled (`compile_project`: its target's rules and objects in one pass,
    finalized, patched, validated, placed), then the rules between projects; a result
    without errors is put in the store."""
    assert state.catalog is not None
    for name, expansion in state.expanded.items():
        source = state.inputs.project_file(name)
        state.fresh[name] = compile_project(
            source, state.environment, state.catalog, state.store, expanded=expansion
        )
    if not _across_projects(state):
        state.collided = True
        return
    for name, result in state.fresh.items():
        if result.owner is not None and not result.has_errors:
            state.results.put(_key(state, name), result.kept())
    state.owners.update((n, r.owner) for n, r in state.fresh.items() if r.owner is not None)


def _across_projects(state: _Build) -> bool:
    """The rules of each platform between the environment's projects
    (`Target.environment_problems`), each finding added to the result of the project it is
    reported in, before results are kept; False when a rule must see a reused project's
    objects (the environment is rendered again without reuse)."""
    platforms = {r.owner.spec.platform for r in state.fresh.values() if r.owner is not None}
    for platform in sorted(platforms):
        found = get_target(platform).environment_problems(state.fresh, state.reused)
        if found is None:
            return False
        for project, diagnostic in found:
            result = state.fresh[project]
            state.fresh[project] = replace(result, diagnostics=(*result.diagnostics, diagnostic))
    return True


def _compile_platforms(state: _Build) -> None:
    """Each platform file checked and, without errors, rendered (`Target.compile_platform`),
    before the projects: what the environment's patches make of its objects is in the
    catalog the projects compile with (`Catalog.patched`)."""
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
    # Patched once more, without reports, in `_patch`: a few objects per environment.
    patched, _, _ = patch_objects(state.platform_objects, environment)
    changed = {
        (after.kind, after.name): (before, after)
        for before, after in zip(state.platform_objects, patched, strict=True)
        if after is not before
    }
    if changed:
        state.catalog = replace(state.catalog, patched=changed)


def _environment_objects(state: _Build) -> None:
    """The environment's own objects (Namespaces, platform objects), each by itself so that
    each can be reused; a reused Namespace is known by what it is built from, not built."""
    results = [*state.reused.values(), *state.fresh.values()]
    users = [r.namespace_user for r in results if r.namespace_user is not None]
    environment = state.environment
    spec = environment.spec
    facts = (environment.name, environment.source_paths, spec.labels, spec.annotations)
    for namespace, sharing in namespace_users(users, state.platform_namespaces):
        key = incremental.namespace_key(namespace, sharing, facts, state.memo)
        if (hit := state.cached_objects.get(key)) is not None:
            state.reused_objects[key] = hit
        else:
            manifest = namespace_object(namespace, sharing, environment)
            state.namespace_objects.append(_OwnObject(manifest, key))
    for manifest in state.platform_objects:
        key = incremental.object_key(manifest)
        if (hit := state.cached_objects.get(key)) is not None:
            state.reused_objects[key] = hit
        else:
            state.platform_units.append(_OwnObject(manifest, key))


def _patch(state: _Build) -> None:
    """The environment's patches on its own objects (a project's are in its result), and
    the platform's rules on a platform object a patch changed."""
    for item in state.own_objects:
        before = item.manifest
        [item.manifest], found, item.selecting = patch_objects([before], state.environment)
        item.own.extend(found)
        owner = state.owners.get(before.project or "")
        if item.manifest is not before and isinstance(owner, PlatformInstance):
            assert state.catalog is not None
            target = get_target(owner.spec.platform)
            for refusal in target.final_refusals(owner, state.catalog, before, item.manifest):
                problem = Problem((), refusal_message(item.manifest, refusal))
                item.own.add(object_diagnostic(item.manifest, state.owners, problem))


def _validate(state: _Build) -> None:
    """What Kubernetes and the schemas would refuse of the environment's own objects."""
    for item in state.own_objects:
        item.own.extend(validated([item.manifest], state.environment, state.store, state.owners))


def _layout(state: _Build) -> None:
    """Files of rendered/<env>/: objects placed, collisions reported, folders assembled."""
    environment = state.environment
    for item in state.own_objects:
        item.placed = placed(environment, [item.manifest])
    fresh = [
        *[item.manifest for item in state.namespace_objects],
        *[m for result in state.fresh.values() for m in result.manifests],
        *[item.manifest for item in state.platform_units],
    ]
    earlier = state.earlier
    if not collisions_reported(environment, fresh, earlier, state.owners, state.diagnostics):
        state.collided = True
        return
    _report(state)
    files = [
        *(f for item in state.namespace_objects for f in item.placed),
        *(f for result in state.fresh.values() for f in result.files),
        *(f for item in state.platform_units for f in item.placed),
        *(f for item in earlier for f in item.files),
    ]
    assembled = layout.assemble(environment.name, files, environment.source_paths, state.memo)
    count = len(fresh) + sum(len(item.files) for item in earlier)
    state.result = RenderedEnvironment(assembled, count, objects=_objects_to_keep(state))


def _report(state: _Build) -> None:
    """Every diagnostic of the environment; unused patches only when all was rendered."""
    for result in state.fresh.values():
        state.diagnostics.extend(result.diagnostics)
    for item in state.own_objects:
        state.diagnostics.extend(item.own)
    earlier = state.earlier
    for kept_before in earlier:
        state.diagnostics.extend(kept_before.diagnostics)
    if len(state.owners) == len(state.fresh) + len(state.platforms):
        selecting = {i for r in state.fresh.values() for i in r.selecting}
        selecting.update(*(item.selecting for item in [*state.own_objects, *earlier]))
        state.diagnostics.extend(unused_patches(state.environment, selecting))


def _objects_to_keep(state: _Build) -> dict[str, CachedObject]:
    """What the next render may reuse of the environment's own objects: those without errors
    (the projects' results are kept by the store)."""
    kept_objects = dict(state.reused_objects)
    for item in state.own_objects:
        if not item.own.has_errors:
            kept_objects[item.key] = CachedObject(
                tuple(item.placed),
                (item.manifest.identity,),
                frozenset(item.selecting),
                tuple(d for d in item.own if not d.is_error),
            )
    return kept_objects


@dataclass(frozen=True)
class Stage:
    """One step of an environment's build, named as docs/architecture.md's table of stages
    names it (a test holds the two together)."""

    name: str
    run: Callable[[_Build], None]


STAGES: tuple[Stage, ...] = (
    Stage("compile.expand", _expand_projects),
    Stage("compile.platform_files", _expand_platforms),
    Stage("Target.compile_platform", _compile_platforms),
    Stage("Target.compile", _compile_projects),
    Stage("compile.finalize", _environment_objects),
    Stage("compile.patches", _patch),
    Stage("compile.validate", _validate),
    Stage("compile.layout", _layout),
)
"""The order in which an environment is built (sqlglot's `RULES`): `run` runs them."""
