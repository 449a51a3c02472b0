"""`build`: the repository's inputs to every file of the selected environments, in memory. It
reads the repository (`repository`), builds each selected environment (`environment`, whose
stages are `stages.STAGES`, in the order docs/architecture.md's table gives; in parallel,
`envpool`) and adds the Flux and Argo CD files; the commands (`commands`) are made of it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from manifold.compile.validate import object_errors
from manifold.core.diagnostics import Diagnostics, by_environment
from manifold.core.errors import UsageProblem
from manifold.core.jsonpath import format_json_path
from manifold.core.kept import ByDigest
from manifold.core.memo import Shelf
from manifold.core.modelcheck import did_you_mean
from manifold.core.wording import rendered_tally
from manifold.gitops.location import repository_prefix, root_problems
from manifold.gitops.render import FOLDERS as SYNC_FOLDERS
from manifold.gitops.render import sync_layout, sync_objects
from manifold.inputs.ahead import Documents
from manifold.pipeline.environment import Progress
from manifold.pipeline.envpool import EnvironmentPool, WorkerFiles
from manifold.pipeline.repository import Inputs, load_inputs
from manifold.reuse.fingerprints import InputRecord
from manifold.reuse.incremental import CachedEnvironment, CacheDisagrees, ProjectCache
from manifold.schemas.store import DEFAULT_KUBERNETES_VERSION, SchemaStore


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
    store = _schema_store(root, cache)
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


SCHEMA_STORES: Shelf[SchemaStore] = Shelf("schema stores", most=1)
"""The store of the last build, by the repository and the context digest (which covers
schemas/ and manifold's code): a watching process compiles each validator once, not once a
change (10 of them, 4 ms of a one-change render at N = 1,000 x 3)."""


def _schema_store(root: Path, cache: ProjectCache | None) -> SchemaStore:
    if cache is None or cache.memo is None:
        return SchemaStore(root)
    key = (str(root), cache.context)
    return cache.memo.get_or_compute(SCHEMA_STORES, key, lambda: SchemaStore(root))


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
