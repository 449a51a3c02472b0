"""OME's rules on its objects as the environment leaves them.

The OME target checks a project's services and runtimes as the project writes them
(`checks`, `scaling`, `keda`); then `compile.finalize` gives every object the environment's
and the project's annotations, and the environment's patches may change any field. Either
can make OME run an object otherwise than its fields say: an environment-wide
`ome.io/targetUtilizationPercentage` replaces every engine's `autoscaling.target`
(hpa_reconciler.go:103-112), a patch of `minReplicas: 0` on a decoder's service asks for a
Deployment to scale to zero, a patch of `ome.io/autoscalerClass` picks KEDA without Prometheus
settings. So the same rules run again on such an object, read back as the entry an import
would make of it (`importing`), and what they refuse there that they did not refuse in the
object as the target rendered it is the environment's doing.

An object is read again only when a step changed what the rules read: the annotations
they read are OME's own (`ome.io/deploymentMode`, `ome.io/autoscalerClass`,
`ome.io/targetUtilizationPercentage`: pkg/constants/constants.go:90-94), and of the
InferenceService's fields, its components' replicas, metrics, targets, leaders and workers,
the runtime and model it names and its KEDA settings. Most patches change other fields
(pod settings, scraping annotations): on the benchmark repository, where every
InferenceService of two environments is patched, the whole check costs ~1% of a cold
`manifold check`'s CPU (0.11 s of 9.8 s under cProfile).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import shown
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.models.labels import SERVICE_ANNOTATIONS
from manifold.models.project import Service
from manifold.targets.base import Refusal
from manifold.targets.ome.importing.components import Unsupported, validated
from manifold.targets.ome.importing.entries import plain_entry
from manifold.targets.ome.importing.metadata import carried
from manifold.targets.ome.importing.render_checks import (
    RUNTIME_COMPONENT_FIELDS,
    render_refusals,
    service_refusals,
)
from manifold.targets.ome.keda import AUTOSCALER_CLASS
from manifold.targets.ome.scaling import RUNTIME_REPLICAS_UNREAD
from manifold.targets.ome.service_runtime import runtime_used

T = TypeVar("T", bound=BaseModel)
OME_ANNOTATIONS = "ome.io/"
_CHECKED = frozenset({"InferenceService", "ServingRuntime", "ClusterServingRuntime"})


def final_refusals(
    instance: ProjectInstance | PlatformInstance,
    catalog: Catalog,
    rendered: Manifest,
    final: Manifest,
) -> list[Refusal]:
    """What OME would run otherwise than `final` says (the object after the environment's
    annotations, or after its patches) and would not for `rendered` (the object before)."""
    if final.kind not in _CHECKED:
        return []
    patched = final.patched_by != rendered.patched_by
    added = [] if patched else _ome_annotations_added(rendered.body, final.body)
    if not patched and not added:
        return []
    if _read_by_the_rules(rendered.body) == _read_by_the_rules(final.body):
        return []
    cause = None if patched else added[0]
    before = set(_refusals(instance, catalog, rendered.body))
    refusals = [
        Refusal(path, message, cause)
        for path, message in _refusals(instance, catalog, final.body)
        if (path, message) not in before
    ]
    lone_before = _lone_runtime_replicas(rendered.body)
    derived = [
        *_derived_changed(rendered.body, final.body),
        *(lone for lone in _lone_runtime_replicas(final.body) if lone not in lone_before),
    ]
    return [*(Refusal(path, message, cause) for path, message in derived), *refusals]


_COMPONENTS = ("engine", "decoder", "router")
_SERVICE_FIELDS = ("model", "runtime", "kedaConfig", "acceleratorSelector")
_COMPONENT_FIELDS = ("minReplicas", "maxReplicas", "scaleMetric", "scaleTarget", "leader", "worker")


def _read_by_the_rules(body: dict[str, Any]) -> Any:
    """What of the object the rules and the runtime's selection read: two objects that agree
    here get the same refusals. For an InferenceService: its OME annotations, the runtime
    and model it names, its KEDA settings, and each component's replicas, metric, target,
    OME annotations, leader, workers and runner image; for the other kinds, the whole spec."""
    spec = body.get("spec")
    own = _ome_only(_annotations(body))
    if body.get("kind") != "InferenceService" or not isinstance(spec, dict):
        return own, spec
    components: list[Any] = []
    for name in _COMPONENTS:
        part = spec.get(name)
        if not isinstance(part, dict):
            components.append(part is not None)
            continue
        runner = part.get("runner")
        image = runner.get("image") if isinstance(runner, dict) else None
        fields = [part.get(field) for field in _COMPONENT_FIELDS]
        components.append((fields, _ome_only(_mapping(part.get("annotations"))), image))
    return own, [spec.get(field) for field in _SERVICE_FIELDS], components


def _ome_only(annotations: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in annotations.items() if isinstance(k, str) and k.startswith(OME_ANNOTATIONS)
    }


def _annotations(body: dict[str, Any]) -> dict[str, Any]:
    metadata = body.get("metadata")
    return _mapping(metadata.get("annotations") if isinstance(metadata, dict) else None)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ome_annotations_added(rendered: dict[str, Any], final: dict[str, Any]) -> list[str]:
    """OME's annotations `final` has that `rendered` does not have with that value."""
    before = _annotations(rendered)
    return sorted(
        key
        for key, value in _annotations(final).items()
        if isinstance(key, str) and key.startswith(OME_ANNOTATIONS) and before.get(key) != value
    )


def _derived_changed(rendered: dict[str, Any], final: dict[str, Any]) -> list[tuple[JsonPath, str]]:
    """An annotation manifold derives from the service's fields, changed after the render."""
    if final.get("kind") != "InferenceService":
        return []
    wanted, got = (
        _annotations(rendered).get(AUTOSCALER_CLASS),
        _annotations(final).get(AUTOSCALER_CLASS),
    )
    if wanted == got:
        return []
    return [
        (
            ("metadata", "annotations", AUTOSCALER_CLASS),
            f"{AUTOSCALER_CLASS} is {_shown_or_absent(got)} where the service's fields make "
            f"it {_shown_or_absent(wanted)}: "
            f"{SERVICE_ANNOTATIONS[AUTOSCALER_CLASS]}",
        )
    ]


def _lone_runtime_replicas(final: dict[str, Any]) -> list[tuple[JsonPath, str]]:
    """A runtime component's minReplicas or maxReplicas without the other: an entry cannot
    say it, so `_refusals` cannot read the object back, yet OME ignores it as it ignores
    both (its webhook gives the InferenceService's component both)."""
    spec = final.get("spec")
    if final.get("kind") == "InferenceService" or not isinstance(spec, dict):
        return []
    lone: list[tuple[JsonPath, str]] = []
    for field in RUNTIME_COMPONENT_FIELDS.values():
        part = _mapping(spec.get(field))
        given = [key for key in ("minReplicas", "maxReplicas") if key in part]
        if len(given) == 1:
            lone.append((("spec", field, given[0]), RUNTIME_REPLICAS_UNREAD))
    return lone


def _shown_or_absent(value: Any) -> str:
    return "absent" if value is None else shown(value)


def entry_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """The object as the entry an import makes of it (`importing`); None when it holds what
    an entry cannot say (its schema still checks it). Raises nothing.

    An import reads objects its CRD accepts; here the object is read before its schema is
    checked, and a patch may have left any shape where the CRD wants another (`engineConfig:
    5`): the reading then fails as it will, and the object is one an entry cannot say. The
    schema reports it at the patch (`compile.project.validated`)."""
    kind, metadata, spec = body.get("kind"), body.get("metadata"), body.get("spec")
    if not isinstance(metadata, dict) or not isinstance(spec, dict):
        return None
    try:
        entry = plain_entry(str(kind), str(metadata.get("name")), spec)
        own = carried(str(kind), metadata).entry
    except (Unsupported, AttributeError, TypeError, KeyError, IndexError, ValueError):
        return None
    if own:
        entry["metadata"] = own
    return entry


def read_back(model: type[T], body: dict[str, Any]) -> T | None:
    """The object read by `model` as an imported entry of it; None where it cannot be."""
    entry = entry_of(body)
    if entry is None:
        return None
    try:
        read: T = validated(model, entry)
    except Unsupported:
        return None
    return read


def _refusals(
    instance: ProjectInstance | PlatformInstance, catalog: Catalog, body: dict[str, Any]
) -> list[tuple[JsonPath, str]]:
    """The rules' refusals of the object as an entry, at its fields; none when the object
    holds what an entry cannot say (its schema still checks it)."""
    kind = str(body.get("kind"))
    if kind != "InferenceService":
        entry = entry_of(body)
        try:
            return [] if entry is None else render_refusals(kind, entry)
        except Unsupported:
            return []
    service = read_back(Service, body)
    if service is None:
        return []
    # An InferenceService is always a project's: a platform file has none.
    used = (
        runtime_used(instance, catalog, service) if isinstance(instance, ProjectInstance) else None
    )
    return service_refusals(service, used)
