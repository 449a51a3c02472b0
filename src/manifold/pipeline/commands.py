"""The commands made of a build (`building.build`: every file of the selected environments,
in memory): `render`, `check`, `validate`, `diff` and `schemas generate`."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path

from manifold.core.diagnostics import Diagnostic, Diagnostics
from manifold.core.errors import (
    EXIT_DIFFERENCES,
    EXIT_OK,
    DriftFound,
    ManifoldError,
    ProblemsFound,
)
from manifold.core.memo import Memo
from manifold.core.options import (
    CheckOptions,
    DiffOptions,
    RenderOptions,
    SchemasOptions,
    ValidateOptions,
)
from manifold.core.outcome import Outcome
from manifold.core.shards import Shard
from manifold.core.wording import counted
from manifold.inputs.ahead import Documents
from manifold.inputs.sources import ENVIRONMENTS_DIR, PLATFORM_DIR
from manifold.output import writer
from manifold.pipeline import environment as envbuild
from manifold.pipeline import sharding
from manifold.pipeline.building import Build as Build
from manifold.pipeline.building import build as build
from manifold.pipeline.drift import CheckSideWork, CompareByDigest, rendered_drift, wanted_schemas
from manifold.pipeline.drift import schema_drift as schema_drift
from manifold.pipeline.repository import Inputs as Inputs
from manifold.pipeline.repository import load_inputs as load_inputs
from manifold.reuse import incremental, treescan
from manifold.reuse.fingerprints import InputRecord, code_fingerprint
from manifold.reuse.incremental import ProjectCache
from manifold.reuse.treestate import TreeState
from manifold.schemas.store import (
    SCHEMAS_DIR,
)

Progress = envbuild.Progress


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
    with contextlib.ExitStack() as held:
        held.enter_context(writer.repository_lock(options.root, options.lock_timeout, on_wait))
        writer.recover(options.root)
        current, built, found = _build_beside_tree(options, owned, progress, cache, record, ahead)
        diagnostics = sharding.owned_problems(
            options.root, found, built.project_files, options.shard
        )
        _fail_on_errors(diagnostics)
        wanted = sharding.owned_files(built.encoded(), owned)
        changes = writer.write_tree(options.root, wanted, owned, current, memo)
        # For the renders after this one: a watching process saves it once it has told the
        # user (`Memo.when_waiting`).
        save = functools.partial(cache.save, built.project_files, built.kept)
        if memo is not None:
            memo.when_waiting(save)
            # The record of the tree is saved then too (`writer.write_tree`): the lock is
            # held until it is, so that no other run reads rendered/ against an older record.
            memo.when_waiting(held.pop_all().close)
        else:
            save()
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


def warm(options: RenderOptions, memo: Memo) -> None:
    """Idle work of a watching process after a render answered from the record (its first,
    most often), which built nothing: the build a change needs, made in memory and thrown
    away, so that what the memo keeps of a build (kustomization texts, Namespace keys, the
    schema store, parsed files, decoded cache entries) is there for the first change as for
    later ones. That first change took 231 ms at N = 1,000 x 3, later ones 132 ms.

    Nothing is written and no lock is taken: whatever the memo keeps is held against what it
    was made of before it is used, so a build that read a tree another run was changing
    only warms less. A build the inputs refuse warms what it can and says nothing: the next
    render reports it."""
    cache = project_cache(options.root, memo)
    record = treescan.tree_record(options.root / writer.RENDERED_DIR, memo)
    with contextlib.suppress(ManifoldError, OSError):
        build(
            options.root,
            options.environments,
            None,
            cache,
            treescan.recorded_disk(record),
        )


def _build_beside_tree(
    options: RenderOptions,
    owned: writer.Scope,
    progress: Progress | None,
    cache: ProjectCache,
    record: InputRecord | None,
    ahead: Documents | None,
) -> tuple[TreeState, Build, Diagnostics]:
    """rendered/ as it is and the build to write into it. A build that may reuse projects
    into a shadow tree brought up to date takes the record's digests for rendered/'s while a
    child process surveys the tree (`reuse.treescan`), and is done again with the tree's
    own when a file it reused turns out to differ; one that builds the shadow afresh hands
    its workers the tree's digests (`writer.shadow_writer`), read first."""
    root = options.root
    rendered = root / writer.RENDERED_DIR
    tree_record = treescan.tree_record(rendered, cache.memo)
    build_with = functools.partial(
        build, root, options.environments, progress, cache, record=record, ahead=ahead
    )
    if cache.names() and writer.shadow_reusable(root, tree_record):
        with treescan.survey_ahead(rendered, tree_record) as surveyed:
            built, found = build_with(treescan.recorded_disk(tree_record))
            current = surveyed()
        if not treescan.reused_as_found(built.files, current):
            built, found = build_with(current.generated)
        return current, built, found
    current = treescan.scan(rendered, tree_record)
    shadow = writer.shadow_writer(root, owned, current)
    built, found = build_with(current.generated, worker_files=shadow)
    return current, built, found


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
    side = CheckSideWork(
        root,
        options.shard is None or options.shard.first,
        memo,
        sharding.folders(options.environments),
    )
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
