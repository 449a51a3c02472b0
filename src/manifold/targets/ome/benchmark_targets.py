"""A benchmark of another project's InferenceService, judged once the environment is whole.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d: OME finds a
BenchmarkJob's InferenceService by the name and namespace its endpoint gives
(controller/v1beta1/benchmark/utils/utils.go:17-32), and does not run the benchmark when
none has them. manifold writes the endpoint as the target project renders its service; an
environment's patch of that project's objects may rename the service (none may move an
object to another namespace: `compile.patches`), and the BenchmarkJob then names nothing.

So, after every project of the environment is compiled and patched, each BenchmarkJob that
measures another project's service is held against the environment's InferenceServices as
the patches leave them (`Target.environment_problems`, called by `pipeline.stages`): its
endpoint, as patched, must name one of them. No step is simulated again: the objects are the
ones the environment writes, so a patch whose JSON operations fail (and which changes
nothing) cannot look like a rename, and a patch of the BenchmarkJob that follows the rename
is seen as applied. Platform files render no InferenceService and declare none installed by
other means (`models.platform`), so the projects' are all there are.

Where it is reported: a rename by a patch at the benchmark's `target.service` (the project
writes the name the service no longer has), naming the patch's file:line:col, which a
project's own checks cannot point at; an endpoint a patch of the BenchmarkJob itself points
at nothing, at that patch (`compile.project.object_diagnostic`). A benchmark of its own
project's service is `renamed.renamed_refusals`', at the patch, within the project.

Reuse. A project's result read back from the cache (`reuse.incremental`) keeps its objects'
identities only, not its objects or instance. That is enough:

- the InferenceServices a reused project leaves are in its identities (group, kind,
  namespace, name), so an endpoint that names one of them is found;
- a reused benchmark's project is not judged again: it was kept without errors (a finding
  is an error of its result, so such a result is never kept), and it is reused only while
  its file, the environment files and every project it looked up are unchanged; it looks up
  its target project while it compiles (`compile.references`), so the verdict is unchanged;
- a dangling endpoint whose target project was reused cannot be told apart (which patch
  renamed the service?) from its identities: the check asks for the environment to be
  rendered again without reuse (None), as a collision with a reused object does. It happens
  only for an error, when the benchmark's project changed and its target's did not.

A cached render thus reports what a render from nothing reports (tests/acceptance/
test_incremental.py renders both ways and compares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.compile.project import object_diagnostic
from manifold.core.diagnostics import Problem, shown
from manifold.core.manifest import Manifest
from manifold.models.benchmarks import ServiceTarget
from manifold.targets.base import CompiledProject, Finding

_GROUP = "ome.io"
_LOOKUP = "controller/v1beta1/benchmark/utils/utils.go:17-32"
_FIELD = "spec.endpoint.inferenceService"
Place = tuple[str, str | None]
"""An InferenceService's name and namespace."""


def environment_problems(
    fresh: Mapping[str, CompiledProject], reused: Mapping[str, CompiledProject]
) -> Sequence[Finding] | None:
    """Each BenchmarkJob of a project compiled here that names, as the environment's patches
    leave it, no InferenceService of the environment, where it measures another project's
    service; None when the target project was reused and one such is found (`Target.
    environment_problems`)."""
    if not any(r.owner is not None and r.owner.environment.patches for r in fresh.values()):
        return []  # without a patch, every BenchmarkJob names its service as rendered
    jobs = [
        (result, job, target)
        for result in fresh.values()
        for job, target in _measuring_others(result)
    ]
    if not jobs:
        return []  # no benchmark of another project's service: the usual case
    services = _services([*fresh.values(), *reused.values()])
    found: list[Finding] = []
    for result, job, target in jobs:
        endpoint = endpoint_of(job)
        if endpoint is None or endpoint in services:
            continue
        assert target.project is not None
        if target.project in reused:
            if _serves(reused[target.project]):
                return None  # which patch renamed it is in the reused project's objects
            continue  # a project of another platform: it renders no InferenceService
        owner = fresh.get(target.project)
        if owner is not None:
            found.extend(_dangling(result, owner, job, target, endpoint))
    return found


def _measuring_others(result: CompiledProject) -> list[tuple[Manifest, ServiceTarget]]:
    """The project's BenchmarkJobs that measure another project's service, with that
    target."""
    instance = result.owner
    if instance is None:
        return []
    benchmarks = instance.spec.benchmarks
    found = []
    for job in result.manifests:
        if job.kind != "BenchmarkJob" or job.spec_path[:1] != ("benchmarks",):
            continue
        target = benchmarks[int(job.spec_path[1])].target
        if isinstance(target, ServiceTarget) and target.project not in (None, instance.name):
            found.append((job, target))
    return found


def _services(results: list[CompiledProject]) -> set[Place]:
    """Every InferenceService of the environment, by name and namespace, as its objects'
    identities give them (a reused result keeps those)."""
    return {
        (name, namespace or None)
        for result in results
        for group, kind, namespace, name in result.identities
        if kind == "InferenceService" and group == _GROUP
    }


def _serves(result: CompiledProject) -> bool:
    """Whether the project renders an InferenceService (a project of another platform
    does not, and its service is not one a BenchmarkJob can name)."""
    return any(
        kind == "InferenceService" and group == _GROUP for group, kind, *_ in result.identities
    )


def endpoint_of(job: Manifest) -> Place | None:
    """The InferenceService a BenchmarkJob names; None when it names none (a URL)."""
    spec = job.body.get("spec")
    endpoint = spec.get("endpoint") if isinstance(spec, dict) else None
    service = endpoint.get("inferenceService") if isinstance(endpoint, dict) else None
    if not isinstance(service, dict) or not isinstance(service.get("name"), str):
        return None
    namespace = service.get("namespace")
    return service["name"], namespace if isinstance(namespace, str) else None


def _dangling(
    result: CompiledProject,
    owner: CompiledProject,
    job: Manifest,
    target: ServiceTarget,
    endpoint: Place,
) -> list[Finding]:
    """Why `job`'s endpoint names nothing: the target service renamed by a patch (none may
    move an object to another namespace: `compile.patches`), or the BenchmarkJob patched to
    name something else; nothing when the target project did not render its service as an
    InferenceService (its own problems say why, or it is of another platform)."""
    assert result.owner is not None
    service = _rendered_service(owner, target.service)
    if service is None or owner.owner is None:
        return []
    if service.patched_by and service.name != target.service:
        problem = _renamed(job, target, service, endpoint)
        return [Finding(result.name, result.owner.diagnostic(problem))]
    if not job.patched_by:
        return []
    problem = Problem(
        (),
        f"BenchmarkJob {shown(job.name)} as the environment leaves it names InferenceService "
        f"{shown(endpoint[0])} in namespace {shown(endpoint[1])}, which the environment does "
        f"not have: OME looks the service up by that name and namespace ({_LOOKUP}) and "
        "would find none",
        hint=f"patch its {_FIELD} to name {shown(service.name)} in namespace "
        f"{shown(service.namespace)}, the service it measures",
    )
    owners: dict[str, ProjectInstance | PlatformInstance] = {result.name: result.owner}
    return [Finding(result.name, object_diagnostic(job, owners, problem))]


def _rendered_service(owner: CompiledProject, service: str) -> Manifest | None:
    """The target project's InferenceService rendered from its service named `service`, as
    the environment's patches leave it."""
    instance = owner.owner
    if instance is None:
        return None
    names = [s.name for s in instance.spec.services]
    if service not in names:
        return None  # a missing service is `compile.references`'
    at = ("services", names.index(service))
    return next(
        (m for m in owner.manifests if m.kind == "InferenceService" and m.spec_path == at), None
    )


def _renamed(job: Manifest, target: ServiceTarget, service: Manifest, endpoint: Place) -> Problem:
    file, position = service.patched_by[-1]
    name, namespace = endpoint
    change = (
        f"renames InferenceService {target.service!r} of project {target.project!r} to "
        f"{service.name!r}"
    )
    return Problem(
        (*job.spec_path, "target", "service"),
        f"the patch at {file}:{position.line}:{position.column} {change}, the InferenceService "
        f"this benchmark measures: its BenchmarkJob names {name!r} in namespace {namespace!r}, "
        f"and OME looks the service up by that name and namespace ({_LOOKUP}) and would find "
        "none",
        hint=f"keep the service's name in that patch, or patch the BenchmarkJob's {_FIELD} to "
        "match",
    )
