"""One environment built, reusing what the last render kept where it is still valid: which
projects and objects may be reused is decided here, the build itself is `stages`."""

from __future__ import annotations

from collections.abc import Mapping

from manifold.compile.expand import includes
from manifold.core.diagnostics import Diagnostics
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
) -> RenderedEnvironment:
    """Render one environment; `cached` is what may be reused, `disk` the digests of
    manifold's files under rendered/ (a reused object's file must be there unchanged)."""
    selected = sorted(name for name in inputs.names if includes(environment, name))
    reused = {
        name: project
        for name in selected
        if (project := cached.projects.get(name)) is not None
        and incremental.still_valid(project, inputs.digests[name], inputs.digests)
        and incremental.on_disk(project.files, disk)
    }
    objects = {k: o for k, o in cached.objects.items() if incremental.on_disk(o.files, disk)}
    if environment.file_per_project:
        # The environment's own objects share their folder's file: each is rendered again
        # (they are few) so that the file can be joined from fresh text.
        objects = {}
    rendered = run(environment, inputs, store, diagnostics, progress, selected, reused, objects)
    if rendered is None:  # objects collide, one of them reused: render all to say where
        rendered = run(environment, inputs, store, diagnostics, progress, selected, {}, {})
        assert rendered is not None
    return rendered
