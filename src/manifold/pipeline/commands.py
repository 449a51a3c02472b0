"""The commands built from the stages. `build` reads the repository (`repository`), builds
each selected environment (`environment`, whose stages are `stages.STAGES`, in the order
docs/architecture.md's table gives) and adds the Flux and Argo CD files; `render`, `check`,
`validate`, `diff` and `schemas generate` are made of it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from manifold.compile.validate import object_errors
from manifold.core.diagnostics import Diagnostic, Diagnostics, by_environment
from manifold.core.errors import EXIT_DIFFERENCES, EXIT_OK, DriftFound, ProblemsFound, UsageProblem
from manifold.core.jsonpath import format_json_path
from manifold.core.kept import ByDigest
from manifold.core.memo import Memo
from manifold.core.modelcheck import did_you_mean
from manifold.core.options import (
    CheckOptions,
    DiffOptions,
    RenderOptions,
    SchemasOptions,
    ValidateOptions,
)
from manifold.core.outcome import Outcome
from manifold.core.shards import Shard
from manifold.core.wording import counted, rendered_tally
from manifold.gitops.location import repository_prefix, root_problems
from manifold.gitops.render import FOLDERS as SYNC_FOLDERS
from manifold.gitops.render import sync_layout, sync_objects
from manifold.inputs.ahead import Documents
from manifold.inputs.sources import ENVIRONMENTS_DIR, PLATFORM_DIR
from manifold.output import writer
from manifold.pipeline import environment as envbuild
from manifold.pipeline import sharding
from manifold.pipeline.drift import CheckSideWork, CompareByDigest, rendered_drift, wanted_schemas
from manifold.pipeline.drift import schema_drift as schema_drift
from manifold.pipeline.envpool import EnvironmentPool, WorkerFiles
from manifold.pipeline.repository import Inputs as Inputs
from manifold.pipeline.repository import load_inputs as load_inputs
from manifold.reuse import incremental
from manifold.reuse.fingerprints import InputRecord, code_fingerprint
from manifold.reuse.incremental import CachedEnvironment, CacheDisagrees, ProjectCache
from manifold.schemas.store import (
    DEFAULT_KUBERNETES_VERSION,
    SCHEMAS_DIR,
    SchemaStore,
)

Progress = envbuild.Progress


@dataclass(frozen=True)
class Build:
    """Everything a run renders, in memory: the text of each file under rendered/."""

    environments: tuple[str, ...]
    files: dict[str, str | ByDigest] = field(default_factory=dict)
    objects: int = 0
    kubernetes_versions: dict[str, str] = field(default_factory=dict)
    """By top-level folder of rendered/: the Kubernetes version its objects are checked for."""
    kept: dict[str, CachedEnvironment] = field(default_factory=dict)
    """What the next render may reuse, by environment and project."""
    project_files: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Every project file read: its digest and the project's name, by path."""

    def tally(self) -> str:
        """The summary's count: objects and files apart, as files may hold no object."""
        return rendered_tally(len(self.environments), self.objects, len(self.files))

    def encoded(self) -> dict[str, bytes | ByDigest]:
        return {
            path: text.encode() if isinstance(text, str) else text
            for path, text in self.files.items()
        }

    def texts(self) -> dict[str, str]:
        """Every file's text: for a build made without reuse, which all are."""
        texts = {path: text for path, text in self.files.items() if isinstance(text, str)}
        assert len(texts) == len(self.files), "a build that reused files has no text for them"
        return texts


# --------------------------------------------------------------------------- build


def build(
    root: Path,
    only: Sequence[str] = (),
    progress: Progress | None = None,
    cache: ProjectCache | None = None,
    disk: Mapping[str, str] | None = None,
    meanwhile: Callable[[], None] | None = None,
    record: InputRecord | None = None,
    worker_files: WorkerFiles | None = None,
    ahead: Documents | None = None,
) -> tuple[Build, Diagnostics]:
    """Render every selected environment in memory; nothing is written to rendered/. With a
    cache and the digests of manifold's files on disk (`disk`), the projects whose earlier
    result is still valid, and still in rendered/, are reused: their files are `KeptFile`s, not
    texts. A cache that turns out to disagree with the inputs is dropped and everything is
    rendered again. `meanwhile`, the caller's work that needs nothing of the build, runs once,
    while the environments are rendered (`EnvironmentPool.render_all`). `record`: the input
    files' digests as `reuse.fastpath` has just taken them, so that unchanged projects are not
    read. With `worker_files`, forked workers hand it the files they render, which come back
    by digest (`ShadowFile`s written into a fresh shadow tree, `ComparedFile`s for check).
    `ahead`: project files parsed by a child process meanwhile (`inputs.ahead`)."""
    once = _Once(meanwhile) if meanwhile is not None else None
    anew = functools.partial(_build, root, only, progress, once, worker_files, ahead)
    if disk is None or cache is None:
        built = anew(None)
    else:
        try:
            built = anew(_Reuse(cache, disk, record))
        except CacheDisagrees:
            built = anew(None)
    if once is not None:
        once()
    return built


@dataclass(frozen=True)
class _Reuse:
    """What lets a build skip projects: the cache, rendered/'s digests, the inputs' record."""

    cache: ProjectCache
    disk: Mapping[str, str]
    record: InputRecord | None


class _Once:
    """A callable that does its work on the first call only."""

    def __init__(self, work: Callable[[], None]) -> None:
        self._work: Callable[[], None] | None = work

    def __call__(self) -> None:
        work, self._work = self._work, None
        if work is not None:
            work()


def _build(
    root: Path,
    only: Sequence[str],
    progress: Progress | None,
    meanwhile: Callable[[], None] | None,
    worker_files: WorkerFiles | None,
    ahead: Documents | None,
    reuse: _Reuse | None,
) -> tuple[Build, Diagnostics]:
    diagnostics = Diagnostics()
    cache = reuse.cache if reuse is not None else None
    disk = reuse.disk if reuse is not None else {}
    known = cache.names() if cache is not None else None
    record = reuse.record if reuse is not None else None
    inputs = load_inputs(root, diagnostics, known, record, ahead, cache.memo if cache else None)
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
    files: dict[str, str | ByDigest] = {}
    objects = 0
    versions = dict.fromkeys(SYNC_FOLDERS, DEFAULT_KUBERNETES_VERSION)
    kept: dict[str, CachedEnvironment] = {}
    pool = EnvironmentPool(inputs.environments, inputs, store, progress, cache, disk, worker_files)
    rendered_all = pool.render_all(names, len(inputs.projects), meanwhile)
    found_in = [(name, found) for name, (_, found) in zip(names, rendered_all, strict=True)]
    diagnostics.extend(by_environment(found_in))
    for name, (rendered, _) in zip(names, rendered_all, strict=True):
        environment = inputs.environments[name]
        versions[name] = environment.kubernetes_version or DEFAULT_KUBERNETES_VERSION
        files.update(rendered.files)
        objects += rendered.count
        kept[name] = CachedEnvironment(rendered.projects, rendered.objects)
    sync_files, sync_count = _sync_files(root, inputs, store, diagnostics)
    files.update(sync_files)
    objects += sync_count
    return Build(tuple(names), files, objects, versions, kept, inputs.files), diagnostics


def _sync_files(
    root: Path, inputs: Inputs, store: SchemaStore, diagnostics: Diagnostics
) -> tuple[dict[str, str], int]:
    """Flux and Argo CD objects, from every environment whichever are rendered (they share
    folders: an ApplicationSet lists several environments): their files, and how many."""
    objects, found = sync_objects(inputs.environments)
    diagnostics.extend(found)
    if objects:
        diagnostics.extend(root_problems(inputs.environments, repository_prefix(root)))
    for sync_object in objects:
        for error in object_errors(sync_object.body, store, DEFAULT_KUBERNETES_VERSION):
            where = format_json_path(error.path) or "the top level"
            diagnostics.add(sync_object.diagnostic(f"{where}: {error.message}"))
    return sync_layout(objects), len(objects)


def _fail_on_errors(diagnostics: Diagnostics) -> None:
    if diagnostics.has_errors:
        raise ProblemsFound("problems found; nothing was written", diagnostics.sorted())


def _warnings(diagnostics: Diagnostics) -> list[Diagnostic]:
    return [d for d in diagnostics.sorted() if not d.is_error]


# --------------------------------------------------------------------------- commands


def project_cache(root: Path, memo: Memo | None = None) -> ProjectCache:
    # `memo`: what the command keeps between its renders (`core.memo`; None: nothing)
    context = incremental.context_digest(
        root, (ENVIRONMENTS_DIR, PLATFORM_DIR, SCHEMAS_DIR), code_fingerprint(), memo
    )
    return ProjectCache(root, context, memo)


def render(
    options: RenderOptions,
    on_wait: Callable[[str], None],
    progress: Progress | None,
    record: InputRecord | None = None,
    ahead: Documents | None = None,
    memo: Memo | None = None,
) -> Outcome:
    """Render into rendered/; `record`: the input files as `reuse.fastpath` has just read
    them, `ahead`: project files parsed meanwhile (`build`), `memo`: see `project_cache`."""
    cache = project_cache(options.root, memo)
    owned = sharding.scope(options.environments, options.shard)
    with writer.repository_lock(options.root, options.lock_timeout, on_wait):
        writer.recover(options.root)
        current = writer.read_tree(options.root / writer.RENDERED_DIR, memo)
        shadow = writer.shadow_writer(options.root, owned, current)
        built, found = build(
            options.root,
            options.environments,
            progress,
            cache,
            current.generated,
            record=record,
            worker_files=shadow,
            ahead=ahead,
        )
        diagnostics = sharding.owned_problems(
            options.root, found, built.project_files, options.shard
        )
        _fail_on_errors(diagnostics)
        wanted = sharding.owned_files(built.encoded(), owned)
        changes = writer.write_tree(options.root, wanted, owned, current, memo)
        cache.save(built.project_files, built.kept)
    tally = _tally(built, options.shard, len(wanted))
    up_to_date = f"rendered/ is up to date ({tally})"
    if not changes:
        summary = up_to_date
    else:
        summary = (
            f"rendered {tally}: "
            f"{len(changes.added)} added, {len(changes.changed)} changed, "
            f"{len(changes.removed)} removed"
        )
    return Outcome(summary, _warnings(diagnostics), unchanged_summary=up_to_date)


def _tally(built: Build, shard: Shard | None, owned: int) -> str:
    tally = built.tally()
    return tally if shard is None else f"{tally}; shard {shard}: {counted(owned, 'file')}"


def check(
    options: CheckOptions,
    progress: Progress | None,
    record: InputRecord | None = None,
    ahead: Documents | None = None,
    memo: Memo | None = None,
) -> Outcome:
    """Compare what the inputs render with rendered/ and schemas/; with `-e` or `--shard`,
    only the files the run owns (schemas/ belongs to shard 1)."""
    root = options.root
    cache = project_cache(root, memo)
    owned = sharding.scope(options.environments, options.shard)
    side = CheckSideWork(root, options.shard is None or options.shard.first, memo)
    if cache.names():  # something may be reused: the build needs rendered/'s digests first
        side.read_tree()
    built, found = build(
        root,
        options.environments,
        progress,
        cache,
        side.generated(),
        meanwhile=side,
        record=record,
        worker_files=CompareByDigest(),
        ahead=ahead,
    )
    diagnostics = sharding.owned_problems(root, found, built.project_files, options.shard)
    _fail_on_errors(diagnostics)
    wanted = sharding.owned_files(built.encoded(), owned)
    drift = [*rendered_drift(writer.diff_tree(side.tree(), wanted, owned)), *side.schemas]
    if drift:
        raise DriftFound("rendered/ or schemas/ are out of date", [*drift, *_warnings(diagnostics)])
    cache.save(built.project_files, built.kept)
    return Outcome(
        f"rendered/ and schemas/ are up to date ({_tally(built, options.shard, len(wanted))})",
        _warnings(diagnostics),
    )


def validate(options: ValidateOptions, progress: Progress | None) -> Outcome:
    if options.paths:
        from manifold.manifests import (
            validate as manifestcheck,  # manifests from anywhere, not the inputs
        )

        return manifestcheck.validate_manifests(options)
    from manifold.manifests import kubeconform

    executable = kubeconform.find(options.kubeconform)
    built, diagnostics = build(options.root, (), progress)
    _fail_on_errors(diagnostics)
    summary = f"inputs and the {counted(built.objects, 'object')} they render are valid"
    if executable is not None:
        report = kubeconform.check(
            executable, options.root, built.texts(), built.kubernetes_versions
        )
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
    import json

    from manifold.diff import effective as effdiff
    from manifold.diff import format as diffformat
    from manifold.diff import gitfiles
    from manifold.diff import semantic as semdiff

    built, diagnostics = build(options.root, (), progress)
    _fail_on_errors(diagnostics)
    if options.base is None:
        label = f"{writer.RENDERED_DIR}/ on disk"
        old_files = writer.generated_files(options.root / writer.RENDERED_DIR)
    else:
        commit, label = gitfiles.resolve(options.root, options.base)
        old_files = gitfiles.rendered_at(options.root, commit)
    before, unreadable = semdiff.read_resources(old_files)
    after, _ = semdiff.read_resources({p: t.encode() for p, t in built.texts().items()})
    report = diffformat.DiffReport(label, semdiff.compare(before, after))
    effective = effdiff.compare(before, after)
    if options.format == "markdown":
        pods = effdiff.markdown(effective)
        output = diffformat.markdown(report, limit=diffformat.COMMENT_LIMIT - len(pods)) + pods
    elif options.format == "json":
        document = {
            **json.loads(diffformat.as_json(report)),
            "effective": effdiff.as_json(effective),
        }
        output = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        output = diffformat.text(report, color=options.color) + effdiff.text(effective)
    differs = options.exit_code and bool(report.changes)
    return Outcome(
        report.summary(),
        [*unreadable, *_warnings(diagnostics)],
        output=output,
        exit_code=EXIT_DIFFERENCES if differs else EXIT_OK,
    )


def generate_schemas(options: SchemasOptions) -> Outcome:
    folder = options.root / SCHEMAS_DIR
    wanted = wanted_schemas(options.root)
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
