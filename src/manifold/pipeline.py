"""The stages in order, and the commands built from them.

sources.read_document      files            -> Document
decode.decode              Document         -> Project | Environment
environments.resolve       Environment[]    -> ResolvedEnvironment (extends flattened)
expand.expand              Project x Env    -> ProjectInstance (overlays merged)
references / target.check  ProjectInstance  -> Problems
target.render              ProjectInstance  -> Manifest[]
finalize                   Manifest[]       -> Manifest[] (namespace, labels, Namespaces)
patches.apply_patches      Manifest[]       -> Manifest[] (environment patches)
validate.object_errors     Manifest         -> schema errors
layout.layout              Manifest[]       -> files of rendered/<env>/
writer.write_tree          files            -> rendered/ (atomic)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold import layout, writer
from manifold.decode import decode, problem_diagnostic
from manifold.diagnostics import Diagnostic, Diagnostics, Problem, Severity, shown
from manifold.environments import EnvironmentFile, ResolvedEnvironment, resolve_environments
from manifold.errors import DriftFound, ProblemsFound, UsageProblem
from manifold.expand import ProjectFile, ProjectInstance, expand, includes
from manifold.finalize import finalize, namespaces
from manifold.modelcheck import did_you_mean
from manifold.options import CheckOptions, RenderOptions, SchemasOptions, ValidateOptions
from manifold.patches import apply_patches
from manifold.paths import format_json_path
from manifold.references import check_references
from manifold.schemastore import (
    DEFAULT_KUBERNETES_VERSION,
    SCHEMAS_DIR,
    SchemaStore,
    generated_files,
)
from manifold.sources import ENVIRONMENTS_DIR, PROJECTS_DIR, Document, discover, read_document
from manifold.targets.base import Manifest
from manifold.targets.registry import get_target
from manifold.validate import object_errors

Progress = Callable[[str, int, int], None]
"""Called as (environment, projects done, projects in it)."""


@dataclass(frozen=True)
class Inputs:
    projects: list[ProjectFile]
    environments: dict[str, ResolvedEnvironment]
    declared_environments: frozenset[str]


@dataclass(frozen=True)
class Build:
    """Everything a run renders, in memory: the text of each file under rendered/."""

    environments: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    objects: int = 0

    def encoded(self) -> dict[str, bytes]:
        return {path: text.encode() for path, text in self.files.items()}


@dataclass(frozen=True)
class Outcome:
    """A command that succeeded: what to tell the user, and warnings."""

    summary: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    """More for programs: added to the JSON output."""


# --------------------------------------------------------------------------- inputs


def load_inputs(root: Path, diagnostics: Diagnostics) -> Inputs:
    documents: dict[str, list[Document]] = {}
    for folder in (PROJECTS_DIR, ENVIRONMENTS_DIR):
        documents[folder] = []
        for relative in discover(root, folder):
            read = read_document(root, relative)
            if isinstance(read, Diagnostic):
                diagnostics.add(read)
            else:
                documents[folder].append(read)

    environment_files = []
    for document in documents[ENVIRONMENTS_DIR]:
        environment, found = decode(document, "Environment")
        diagnostics.extend(found)
        if environment is not None:
            environment_files.append(EnvironmentFile(document, environment))
    environments, found = resolve_environments(environment_files)
    diagnostics.extend(found)
    declared = frozenset(file.name for file in environment_files)

    projects: dict[str, ProjectFile] = {}
    for document in documents[PROJECTS_DIR]:
        project, found = decode(document, "Project")
        diagnostics.extend(found)
        if project is None:
            continue
        if project.name in projects:
            diagnostics.add(
                problem_diagnostic(
                    document,
                    Problem(
                        ("metadata", "name"),
                        f"project {project.name!r} is already defined in "
                        f"{projects[project.name].document.path}",
                    ),
                )
            )
            continue
        projects[project.name] = ProjectFile(document, project)
        diagnostics.extend(_unknown_overrides(projects[project.name], declared))

    for resolved in environments.values():
        diagnostics.extend(_environment_problems(resolved, set(projects)))
    return Inputs(sorted(projects.values(), key=lambda p: p.name), environments, declared)


def _unknown_overrides(file: ProjectFile, declared: frozenset[str]) -> list[Diagnostic]:
    return [
        problem_diagnostic(
            file.document,
            Problem(
                ("spec", "environments", name),
                f"override for environment {name!r}, which does not exist",
                at_key=True,
                hint=did_you_mean(name, sorted(declared))
                or f"environments: {', '.join(sorted(declared)) or 'none'}",
            ),
        )
        for name in file.project.spec.environments
        if name not in declared
    ]


def _environment_problems(environment: ResolvedEnvironment, projects: set[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    own = environment.chain[-1]
    selection = own.environment.spec.projects
    for index, pattern in enumerate(selection.include if selection else ()):
        if not any(c in pattern for c in "*?[") and pattern not in projects:
            found.append(
                problem_diagnostic(
                    own.document,
                    Problem(
                        ("spec", "projects", "include", index),
                        f"includes project {pattern!r}, which does not exist",
                        hint=did_you_mean(pattern, sorted(projects)),
                    ),
                )
            )
    return found


# --------------------------------------------------------------------------- build


def build(
    root: Path, only: Sequence[str] = (), progress: Progress | None = None
) -> tuple[Build, Diagnostics]:
    """Render every selected environment in memory; nothing is written."""
    diagnostics = Diagnostics()
    inputs = load_inputs(root, diagnostics)
    unknown = [name for name in only if name not in inputs.declared_environments]
    if unknown:
        hint = did_you_mean(unknown[0], sorted(inputs.declared_environments))
        raise UsageProblem(
            f"unknown environment {unknown[0]!r}"
            + (f"; {hint}" if hint else "")
            + f" (environments: {', '.join(sorted(inputs.declared_environments)) or 'none'})"
        )
    names = [name for name in sorted(inputs.environments) if not only or name in only]
    store = SchemaStore(root)
    files: dict[str, str] = {}
    objects = 0
    for name in names:
        environment = inputs.environments[name]
        rendered = _render_environment(environment, inputs.projects, diagnostics, progress)
        manifests = _checked(environment, rendered, store, diagnostics)
        files.update(layout.layout(name, manifests, environment.source_paths))
        objects += len(manifests)
    return Build(tuple(names), files, objects), diagnostics


@dataclass(frozen=True)
class _Rendered:
    manifests: list[Manifest]
    instances: dict[str, ProjectInstance]
    """By project name: where problems found in a project's objects are traced back to."""
    complete: bool
    """Every selected project rendered (so a patch that selects nothing is worth a warning)."""


def _render_environment(
    environment: ResolvedEnvironment,
    projects: list[ProjectFile],
    diagnostics: Diagnostics,
    progress: Progress | None,
) -> _Rendered:
    selected = [file for file in projects if includes(environment, file.name)]
    instances: list[ProjectInstance] = []
    manifests: list[Manifest] = []
    for done, file in enumerate(selected, start=1):
        instance, found = expand(file, environment)
        diagnostics.extend(found)
        if progress is not None:
            progress(environment.name, done, len(selected))
        if instance is None:
            continue
        target = get_target(instance.spec.platform)
        problems = [*check_references(instance), *target.check(instance)]
        diagnostics.extend(instance.diagnostic(problem) for problem in problems)
        if any(problem.severity is Severity.ERROR for problem in problems):
            continue
        instances.append(instance)
        manifests.extend(finalize(target.render(instance), instance))
    return _Rendered(
        [*namespaces(instances, environment), *manifests],
        {instance.name: instance for instance in instances},
        complete=len(instances) == len(selected),
    )


def _checked(
    environment: ResolvedEnvironment,
    rendered: _Rendered,
    store: SchemaStore,
    diagnostics: Diagnostics,
) -> list[Manifest]:
    """Patch the objects, then check what Kubernetes and the schemas would refuse."""
    by_project = rendered.instances
    manifests, found = apply_patches(
        rendered.manifests, environment, report_unused=rendered.complete
    )
    diagnostics.extend(found)
    for manifest, other in layout.collisions(environment.name, manifests):
        projects = " and ".join(sorted({str(manifest.project), str(other.project)}))
        problem = Problem(
            (*manifest.spec_path, "name"),
            f"{manifest.kind} {manifest.name!r} is rendered twice in environment "
            f"{environment.name!r} (by {projects}); names must be unique",
        )
        diagnostics.add(_object_diagnostic(manifest, by_project, problem))
    kubernetes_version = environment.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    for manifest in manifests:
        for error in object_errors(manifest.body, store, kubernetes_version):
            problem = Problem(
                manifest.spec_path,
                f"rendered {manifest.kind} {shown(manifest.name)} is invalid at "
                f"{format_json_path(error.path) or 'the top level'}: {error.message}",
            )
            diagnostics.add(_object_diagnostic(manifest, by_project, problem))
    return manifests


def _object_diagnostic(
    manifest: Manifest, by_project: dict[str, ProjectInstance], problem: Problem
) -> Diagnostic:
    """Point at the last patch that changed the object, else at what it was rendered from."""
    if manifest.patched_by:
        file, position = manifest.patched_by[-1]
        return Diagnostic(
            problem.message, file=file, position=position, hint="changed by this patch"
        )
    instance = by_project.get(manifest.project or "")
    if instance is not None:
        return instance.diagnostic(problem)
    return Diagnostic(problem.message, file=manifest.sources[0] if manifest.sources else None)


def _fail_on_errors(diagnostics: Diagnostics) -> None:
    if diagnostics.has_errors:
        raise ProblemsFound("problems found; nothing was written", diagnostics.sorted())


def _warnings(diagnostics: Diagnostics) -> list[Diagnostic]:
    return [d for d in diagnostics.sorted() if not d.is_error]


# --------------------------------------------------------------------------- commands


def render(
    options: RenderOptions, on_wait: Callable[[str], None], progress: Progress | None
) -> Outcome:
    built, diagnostics = build(options.root, options.environments, progress)
    _fail_on_errors(diagnostics)
    scope = frozenset(options.environments) if options.environments else None
    with writer.repository_lock(options.root, options.lock_timeout, on_wait):
        writer.recover(options.root)
        current = writer.read_tree(options.root / writer.RENDERED_DIR)
        changes = writer.write_tree(options.root, built.encoded(), scope, current)
    counted = f"{built.objects} objects in {len(built.environments)} environments"
    if not changes:
        summary = f"rendered/ is up to date ({counted})"
    else:
        summary = (
            f"rendered {counted}: "
            f"{len(changes.added)} added, {len(changes.changed)} changed, "
            f"{len(changes.removed)} removed"
        )
    return Outcome(summary, _warnings(diagnostics))


def check(options: CheckOptions, progress: Progress | None) -> Outcome:
    built, diagnostics = build(options.root, (), progress)
    _fail_on_errors(diagnostics)
    current = writer.read_tree(options.root / writer.RENDERED_DIR)
    changes = writer.diff_tree(current, built.encoded(), None)
    drift = [
        *(
            _drift(f"{writer.RENDERED_DIR}/{p}", "missing: run `manifold render`")
            for p in changes.added
        ),
        *(
            _drift(
                f"{writer.RENDERED_DIR}/{p}",
                "differs from what the inputs produce: run `manifold render`",
            )
            for p in changes.changed
        ),
        *(
            _drift(
                f"{writer.RENDERED_DIR}/{p}",
                "no longer produced by the inputs: run `manifold render`",
            )
            for p in changes.removed
        ),
        *schema_drift(options.root),
    ]
    if drift:
        raise DriftFound("rendered/ or schemas/ are out of date", [*drift, *_warnings(diagnostics)])
    return Outcome(
        f"rendered/ and schemas/ are up to date ({built.objects} objects in "
        f"{len(built.environments)} environments)",
        _warnings(diagnostics),
    )


def _drift(file: str, message: str) -> Diagnostic:
    return Diagnostic(message, file=file)


def schema_drift(root: Path) -> list[Diagnostic]:
    wanted = generated_files()
    folder = root / SCHEMAS_DIR
    drift = []
    for relative, text in wanted.items():
        path = folder / relative
        if not path.is_file():
            drift.append(
                _drift(f"{SCHEMAS_DIR}/{relative}", "missing: run `manifold schemas generate`")
            )
        elif path.read_text(encoding="utf-8") != text:
            drift.append(
                _drift(f"{SCHEMAS_DIR}/{relative}", "stale: run `manifold schemas generate`")
            )
    return drift


def validate(options: ValidateOptions, progress: Progress | None) -> Outcome:
    if options.paths:
        from manifold import manifestcheck  # manifests from anywhere, not the inputs

        return manifestcheck.validate_manifests(options)
    built, diagnostics = build(options.root, (), progress)
    _fail_on_errors(diagnostics)
    return Outcome(
        f"inputs and the {built.objects} objects they render are valid",
        _warnings(diagnostics),
    )


def generate_schemas(options: SchemasOptions) -> Outcome:
    folder = options.root / SCHEMAS_DIR
    wanted = generated_files()
    written = 0
    for relative, text in wanted.items():
        path = folder / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        written += 1
    return Outcome(f"schemas/: {written} of {len(wanted)} files written, the rest up to date")
