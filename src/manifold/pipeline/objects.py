"""An object's problems where a person can act on them: kinds the environment's cluster lacks,
objects that collide, a diagnostic pointed at the patch that changed an object last."""

from __future__ import annotations

from manifold.compile import layout
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import Diagnostic, Diagnostics, Problem
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.reuse.incremental import CachedObject, CachedProject
from manifold.schemas.store import SchemaStore
from manifold.targets.base import Target


def collisions_reported(
    environment: ResolvedEnvironment,
    manifests: list[Manifest],
    earlier: list[CachedProject | CachedObject],
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
