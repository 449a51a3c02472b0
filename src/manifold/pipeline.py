"""The stages in order, and the commands built from them.

sources.read_document      files            -> Document
decode.decode              Document         -> Project | Platform | Environment
environments.resolve       Environment[]    -> ResolvedEnvironment (extends flattened)
expand.expand              Project x Env    -> ProjectInstance (overlays merged)
platforms.expand_platform  Platform x Env   -> PlatformInstance; with the projects: Catalog
references / target.check  instance+Catalog -> Problems
target.render              instance+Catalog -> Manifest[]
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
from manifold.catalog import BROKEN_PLATFORM_FILE, Catalog
from manifold.decode import decode, problem_diagnostic
from manifold.diagnostics import Diagnostic, Diagnostics, Problem, Severity, shown
from manifold.environments import EnvironmentFile, ResolvedEnvironment, resolve_environments
from manifold.errors import EXIT_DIFFERENCES, EXIT_OK, DriftFound, ProblemsFound, UsageProblem
from manifold.expand import ProjectFile, ProjectInstance, expand, includes
from manifold.finalize import finalize, namespaces
from manifold.gitops.render import FOLDERS as SYNC_FOLDERS
from manifold.gitops.render import sync_layout, sync_objects
from manifold.modelcheck import did_you_mean
from manifold.options import (
    CheckOptions,
    DiffOptions,
    RenderOptions,
    SchemasOptions,
    ValidateOptions,
)
from manifold.outcome import Outcome
from manifold.patches import apply_patches
from manifold.paths import format_json_path
from manifold.platforms import PlatformFile, PlatformInstance, expand_platform
from manifold.references import check_platform_references, check_references, relies_on_broken
from manifold.schemastore import (
    DEFAULT_KUBERNETES_VERSION,
    SCHEMAS_DIR,
    SchemaStore,
    generated_files,
    imported_paths,
)
from manifold.sources import (
    ENVIRONMENTS_DIR,
    PLATFORM_DIR,
    PROJECTS_DIR,
    Document,
    discover,
    read_document,
)
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
    platforms: list[PlatformFile] = field(default_factory=list)
    unreadable_platform: bool = False
    """A file under platform/ has errors of its own: references into it are not reported."""
    unreadable_projects: frozenset[str] = frozenset()
    """Names of project files with errors of their own: references to them are not reported."""


@dataclass(frozen=True)
class Build:
    """Everything a run renders, in memory: the text of each file under rendered/."""

    environments: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    objects: int = 0
    kubernetes_versions: dict[str, str] = field(default_factory=dict)
    """By top-level folder of rendered/: the Kubernetes version its objects are checked for."""

    def encoded(self) -> dict[str, bytes]:
        return {path: text.encode() for path, text in self.files.items()}


# --------------------------------------------------------------------------- inputs


def load_inputs(root: Path, diagnostics: Diagnostics) -> Inputs:
    documents: dict[str, list[Document]] = {}
    for folder in (PROJECTS_DIR, ENVIRONMENTS_DIR, PLATFORM_DIR):
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
    unreadable: set[str] = set()
    for document in documents[PROJECTS_DIR]:
        project, found = decode(document, "Project")
        diagnostics.extend(found)
        if project is None:
            unreadable.add(_declared_name(document))
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
        diagnostics.extend(_unknown_overrides(document, project.spec.environments, declared))

    platforms = _platforms(documents[PLATFORM_DIR], set(projects), declared, diagnostics)
    for resolved in environments.values():
        diagnostics.extend(_environment_problems(resolved, set(projects)))
    return Inputs(
        sorted(projects.values(), key=lambda p: p.name),
        environments,
        declared,
        platforms,
        len(platforms) < len(discover(root, PLATFORM_DIR)),
        frozenset(unreadable - set(projects) - {""}),
    )


def _declared_name(document: Document) -> str:
    """The name a file that could not be read as a project gives itself, if any."""
    data = document.data
    metadata = data.get("metadata") if isinstance(data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else ""


def _platforms(
    documents: list[Document],
    projects: set[str],
    declared: frozenset[str],
    diagnostics: Diagnostics,
) -> list[PlatformFile]:
    """The platform files: one per target platform, named unlike any project (the name is
    the folder of its objects under rendered/<env>/)."""
    by_target: dict[str, PlatformFile] = {}
    for document in documents:
        platform, found = decode(document, "Platform")
        diagnostics.extend(found)
        if platform is None:
            continue
        problem = None
        if (other := by_target.get(platform.spec.platform)) is not None:
            problem = Problem(
                ("spec", "platform"),
                f"the {platform.spec.platform} platform is already described in "
                f"{other.document.path}; keep one platform file per platform",
            )
        elif platform.name in projects:
            problem = Problem(
                ("metadata", "name"),
                f"platform {platform.name!r} has the name of a project; the two would share "
                f"rendered/<env>/{platform.name}/",
            )
        if problem is not None:
            diagnostics.add(problem_diagnostic(document, problem))
            continue
        by_target[platform.spec.platform] = PlatformFile(document, platform)
        diagnostics.extend(_unknown_overrides(document, platform.spec.environments, declared))
    return [by_target[name] for name in sorted(by_target)]


def _unknown_overrides(
    document: Document, overrides: dict[str, Any], declared: frozenset[str]
) -> list[Diagnostic]:
    return [
        problem_diagnostic(
            document,
            Problem(
                ("spec", "environments", name),
                f"override for environment {name!r}, which does not exist",
                at_key=True,
                hint=did_you_mean(name, sorted(declared))
                or f"environments: {', '.join(sorted(declared)) or 'none'}",
            ),
        )
        for name in overrides
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
    versions = dict.fromkeys(SYNC_FOLDERS, DEFAULT_KUBERNETES_VERSION)
    for name in names:
        environment = inputs.environments[name]
        versions[name] = environment.kubernetes_version or DEFAULT_KUBERNETES_VERSION
        rendered = _render_environment(environment, inputs, diagnostics, progress)
        manifests = _checked(environment, rendered, store, diagnostics)
        files.update(layout.layout(name, manifests, environment.source_paths))
        objects += len(manifests)
    files.update(_sync_files(inputs, store, diagnostics))
    return Build(tuple(names), files, objects, versions), diagnostics


def _sync_files(inputs: Inputs, store: SchemaStore, diagnostics: Diagnostics) -> dict[str, str]:
    """Flux and Argo CD objects, from every environment whichever are rendered: they share
    folders (an ApplicationSet lists several environments)."""
    objects, found = sync_objects(inputs.environments)
    diagnostics.extend(found)
    for sync_object in objects:
        for error in object_errors(sync_object.body, store, DEFAULT_KUBERNETES_VERSION):
            where = format_json_path(error.path) or "the top level"
            diagnostics.add(sync_object.diagnostic(f"{where}: {error.message}"))
    return sync_layout(objects)


@dataclass(frozen=True)
class _Rendered:
    manifests: list[Manifest]
    owners: dict[str, ProjectInstance | PlatformInstance]
    """By project (or platform) name: where problems found in its objects are traced back to."""
    complete: bool
    """Every selected project rendered (so a patch that selects nothing is worth a warning)."""


def _render_environment(
    environment: ResolvedEnvironment,
    inputs: Inputs,
    diagnostics: Diagnostics,
    progress: Progress | None,
) -> _Rendered:
    selected = [file for file in inputs.projects if includes(environment, file.name)]
    catalog = _catalog(environment, inputs, selected, diagnostics, progress)

    instances: list[ProjectInstance] = []
    in_namespaces: list[ProjectInstance] = []
    manifests: list[Manifest] = []
    for instance in catalog.projects.values():
        target = get_target(instance.spec.platform)
        problems = [*check_references(instance, catalog), *target.check(instance, catalog)]
        if _report(instance, problems, diagnostics) and not relies_on_broken(instance, catalog):
            instances.append(instance)
            if any(kind.namespaced for kind in target.output_kinds()):
                in_namespaces.append(instance)
            manifests.extend(finalize(target.render(instance, catalog), instance))
    owners: dict[str, ProjectInstance | PlatformInstance] = {i.name: i for i in instances}
    platform_namespaces: list[tuple[str, PlatformInstance, str]] = []
    for platform in catalog.platforms.values():
        target = get_target(platform.spec.platform)
        problems = [
            *check_platform_references(platform),
            *target.check_platform(platform, catalog),
        ]
        if not _report(platform, problems, diagnostics):
            continue
        owners[platform.name] = platform
        objects = finalize(target.render_platform(platform, catalog), platform)
        used = sorted({m.namespace for m in objects if m.namespace is not None})
        platform_namespaces.extend((namespace, platform, platform.sources[0]) for namespace in used)
        manifests.extend(objects)
    return _Rendered(
        [*namespaces(in_namespaces, environment, platform_namespaces), *manifests],
        owners,
        complete=len(owners) == len(selected) + len(catalog.platforms),
    )


def _catalog(
    environment: ResolvedEnvironment,
    inputs: Inputs,
    selected: list[ProjectFile],
    diagnostics: Diagnostics,
    progress: Progress | None,
) -> Catalog:
    """Every selected project and the platform files, expanded for the environment."""
    expanded: dict[str, ProjectInstance] = {}
    broken = set(inputs.unreadable_projects)
    if inputs.unreadable_platform:
        broken.add(BROKEN_PLATFORM_FILE)
    for done, file in enumerate(selected, start=1):
        instance, found = expand(file, environment)
        diagnostics.extend(found)
        if progress is not None:
            progress(environment.name, done, len(selected))
        if instance is None:
            broken.add(file.name)
        else:
            expanded[instance.name] = instance
    platforms: dict[str, PlatformInstance] = {}
    for platform_file in inputs.platforms:
        platform, found = expand_platform(platform_file, environment)
        diagnostics.extend(found)
        target_name = platform_file.platform.spec.platform
        if platform is None:
            broken.add(f"platform:{target_name}")
        else:
            platforms[target_name] = platform
    declared = frozenset(file.name for file in inputs.projects)
    return Catalog(environment, expanded, frozenset(broken), declared, platforms)


def _report(
    owner: ProjectInstance | PlatformInstance, problems: list[Problem], diagnostics: Diagnostics
) -> bool:
    """Report the problems found in an instance; whether it can be rendered."""
    diagnostics.extend(owner.diagnostic(problem) for problem in problems)
    return not any(problem.severity is Severity.ERROR for problem in problems)


def _checked(
    environment: ResolvedEnvironment,
    rendered: _Rendered,
    store: SchemaStore,
    diagnostics: Diagnostics,
) -> list[Manifest]:
    """Patch the objects, then check what Kubernetes and the schemas would refuse."""
    by_project = rendered.owners
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
        variant = manifest.schema_variant
        kind = (manifest.api_version, manifest.kind) if manifest.form is not None else None
        for error in object_errors(manifest.body, store, kubernetes_version, variant, kind):
            problem = Problem(
                manifest.spec_path,
                f"rendered {manifest.kind} {shown(manifest.name)} is invalid at "
                f"{format_json_path(error.path) or 'the top level'}: {error.message}",
            )
            diagnostics.add(_object_diagnostic(manifest, by_project, problem))
    return manifests


def _object_diagnostic(
    manifest: Manifest,
    by_project: dict[str, ProjectInstance | PlatformInstance],
    problem: Problem,
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
    scope = frozenset(options.environments) | SYNC_FOLDERS if options.environments else None
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


def _wanted_schemas(root: Path) -> dict[str, str]:
    """What `schemas generate` writes: manifold's schemas, except where one was imported."""
    imported = imported_paths(root)
    return {path: text for path, text in generated_files().items() if path not in imported}


def schema_drift(root: Path) -> list[Diagnostic]:
    wanted = _wanted_schemas(root)
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
    from manifold import kubeconform

    executable = kubeconform.find(options.kubeconform)
    built, diagnostics = build(options.root, (), progress)
    _fail_on_errors(diagnostics)
    summary = f"inputs and the {built.objects} objects they render are valid"
    if executable is not None:
        report = kubeconform.check(executable, options.root, built.files, built.kubernetes_versions)
        diagnostics.extend(report.diagnostics)
        if diagnostics.has_errors:
            raise ProblemsFound(
                f"kubeconform found problems ({report.summary()})", diagnostics.sorted()
            )
        summary += f"; kubeconform: {report.summary()}"
    elif options.kubeconform == "auto":
        summary += " (kubeconform is not on PATH: not run)"
    return Outcome(summary, _warnings(diagnostics))


def diff(options: DiffOptions, progress: Progress | None) -> Outcome:
    """What the inputs render now against rendered/ at a git revision (or on disk)."""
    from manifold import diffformat, gitfiles, semdiff

    built, diagnostics = build(options.root, (), progress)
    _fail_on_errors(diagnostics)
    if options.base is None:
        label = f"{writer.RENDERED_DIR}/ on disk"
        old_files = writer.generated_files(options.root / writer.RENDERED_DIR)
    else:
        commit, label = gitfiles.resolve(options.root, options.base)
        old_files = gitfiles.rendered_at(options.root, commit)
    before, unreadable = semdiff.read_resources(old_files)
    after, _ = semdiff.read_resources(built.encoded())
    report = diffformat.DiffReport(label, semdiff.compare(before, after))
    if options.format == "markdown":
        output = diffformat.markdown(report)
    elif options.format == "json":
        output = diffformat.as_json(report) + "\n"
    else:
        output = diffformat.text(report, color=options.color)
    differs = options.exit_code and bool(report.changes)
    return Outcome(
        report.summary(),
        [*unreadable, *_warnings(diagnostics)],
        output=output,
        exit_code=EXIT_DIFFERENCES if differs else EXIT_OK,
    )


def generate_schemas(options: SchemasOptions) -> Outcome:
    folder = options.root / SCHEMAS_DIR
    wanted = _wanted_schemas(options.root)
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
