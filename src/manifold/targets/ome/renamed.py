"""A patch that renames, or moves to another namespace, an object an InferenceService names.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d. OME finds what
an InferenceService names by name alone, whatever `kind` the reference says: its runtime as
a ServingRuntime in the service's namespace, else a ClusterServingRuntime
(pkg/runtimeselector/fetcher.go:62-95, `GetRuntime`); its model as a BaseModel in the
service's namespace, else a ClusterBaseModel
(controller/v1beta1/inferenceservice/utils/reconciliation.go:17-36, `GetBaseModel`); each
fine-tuned weight as the cluster's FineTunedWeight of that name (reconciliation.go:38-48); a
BenchmarkJob's InferenceService by the name and namespace it gives
(controller/v1beta1/benchmark/utils/utils.go:17-32).
An environment's patch may change an object's `metadata.name` or `metadata.namespace`
like any other field, and manifold then writes the object under its new name while the
service still names the old one: OME finds nothing, or another object of that name, and
does not run the service (or the benchmark) as rendered. So such a patch is an error at the
patch, for each InferenceService and BenchmarkJob of the project that named the object
before it.

Accelerator classes are held to the same rule in `accelerators_as_patched`. The reference
is judged as the environment leaves the InferenceService: a patch that also points the
service at the new name is silent.

A benchmark of another project's service is judged once the environment is whole, against
the InferenceServices its patches leave (`benchmark_targets`).

A patch of the InferenceService itself may point it at a name nothing has: a runtime, model
or fine-tuned weight that neither the project nor the platform file defines, nor a patch
gives an object (`unresolved_refusals`). That is an error at the patch too, as the same
name is when the project writes it (`compile.references`): only where a platform file
describes the cluster, since without one the name may be installed by other means.
"""

from __future__ import annotations

from collections.abc import Iterator

from manifold.compile.catalog import Catalog, project_runtimes
from manifold.compile.instances import ProjectInstance
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.core.modelcheck import did_you_mean
from manifold.targets.base import Refusal

_CLUSTER_SCOPED = frozenset({"ClusterServingRuntime", "ClusterBaseModel", "FineTunedWeight"})
_RUNTIMES = ("ServingRuntime", "ClusterServingRuntime")
_MODELS = ("BaseModel", "ClusterBaseModel")
_SERVICES = ("InferenceService",)
_HOW = {
    _RUNTIMES: ("runtime", "pkg/runtimeselector/fetcher.go:62-95", "spec.runtime.name"),
    _MODELS: ("model", "inferenceservice/utils/reconciliation.go:17-36", "spec.model.name"),
    ("FineTunedWeight",): (
        "fine-tuned weight",
        "inferenceservice/utils/reconciliation.go:38-48",
        "spec.model.fineTunedWeights",
    ),
    _SERVICES: (
        "InferenceService",
        "controller/v1beta1/benchmark/utils/utils.go:17-32",
        "spec.endpoint.inferenceService",
    ),
}
"""For each kind of reference: what it names, where OME looks it up, what to patch instead."""
_AT_SERVICE: JsonPath = ("spec", "endpoint", "inferenceService", "name")
Reference = tuple[JsonPath, tuple[str, ...], str, str | None]


def renamed_refusals(instance: ProjectInstance, catalog: Catalog, final: Manifest) -> list[Refusal]:
    """The references of `final` (an InferenceService, a BenchmarkJob) to an object that an
    environment's patch renamed or moved out of its sight."""
    moved = [
        (before, after)
        for before, after in catalog.patched.values()
        if _place(before) != _place(after) and before.kind in _KINDS
    ]
    if not moved:
        return []
    shadowing = _own_namespaced(instance)
    found = []
    for at, kinds, name, namespace in _references(final):
        for before, after in moved:
            if before.kind not in kinds or before.name != name:
                continue
            if not _seen_from(before, namespace) or _seen_from(after, namespace, name):
                continue  # never what the reference found, or still found under its name
            if before.kind in _CLUSTER_SCOPED and (before.kind, name) in shadowing:
                continue  # the project's own namespaced one of that name is found first
            found.append(Refusal(at, _message(kinds, before, after), owed_to=after))
            break
    return found


def unresolved_refusals(
    instance: ProjectInstance, catalog: Catalog, final: Manifest
) -> list[Refusal]:
    """The references of the InferenceService `final`, as the environment's patches leave
    them, to a name that neither the project nor the platform file defines, nor a patch
    gives an object. Only where a platform file describes the cluster: without one, a
    runtime or model may be installed by other means."""
    target = instance.spec.platform
    if not catalog.describes_platform(target) or catalog.platform_broken(target):
        return []
    renamed_away = {
        (before.kind, before.name)
        for before, after in catalog.patched.values()
        if before.name != after.name
    }
    found = []
    names: dict[tuple[str, ...], set[str]] = {}
    for at, kinds, name, _ in _references(final):
        if kinds not in names:
            names[kinds] = _defined(instance, catalog, kinds)
        defined = names[kinds]
        if name in defined or any((kind, name) in renamed_away for kind in kinds):
            continue  # found, or renamed away: the rename is to blame (`renamed_refusals`)
        what, lookup, _ = _HOW[kinds]
        close = did_you_mean(name, sorted(defined))
        found.append(
            Refusal(
                at,
                f"the environment's patches leave this InferenceService naming {what} "
                f"{name!r}, which neither the project nor the platform file defines"
                f"{f' ({close})' if close else ''}: OME looks the {what} up by its name "
                f"({lookup}), finds none and does not run the service; name one they "
                "define, or define it (in the platform file, with external: true if it is "
                "installed by other means)",
            )
        )
    return found


def _defined(instance: ProjectInstance, catalog: Catalog, kinds: tuple[str, ...]) -> set[str]:
    """The names objects of `kinds` have in the environment: defined by the project or the
    platform file, or given by a patch."""
    spec = instance.spec
    platform = catalog.platform(spec.platform)
    shared = platform.spec if platform is not None else None
    names: set[str]
    if kinds == _RUNTIMES:
        names = {name for name, *_ in project_runtimes(instance)}
        names |= {r.name for r in shared.serving_runtimes} if shared else set()
    elif kinds == _MODELS:
        names = {m.name for m in spec.models} | (
            {m.name for m in shared.models} if shared else set()
        )
    else:
        names = {fine_tune.name for fine_tune in spec.fine_tunes}
    return names | {after.name for _, after in catalog.patched.values() if after.kind in kinds}


_KINDS = frozenset(kind for kinds in _HOW for kind in kinds)


def _place(manifest: Manifest) -> tuple[str, str | None]:
    return manifest.name, manifest.namespace


def _seen_from(manifest: Manifest, namespace: str | None, name: str | None = None) -> bool:
    """Whether OME, looking from the service's `namespace`, finds `manifest` (by `name`
    when given)."""
    if name is not None and manifest.name != name:
        return False
    return manifest.kind in _CLUSTER_SCOPED or manifest.namespace == namespace


def _own_namespaced(instance: ProjectInstance) -> set[tuple[str, str]]:
    """The cluster-scoped kinds and names the project's own namespaced runtimes and models
    hide from its services (OME looks in the namespace first)."""
    spec = instance.spec
    return {
        *(("ClusterServingRuntime", r.name) for r in spec.runtimes if not _cluster(r)),
        *(("ClusterBaseModel", m.name) for m in spec.models if not _cluster(m)),
    }


def _cluster(definition: object) -> bool:
    return getattr(definition, "scope", "namespace") == "cluster"


def _references(final: Manifest) -> Iterator[Reference]:
    """Where the object names another, the kinds that may be, the name, and the namespace
    it is looked up from."""
    spec = final.body.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if final.kind == "BenchmarkJob":
        endpoint = spec.get("endpoint")
        service = endpoint.get("inferenceService") if isinstance(endpoint, dict) else None
        if isinstance(service, dict) and isinstance(service.get("name"), str):
            yield _AT_SERVICE, _SERVICES, service["name"], service.get("namespace")
        return
    runtime, model, namespace = spec.get("runtime"), spec.get("model"), final.namespace
    if isinstance(runtime, dict) and isinstance(runtime.get("name"), str):
        yield ("spec", "runtime", "name"), _RUNTIMES, runtime["name"], namespace
    if not isinstance(model, dict):
        return
    if isinstance(model.get("name"), str):
        yield ("spec", "model", "name"), _MODELS, model["name"], namespace
    weights = model.get("fineTunedWeights")
    for index, weight in enumerate(weights if isinstance(weights, list) else []):
        if isinstance(weight, str):
            at = ("spec", "model", "fineTunedWeights", index)
            yield at, ("FineTunedWeight",), weight, namespace


def _message(kinds: tuple[str, ...], before: Manifest, after: Manifest) -> str:
    what, lookup, field = _HOW[kinds]
    referrer = "BenchmarkJob" if kinds == _SERVICES else "InferenceService"
    if after.name != before.name:
        change = f"renames {before.kind} {before.name!r} to {after.name!r}"
    else:
        change = (
            f"moves {before.kind} {before.name!r} from namespace {before.namespace!r} to "
            f"{after.namespace!r}"
        )
    return (
        f"this patch {change}, the {what} this {referrer} names: OME looks the {what} "
        f"up by its name ({lookup}) and would not find this one; keep the name and namespace, "
        f"or patch the {referrer}'s {field} to match"
    )
