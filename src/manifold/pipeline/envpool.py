"""Rendering the selected environments: one after another, or in forked worker processes
when there is enough to do and more than one CPU.

Once the inputs are read, each environment stands alone: workers inherit the inputs by
fork() (nothing is pickled on the way in) and send back the environment's files, what to
keep for the next render and its diagnostics, which are merged in the order of the
environments, so the output is the same bytes either way. Given `WorkerFiles`, a worker hands
its environment's files to it before sending them back: a `ShadowWriter` (a render that
builds the shadow tree afresh) writes them into the shadow, `CompareByDigest` (a check)
makes each a digest; either way digests travel back instead of texts.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from manifold.core.diagnostics import Diagnostic, Diagnostics
from manifold.core.jobs import jobs_wanted
from manifold.core.kept import ByDigest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.pipeline.environment import (
    Progress,
    ProjectSource,
    RenderedEnvironment,
    render_environment,
)
from manifold.reuse.incremental import CachedEnvironment, ProjectCache
from manifold.schemas.store import SchemaStore

PARALLEL_FROM = 200
"""Projects to render from scratch from which environments are rendered in parallel: below
it, starting processes costs more than it saves."""

Rendered = tuple[RenderedEnvironment, list[Diagnostic]]


class WorkerFiles(Protocol):
    """What forked workers do with the files of the environment they rendered, so that
    digests travel back to the main process instead of texts (`output.shadow.ShadowWriter`,
    `pipeline.drift.CompareByDigest`)."""

    def start(self) -> None:
        """In the main process, before the workers fork."""

    def write(self, files: Mapping[str, str | ByDigest]) -> dict[str, str | ByDigest]:
        """In a worker: the files, each given back as it came or known by its digest."""
        ...


@dataclass
class EnvironmentPool:
    environments: Mapping[str, ResolvedEnvironment]
    inputs: ProjectSource
    store: SchemaStore
    progress: Progress | None
    cache: ProjectCache | None
    disk: Mapping[str, str]
    """Digests of manifold's files under rendered/: what reused files must still be."""
    worker_files: WorkerFiles | None = None
    """What forked workers do with the files they render before sending them back."""

    def render(self, name: str) -> Rendered:
        cached = (
            self.cache.environment(name) if self.cache is not None else CachedEnvironment({}, {})
        )
        found = Diagnostics()
        rendered = render_environment(
            self.environments[name],
            self.inputs,
            self.store,
            found,
            self.progress,
            cached,
            self.disk,
            self.cache.memo if self.cache is not None else None,
        )
        return rendered, list(found)

    def render_all(
        self,
        names: list[str],
        fresh_projects: int,
        meanwhile: Callable[[], None] | None = None,
    ) -> list[Rendered]:
        """Each environment of `names`, in that order; `fresh_projects` is how many projects
        are to be rendered from scratch (the others may be reused). `meanwhile` is work of
        this process that needs nothing rendered. With workers, it runs on a CPU no worker
        takes: at once when there are fewer environments than CPUs (one environment on two
        CPUs: a worker renders it while this process does its own work, as `check -e ENV`
        does in CI), else once the first environment is back (for the last of three
        environments on two CPUs, one is idle). Without workers, after the environments."""
        own_work = meanwhile if meanwhile is not None else _nothing
        cpus = jobs_wanted()
        jobs = min(len(names), cpus)
        alongside = meanwhile is not None and 0 < jobs < cpus
        if cpus < 2 or fresh_projects < PARALLEL_FROM or (jobs < 2 and not alongside):
            rendered = [self.render(name) for name in names]
            own_work()
            return rendered
        global _FORKED
        _FORKED = self
        # Objects made so far move to the collector's permanent generation: a worker's
        # collections then never write to them, so their pages stay shared with this process
        # instead of being copied into every worker.
        gc.freeze()
        try:
            if self.worker_files is not None:
                self.worker_files.start()
            context = multiprocessing.get_context("fork")
            # Leaving the block terminates the workers, on an interrupt too; they ignore
            # Ctrl-C themselves, so that only this process reports it.
            # One environment per worker: a worker that has sent its result exits, giving
            # back its heap (hundreds of MiB at 10,000 projects), instead of idling until the
            # last environment is done; the next environment gets a fresh fork.
            with context.Pool(jobs, initializer=_ignore_interrupts, maxtasksperchild=1) as pool:
                arriving = pool.imap_unordered(_render_forked, enumerate(names), chunksize=1)
                if alongside:
                    own_work()
                done = dict([next(arriving)])
                if not alongside:
                    # Now, not before: while every CPU renders, work here would only slow them.
                    own_work()
                done.update(arriving)
                return [done[index] for index in range(len(names))]
        finally:
            _FORKED = None
            gc.unfreeze()


_FORKED: EnvironmentPool | None = None
"""The pool a forked worker renders for: set before the fork, inherited with the memory."""


def _render_forked(job: tuple[int, str]) -> tuple[int, Rendered]:
    assert _FORKED is not None
    index, name = job
    rendered, found = _FORKED.render(name)
    if _FORKED.worker_files is not None and not any(d.is_error for d in found):
        # Here, in parallel with the other workers' compiling; an environment with errors
        # keeps its texts, as the run will write and compare nothing.
        rendered.files = _FORKED.worker_files.write(rendered.files)
    return index, (rendered, found)


def _nothing() -> None:
    """No work of this process's own to do while the environments render."""


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
