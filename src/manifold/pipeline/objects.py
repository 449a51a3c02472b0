"""Objects that collide, reported where a person can act on them (an object's problem is
pointed at its source by `compile.project.object_diagnostic`)."""

from __future__ import annotations

from manifold.compile import layout
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.project import ProjectResult, object_diagnostic
from manifold.core.diagnostics import Diagnostics, Problem
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.reuse.incremental import CachedObject


def collisions_reported(
    environment: ResolvedEnvironment,
    manifests: list[Manifest],
    earlier: list[ProjectResult | CachedObject],
    owners: dict[str, ProjectInstance | PlatformInstance],
    diagnostics: Diagnostics,
) -> bool:
    """Report objects Kubernetes would take for one, or that would share a file; False when
    a reused object is involved (all is then rendered again, to say where)."""
    taken = {identity for item in earlier for identity in item.identities}
    paths = {f.path for item in earlier for f in item.files}
    for manifest in manifests:
        if manifest.identity in taken or layout.manifest_path(environment.name, manifest) in paths:
            return False
    for manifest, other in layout.collisions(environment.name, manifests):
        projects = " and ".join(sorted({str(manifest.project), str(other.project)}))
        problem = Problem(
            (*manifest.spec_path, "name"),
            f"{manifest.kind} {manifest.name!r} is rendered twice in environment "
            f"{environment.name!r} (by {projects}); names must be unique",
        )
        diagnostics.add(object_diagnostic(manifest, owners, problem))
    return True
