"""One environment built with the project result store of the last render injected: the build
(`stages`) asks it for each project and puts what it compiles; what the store then holds is
what the next render may reuse."""

from __future__ import annotations

from collections.abc import Mapping

from manifold.compile.expand import included
from manifold.core.diagnostics import Diagnostics
from manifold.core.memo import Memo
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.pipeline.stages import Progress as Progress
from manifold.pipeline.stages import ProjectSource as ProjectSource
from manifold.pipeline.stages import RenderedEnvironment as RenderedEnvironment
from manifold.pipeline.stages import run
from manifold.reuse import incremental
from manifold.schemas.store import SchemaStore


def render_environment(
    environment: ResolvedEnvironment,
    inputs: ProjectSource,
    store: SchemaStore,
    diagnostics: Diagnostics,
    progress: Progress | None,
    cached: incremental.CachedEnvironment,
    disk: Mapping[str, str],
    memo: Memo | None = None,
) -> RenderedEnvironment:
    """Render one environment; `cached` is what may be reused, `disk` the digests of
    manifold's files under rendered/ (a reused object's file must be there unchanged),
    `memo` what the command keeps between renders, for the compiler (`core.memo`)."""
    selected = included(environment, inputs.names)
    results = incremental.KeptResults(cached, disk)
    objects = {k: o for k, o in cached.objects.items() if incremental.on_disk(o.written, disk)}
    if environment.file_per_project:
        # The environment's own objects share their folder's file: each is rendered again
        # (they are few) so that the file can be joined from fresh text.
        objects = {}
    context = cached.context
    rendered = run(
        environment, inputs, store, diagnostics, progress, selected, results, context, objects, memo
    )
    if rendered is None:  # a problem involves a reused project: render all to say where
        results = incremental.KeptResults(incremental.CachedEnvironment({}, {}, context), {})
        rendered = run(
            environment, inputs, store, diagnostics, progress, selected, results, context, {}, memo
        )
        assert rendered is not None
    rendered.projects = results.kept
    return rendered
