"""What one environment holds, for checks and renderings that reach beyond one project: a
benchmark of another project's service, a service of a platform model."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.models.common import Scope
from manifold.models.project import InlineRuntime, Model
from manifold.models.runtimes import RuntimeRef, TrainingRuntime

T = TypeVar("T")

BROKEN_PLATFORM_FILE = "platform:*"
"""In `Catalog.broken`: a platform file could not be read, so no platform's is certain."""
EVERY_PROJECT = "*"
"""What a lookup recorder is told when a project looked at every project."""


class LookupRecorder(Protocol):
    """Told each project name looked up through a catalog (the project cache's dependencies)."""

    def note(self, name: str) -> None: ...


@dataclass(frozen=True)
class Catalog:
    """An environment's projects and platform files, looked up by name. Projects not given in
    `projects` are expanded when first looked up (`expand`), and each lookup is told to the
    `recorder`, so what a project depended on is known."""

    environment: ResolvedEnvironment
    projects: dict[str, ProjectInstance] = field(default_factory=dict)
    """Projects of the environment expanded without errors so far, by name."""
    broken: frozenset[str] = frozenset()
    """Projects and platforms of the environment with errors of their own (already reported):
    references to them are not reported again."""
    declared: frozenset[str] = frozenset()
    """Every project of the repository, rendered here or not."""
    platforms: Mapping[str, PlatformInstance] = field(default_factory=dict)
    """The platform file's instance, by target platform (`ome`)."""
    selected: frozenset[str] | None = None
    """The environment's projects (None: those of `projects`)."""
    expand: Callable[[str], ProjectInstance | None] | None = None
    recorder: LookupRecorder | None = None
    failed: set[str] = field(default_factory=set)
    """Projects of the environment that did not expand."""
    patched: Mapping[tuple[str, str], tuple[Manifest, Manifest]] = field(default_factory=dict)
    """Objects the environment's patches change, by kind and name: each before the patches
    and after. The platform files' (`pipeline.stages`, before any project compiles) and,
    while a project compiles, its own (`compile.project`): what a platform's rules need to
    hold an object to what the cluster will have of those it uses (`Target.dependency_refusals`)."""

    def project(self, name: str) -> ProjectInstance | None:
        """The environment's project of that name, None if it has none (or it is broken)."""
        self._note(name)
        return self._instance(name)

    def all_projects(self) -> list[ProjectInstance]:
        """Every project of the environment that expands, by name."""
        self._note(EVERY_PROJECT)
        names = sorted(self.selected if self.selected is not None else self.projects)
        return [instance for name in names if (instance := self._instance(name)) is not None]

    def is_broken(self, name: str) -> bool:
        """Whether the project has errors of its own, here or in every environment."""
        self._note(name)
        selected = self.selected if self.selected is not None else self.projects
        return (name in selected and self._instance(name) is None) or name in self.broken

    def is_declared(self, name: str) -> bool:
        """Whether the repository has such a project, in this environment or not."""
        self._note(name)
        return name in self.declared

    def declared_names(self) -> list[str]:
        self._note(EVERY_PROJECT)
        return sorted(self.declared)

    def platform(self, target: str) -> PlatformInstance | None:
        return self.platforms.get(target)

    def describes_platform(self, target: str) -> bool:
        """Whether shared objects of `target` can be checked: a platform file declares them
        (and has no errors of its own)."""
        return target in self.platforms

    def platform_broken(self, target: str) -> bool:
        return f"platform:{target}" in self.broken or BROKEN_PLATFORM_FILE in self.broken

    def _note(self, name: str) -> None:
        if self.recorder is not None:
            self.recorder.note(name)

    def _instance(self, name: str) -> ProjectInstance | None:
        if name in self.projects:
            return self.projects[name]
        if self.expand is None or self.selected is None:
            return None
        if name not in self.selected or name in self.failed:
            return None
        instance = self.expand(name)
        if instance is None:
            self.failed.add(name)
        else:
            self.projects[name] = instance
        return instance


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True)
class Found(Generic[T]):
    """What a name resolved to, and whether the platform (rather than the project) has it."""

    item: T
    shared: bool


def _named(items: Iterable[T], name: str) -> T | None:
    return next((item for item in items if getattr(item, "name", None) == name), None)


def find_model(instance: ProjectInstance, catalog: Catalog, name: str) -> Found[Model] | None:
    """The project's model of that name, else the platform's (as OME looks in the namespace
    first, then in the cluster)."""
    own = _named(instance.spec.models, name)
    if own is not None:
        return Found(own, shared=False)
    platform = catalog.platform(instance.spec.platform)
    shared = _named(platform.spec.models, name) if platform else None
    return Found(shared, shared=True) if shared is not None else None


def project_runtimes(instance: ProjectInstance) -> list[tuple[str, Scope, Any, int | None]]:
    """Every serving runtime the project defines: (name, scope, definition, service index);
    inline runtimes carry the index of the service that defines them."""
    found: list[tuple[str, Scope, Any, int | None]] = [
        (runtime.name, runtime.scope, runtime, None) for runtime in instance.spec.runtimes
    ]
    for index, service in enumerate(instance.spec.services):
        if isinstance(service.runtime, InlineRuntime):
            name = service.runtime.name or service.name
            found.append((name, service.runtime.scope, service.runtime, index))
    return found


def _find_runtime(
    own: Iterable[tuple[str, Scope, Any]],
    shared: Iterable[Any],
    reference: str | RuntimeRef,
) -> Found[Any] | None:
    name = reference if isinstance(reference, str) else reference.ref
    scope = None if isinstance(reference, str) else reference.scope
    for own_name, own_scope, definition in own:
        if own_name == name and scope in (None, own_scope):
            return Found(definition, shared=False)
    if scope == "namespace":
        return None
    found = _named(shared, name)
    return Found(found, shared=True) if found is not None else None


def find_serving_runtime(
    instance: ProjectInstance, catalog: Catalog, reference: str | RuntimeRef
) -> Found[Any] | None:
    """A serving runtime by name (the project's, else the platform's) or by {ref, scope}."""
    own = ((name, scope, definition) for name, scope, definition, _ in project_runtimes(instance))
    platform = catalog.platform(instance.spec.platform)
    return _find_runtime(own, platform.spec.serving_runtimes if platform else (), reference)


def find_training_runtime(
    instance: ProjectInstance, catalog: Catalog, reference: str | RuntimeRef
) -> Found[TrainingRuntime] | None:
    own = ((r.name, r.scope, r) for r in instance.spec.training_runtimes)
    platform = catalog.platform(instance.spec.platform)
    return _find_runtime(own, platform.spec.training_runtimes if platform else (), reference)
