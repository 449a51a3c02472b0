"""One project of one environment compiled, from its file to the files it places: the unit
the build runs per project, and the unit that `manifold.reuse` keeps between renders.

`compile_project` is pure: it reads no disk and knows of no cache. What the project looked up
in the catalog is part of its result, so whoever keeps the result also knows what it depended
on. A result read back from a cache is the same type, holding less (`ProjectResult.kept`): the
environment-wide steps (Namespaces, collisions, unused patches, the environment's files) take
only `ProjectResult`s and cannot tell the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from manifold.compile import layout
from manifold.compile.catalog import Catalog, LookupRecorder
from manifold.compile.expand import expand
from manifold.compile.finalize import NamespaceUser, finalize
from manifold.compile.instances import PlatformInstance, ProjectFile, ProjectInstance
from manifold.compile.patches import patch_objects
from manifold.compile.validate import object_errors
from manifold.core.diagnostics import Diagnostic, Diagnostics, Problem, problem_diagnostic, shown
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.schemas.store import DEFAULT_KUBERNETES_VERSION, SchemaStore
from manifold.targets.base import Refusal, Target
from manifold.targets.registry import get_target

Identity = tuple[str, str, str, str]
Expansion = tuple[ProjectInstance | None, list[Diagnostic]]
"""What `compile.expand.expand` gives for a project file."""


@dataclass(frozen=True)
class ProjectResult:
    """Everything the environment-wide steps need of one project in one environment."""

    name: str
    path: str
    """The project's file."""
    files: tuple[layout.PlacedFile, ...]
    identities: tuple[Identity, ...]
    """Of its objects, as Kubernetes tells them apart (collisions)."""
    selecting: frozenset[int]
    """The environment's patches that selected one of its objects, by position."""
    diagnostics: tuple[Diagnostic, ...]
    looked_up: frozenset[str]
    """Other projects it looked up in the catalog (`catalog.EVERY_PROJECT`: all of them)."""
    namespace_user: NamespaceUser | None
    """What its namespace's Namespace is rendered from; None when it renders nothing there."""
    manifests: tuple[Manifest, ...] = ()
    """Its objects, patched: for reporting collisions where they are (not kept)."""
    owner: ProjectInstance | None = None
    """The instance it rendered, None when it could not be rendered (or once kept): problems
    of its objects are traced through it."""

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def kept(self) -> ProjectResult:
        """The result as a later render may reuse it: without objects and instance."""
        return replace(self, manifests=(), owner=None)


_NOTHING: tuple[frozenset[str], None] = (frozenset(), None)
"""A project that rendered nothing looked nothing up that matters and uses no namespace."""


class _Seen:
    """The projects one project looks up, passed on to the catalog's own recorder."""

    def __init__(self, name: str, outer: LookupRecorder | None) -> None:
        self.name = name
        self.outer = outer
        self.names: set[str] = set()

    def note(self, name: str) -> None:
        if name != self.name:
            self.names.add(name)
        if self.outer is not None:
            self.outer.note(name)


def compile_project(
    source: ProjectFile,
    environment: ResolvedEnvironment,
    catalog: Catalog,
    store: SchemaStore,
    expanded: Expansion | None = None,
) -> ProjectResult:
    """The project expanded (or as `expanded` gives it), checked and rendered by its target
    in one pass (`Target.compile`), finalized, patched by the environment, validated against
    its schemas and placed in files; a project with errors renders no files."""
    instance, found = expanded if expanded is not None else expand(source, environment)
    own = Diagnostics()
    own.extend(found)
    seen = _Seen(source.name, catalog.recorder)
    if instance is None:
        path = source.document.path
        return ProjectResult(source.name, path, (), (), frozenset(), tuple(own), *_NOTHING)
    target = get_target(instance.spec.platform)
    recording = replace(catalog, recorder=seen)
    problems, compiled = target.compile(instance, recording)
    own.extend(instance.diagnostic(problem) for problem in problems)
    if compiled is None:
        return ProjectResult(
            instance.name, instance.project_path, (), (), frozenset(), tuple(own), *_NOTHING
        )
    annotated = finalize(compiled, instance)
    own.extend(
        instance.diagnostic(p) for p in unavailable_kinds(target, annotated, environment, store)
    )
    manifests, patch_problems, selecting = patch_objects(annotated, environment)
    own.extend(patch_problems)
    for steps in zip(compiled, annotated, manifests, strict=True):
        own.extend(_refused_after(target, instance, recording, source, *steps))
    own.extend(_refused_by_dependencies(target, instance, recording, annotated, manifests))
    own.extend(validated(manifests, environment, store, {instance.name: instance}))
    return ProjectResult(
        instance.name,
        instance.project_path,
        tuple(placed(environment, manifests)),
        tuple(m.identity for m in manifests),
        frozenset(selecting),
        tuple(own),
        frozenset(seen.names),
        _namespace_user(instance, target),
        tuple(manifests),
        instance,
    )


_ANNOTATION_HINT = (
    "the {owner} gives this annotation to every object it renders: remove it here, or "
    "give it to the objects it holds for (a service's or a component's own annotations)"
)


def _refused_after(
    target: Target,
    instance: ProjectInstance,
    catalog: Catalog,
    source: ProjectFile,
    rendered: Manifest,
    annotated: Manifest,
    patched: Manifest,
) -> list[Diagnostic]:
    """The platform's refusals owed to the annotations `finalize` gave the object, then to
    the environment's patches: each at what it is owed to, none reported twice."""
    refusals = target.final_refusals(instance, catalog, rendered, annotated)
    found = [_refused(instance, source, annotated, refusal) for refusal in refusals]
    if patched is not annotated:
        refusals = target.final_refusals(instance, catalog, annotated, patched)
        found += [_refused(instance, source, patched, refusal) for refusal in refusals]
    return found


def _refused_by_dependencies(
    target: Target,
    instance: ProjectInstance,
    catalog: Catalog,
    annotated: list[Manifest],
    patched: list[Manifest],
) -> list[Diagnostic]:
    """The platform's refusals of the project's objects owed to what the environment's
    patches make of the objects they use (its own and the platform file's), each at the
    patch of the object it is owed to."""
    own = {
        (after.kind, after.name): (before, after)
        for before, after in zip(annotated, patched, strict=True)
        if after is not before
    }
    if not own and not catalog.patched:
        return []
    leaving = replace(catalog, patched={**catalog.patched, **own})
    owners: dict[str, ProjectInstance | PlatformInstance] = {instance.name: instance}
    found = []
    for final in patched:
        for refusal in target.dependency_refusals(instance, leaving, final):
            problem = Problem((), refusal_message(final, refusal))
            found.append(object_diagnostic(refusal.owed_to or final, owners, problem))
    return found


def _refused(
    instance: ProjectInstance, source: ProjectFile, final: Manifest, refusal: Refusal
) -> Diagnostic:
    """A platform's refusal of an object as the environment leaves it, at what it is owed
    to: the last patch that changed the object, or the annotation (the project's, else
    that of the environment file that sets it)."""
    message = refusal_message(final, refusal)
    key = refusal.annotation
    if key is None:
        return object_diagnostic(final, {instance.name: instance}, Problem((), message))
    hint = _ANNOTATION_HINT.format(owner="project")
    if key in (instance.metadata.annotations or {}):
        return problem_diagnostic(
            source.document, Problem(("metadata", "annotations", key), message, hint=hint)
        )
    for file in reversed(instance.environment.chain):  # its own file first, then parents'
        annotations = file.raw_spec.get("annotations")
        if isinstance(annotations, dict) and key in annotations:
            hint = _ANNOTATION_HINT.format(owner="environment")
            problem = Problem(("spec", "annotations", key), message, hint=hint)
            return problem_diagnostic(file.document, problem)
    return object_diagnostic(final, {instance.name: instance}, Problem((), message))


def refusal_message(final: Manifest, refusal: Refusal) -> str:
    return (
        f"{final.kind} {shown(final.name)} as the environment leaves it, at "
        f"{format_json_path(refusal.path)}: {refusal.message}"
    )


def _namespace_user(instance: ProjectInstance, target: Target) -> NamespaceUser | None:
    if not any(kind.namespaced for kind in target.output_kinds()):
        return None
    return NamespaceUser(
        instance.name, instance.namespace, instance.metadata.team, instance.project_path
    )


def placed(environment: ResolvedEnvironment, manifests: list[Manifest]) -> list[layout.PlacedFile]:
    """The objects' files, in the environment's layout."""
    if environment.file_per_project:
        return layout.place_together(environment.name, manifests)
    return [layout.place(environment.name, m) for m in manifests]


def validated(
    manifests: list[Manifest],
    environment: ResolvedEnvironment,
    store: SchemaStore,
    owners: dict[str, ProjectInstance | PlatformInstance],
) -> list[Diagnostic]:
    """What Kubernetes and the schemas would refuse of the objects, at each object's source."""
    kubernetes_version = environment.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    found = []
    for manifest in manifests:
        variant = manifest.schema_variant
        kind = (manifest.api_version, manifest.kind) if manifest.form is not None else None
        errors = object_errors(
            manifest.body, store, kubernetes_version, variant, kind, environment.name
        )
        for error in errors:
            message = (
                f"rendered {manifest.kind} {shown(manifest.name)} is invalid at "
                f"{format_json_path(error.path) or 'the top level'}: {error.message}"
            )
            note = level_note(manifest, error.unknown, environment.name)
            message, hint = (f"{message}: {note[0]}", note[1]) if note else (message, None)
            problem = Problem(manifest.spec_path, message, hint=hint)
            found.append(object_diagnostic(manifest, owners, problem))
    return found


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


def level_note(
    manifest: Manifest, unknown: tuple[str, ...], environment: str
) -> tuple[str, str] | None:
    """What the object's kind says of fields unknown at its API level (see OutputKind)."""
    output = manifest.form.output if manifest.form is not None else None
    if not unknown or manifest.schema_variant is None or output is None:
        return None
    if output.level_note is None:
        return None
    return output.level_note(manifest.schema_variant, unknown, environment)


def object_diagnostic(
    manifest: Manifest,
    owners: dict[str, ProjectInstance | PlatformInstance],
    problem: Problem,
) -> Diagnostic:
    """Point at the last patch that changed the object, else at what it was rendered from."""
    if manifest.patched_by:
        file, position = manifest.patched_by[-1]
        hint = "changed by this patch" + (f"; {problem.hint}" if problem.hint else "")
        return Diagnostic(problem.message, file=file, position=position, hint=hint)
    instance = owners.get(manifest.project or "")
    if instance is not None:
        return instance.diagnostic(problem)
    return Diagnostic(problem.message, file=manifest.sources[0] if manifest.sources else None)
