"""What OME really does with a component's replicas and autoscaling, and where that differs
from what the project asks: those combinations are errors at the line that asks.

OME picks how each component is deployed before it picks how it is scaled (sgl-project/ome
at 17b77edad23bae262e0c9adb7f12039397a5d33d, pkg/controller/v1beta1/inferenceservice/):
- the engine: the `ome.io/deploymentMode` annotation of the engine itself (the runtime's
  engineConfig merged under the InferenceService's engine), else MultiNode with a leader or
  workers, else Serverless when minReplicas is 0, else RawDeployment
  (utils/deployment.go:12-34); never Serverless beside a decoder (deployment.go:45-49). The
  InferenceService's own annotation is not read there (controller.go:263-272 passes the
  merged components alone);
- the decoder: MultiNode with a leader or workers, else RawDeployment (deployment.go:76-85);
- the router: Serverless when minReplicas is 0, else RawDeployment (deployment.go:86-94).
The webhook gives a component without minReplicas 1 (admission/isvc/
inference_service_defaults.go:291-330), so a component that does not say 0 is not Serverless.

Then, by mode:
- RawDeployment: a Deployment with an autoscaler picked by `ome.io/autoscalerClass`, HPA by
  default (reconcilers/autoscaler/autoscaler_reconciler.go:70-105). The HPA is one Resource
  metric named after scaleMetric (reconcilers/hpa/hpa_reconciler.go:83-119): `cpu` and
  `memory` are Kubernetes resources, `concurrency` and `rps` are not, so the HPA never gets a
  value and never scales. Both the HPA and KEDA's ScaledObject raise minReplicas 0 to 1
  (hpa_reconciler.go:68-73, reconcilers/keda/keda_reconciler.go:87-93).
- Serverless: a Knative Service whose metric annotation is scaleMetric and whose class is
  Knative's KPA unless the component's annotations say otherwise
  (reconcilers/knative/ksvc_reconciler.go:76-87). KPA accepts only concurrency and rps and
  refuses cpu and memory (knative/serving at 98e5ef90, pkg/apis/autoscaling/
  annotation_validation.go:237-263); Knative's HPA class accepts them but never goes below one
  replica (pkg/reconciler/autoscaling/hpa/resources/hpa.go:57-60). KEDA is not involved.
- MultiNode (a LeaderWorkerSet) and MultiNodeRayVLLM: minReplicas groups, no autoscaler at
  all (reconcilers/lws/lws_reconciler.go:71-77, reconcilers/multinodevllm/ray.go:49-50).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import ServingRuntime
from manifold.models.workload import Autoscaling, Component

Mode = Literal["RawDeployment", "Serverless", "MultiNode", "MultiNodeRayVLLM", "other"]
DEPLOYMENT_MODE = "ome.io/deploymentMode"
TARGET_UTILIZATION = "ome.io/targetUtilizationPercentage"
_ANNOTATED_MODES = {"RawDeployment", "Serverless", "MultiNode", "MultiNodeRayVLLM"}
"""The valid modes (pkg/constants/constants.go:450-457) the engine can be deployed in;
VirtualDeployment makes the engine reconciler fail (components/engine.go:152-164)."""
_VALID_MODES = {*_ANNOTATED_MODES, "VirtualDeployment"}
_HPA_METRICS = ("cpu", "memory")
RUNTIME_REPLICAS_UNREAD = (
    "a runtime's replicas are never read: OME's webhook gives every "
    "InferenceService component minReplicas and maxReplicas when it has none "
    "(1 and 3, a router's 1 and 2), and the InferenceService's win the merge"
)
RUNTIME_REPLICAS_HINT = "set replicas on the services that use this runtime"


@dataclass(frozen=True)
class Placed:
    """A component as OME deploys it: its mode and, for the messages, why."""

    name: str
    part: Component
    at: JsonPath
    mode: Mode
    why: str
    knative: bool = False
    """Whether replicas.min 0 would deploy it with Knative (an engine alone, a router)."""
    outer: tuple[tuple[str, str], ...] = ()
    """The InferenceService's annotations, which OME unions under the component's own
    (components/engine.go:212-232; the decoder's and router's do the same)."""


def _runtime_part(runtime: ServingRuntime | InlineRuntime | None, name: str) -> Component | None:
    if runtime is None or isinstance(runtime, InlineRuntime):
        return None  # an inline runtime has no components of its own
    part: Component | None = getattr(runtime, name)
    return part


def _multi_node(part: Component, runtime_part: Component | None) -> bool:
    """A leader or workers, the component's or its runtime's (merged under it)."""
    parts = (part, runtime_part) if runtime_part is not None else (part,)
    return any(p.leader is not None or p.worker is not None for p in parts)


def _min(part: Component) -> int:
    return part.replicas.min if part.replicas is not None else 1  # the webhook's default


def _annotated_mode(service: Service, runtime: ServingRuntime | InlineRuntime | None) -> str | None:
    """The engine's own deployment mode annotation, the service's over its runtime's."""
    runtime_part = _runtime_part(runtime, "engine")
    annotations = {**((runtime_part.annotations if runtime_part else None) or {})}
    annotations.update(service.annotations or {})
    annotated = annotations.get(DEPLOYMENT_MODE)
    return annotated if annotated in _VALID_MODES else None


def _engine_mode(
    service: Service, runtime: ServingRuntime | InlineRuntime | None
) -> tuple[Mode, str]:
    if (annotated := _annotated_mode(service, runtime)) is not None:
        mode: Mode = annotated if annotated in _ANNOTATED_MODES else "other"  # type: ignore[assignment]
        return mode, f"its {DEPLOYMENT_MODE} annotation says {annotated}"
    if _multi_node(service, _runtime_part(runtime, "engine")):
        return "MultiNode", "it has a leader and workers"
    if _min(service) == 0:
        if service.decoder is not None:
            return "RawDeployment", "an engine beside a decoder never runs on Knative"
        return "Serverless", "its replicas.min is 0"
    return "RawDeployment", "its replicas.min is not 0"


def placed_components(
    service: Service, at: JsonPath, runtime: ServingRuntime | InlineRuntime | None
) -> list[Placed]:
    """The service's engine, decoder and router with the mode OME deploys each in; `runtime`
    is the one OME merges under them (None when unknown: its leader and annotations are
    then not seen)."""
    mode, why = _engine_mode(service, runtime)
    alone = service.decoder is None and not _multi_node(service, _runtime_part(runtime, "engine"))
    knative = alone and _annotated_mode(service, runtime) is None
    placed = [Placed("engine", service, at, mode, why, knative)]
    if (decoder := service.decoder) is not None:
        if _multi_node(decoder, _runtime_part(runtime, "decoder")):
            placed.append(
                Placed(
                    "decoder", decoder, (*at, "decoder"), "MultiNode", "it has a leader and workers"
                )
            )
        else:
            why = "a decoder never runs on Knative"
            placed.append(Placed("decoder", decoder, (*at, "decoder"), "RawDeployment", why))
    if (router := service.router) is not None:
        zero = _min(router) == 0
        placed.append(
            Placed(
                "router",
                router,
                (*at, "router"),
                "Serverless" if zero else "RawDeployment",
                f"its replicas.min is {'' if zero else 'not '}0",
                knative=True,
            )
        )
    return placed


def service_scaling_problems(
    service: Service, at: JsonPath, runtime: ServingRuntime | InlineRuntime | None
) -> Iterator[Problem]:
    """Replicas and autoscaling of the service's components that OME would not honour."""
    outer = tuple(((service.metadata.annotations if service.metadata else None) or {}).items())
    for placed in placed_components(service, at, runtime):
        placed = replace(placed, outer=outer)
        inherited = _inherited_scaling(placed, runtime)
        if inherited is not None:
            placed = replace(placed, part=placed.part.model_copy(update={"autoscaling": inherited}))
        for problem in _mode_problems(placed):
            if inherited is not None and problem.path[len(placed.at) :][:1] == ("autoscaling",):
                assert isinstance(runtime, ServingRuntime)
                problem = replace(
                    problem,
                    path=(*at, "runtime"),
                    message=f"the autoscaling of runtime {runtime.name!r}, which OME merges "
                    f"under the {placed.name}'s: {problem.message}",
                    hint=f"give the {placed.name} autoscaling of its own: {problem.hint}",
                )
            yield problem
    yield from _service_annotation(service, at, runtime)


def _inherited_scaling(
    placed: Placed, runtime: ServingRuntime | InlineRuntime | None
) -> Autoscaling | None:
    """The runtime's metric and target where the component has no autoscaling: OME merges
    them in (utils/merging.go:105-143); its Prometheus settings are refused on the runtime."""
    runtime_part = _runtime_part(runtime, placed.name)
    if placed.part.autoscaling is not None or runtime_part is None:
        return None
    if runtime_part.leader is not None or runtime_part.worker is not None:
        return None  # refused on the runtime itself (runtime_scaling_problems)
    scaling = runtime_part.autoscaling
    return scaling if scaling is not None and scaling.metric is not None else None


def _mode_problems(placed: Placed) -> Iterator[Problem]:
    if placed.mode in ("MultiNode", "MultiNodeRayVLLM"):
        yield from _multi_node_problems(placed)
    elif placed.mode == "Serverless":
        yield from _knative_problems(placed)
    elif placed.mode == "RawDeployment":
        yield from _raw_problems(placed)


def _multi_node_problems(placed: Placed) -> Iterator[Problem]:
    part, head = placed.part, f"OME deploys the {placed.name} on several nodes ({placed.why})"
    runs = "as minReplicas groups of a leader and its workers, with no autoscaler"
    if part.autoscaling is not None:
        yield Problem(
            (*placed.at, "autoscaling"),
            f"{head} {runs}: this autoscaling is never read",
            hint="remove autoscaling, and give replicas min and max the number of groups",
        )
    if part.replicas is not None and part.replicas.min == 0:
        yield Problem(
            (*placed.at, "replicas", "min"),
            f"{head} {runs}: with replicas.min 0 no group would ever run",
            hint="set replicas.min to the number of groups to run (1 or more)",
        )
    elif part.replicas is not None and part.replicas.max != part.replicas.min:
        yield Problem(
            (*placed.at, "replicas", "max"),
            f"{head} {runs}: it always runs replicas.min ({part.replicas.min}) groups, never "
            f"up to {part.replicas.max}",
            hint=f"set replicas.max to {part.replicas.min}, or min to the groups to run",
        )


def _knative_problems(placed: Placed) -> Iterator[Problem]:
    autoscaling = placed.part.autoscaling
    if autoscaling is None:
        return
    head = f"OME deploys the {placed.name} with Knative ({placed.why})"
    if autoscaling.prometheus is not None:
        yield Problem(
            (*placed.at, "autoscaling", "prometheus"),
            f"{head}, which scales it with its own autoscaler: KEDA and these Prometheus "
            "settings are never read",
            hint="give it replicas.min 1 or more to scale with KEDA, or scale it on "
            "concurrency or rps",
        )
    elif autoscaling.metric in _HPA_METRICS:
        yield Problem(
            (*placed.at, "autoscaling", "metric"),
            f"{head}: Knative's autoscaler refuses the metric {autoscaling.metric} (it takes "
            "concurrency or rps), and its HPA class never scales to zero",
            hint=f"scale it on concurrency or rps, or give it replicas.min 1 or more to "
            f"scale on {autoscaling.metric} with a HorizontalPodAutoscaler",
        )


def _raw_problems(placed: Placed) -> Iterator[Problem]:
    part, head = placed.part, f"OME deploys the {placed.name} as a Deployment ({placed.why})"
    if part.replicas is not None and part.replicas.min == 0:
        yield Problem(
            (*placed.at, "replicas", "min"),
            f"{head}, whose autoscaler keeps at least 1 replica: it never scales to zero",
            hint="set replicas.min to 1 or more"
            + (", or remove the decoder" if isinstance(part, Service) and part.decoder else ""),
        )
    autoscaling = part.autoscaling
    if autoscaling is None or autoscaling.metric is None:
        return
    if autoscaling.metric in _HPA_METRICS:
        yield from _target_replaced(placed)
        return
    yield Problem(
        (*placed.at, "autoscaling", "metric"),
        f"{head}, scaled by a HorizontalPodAutoscaler on the resource named by its metric: "
        f"Kubernetes has no {autoscaling.metric} resource, so it would never scale",
        hint="scale it on cpu or memory, or on a Prometheus query (autoscaling.prometheus)"
        + (f", or let it scale to zero (replicas.min 0) to scale on {autoscaling.metric} "
           "with Knative" if placed.knative else ""),
    )  # fmt: skip


def _target_replaced(placed: Placed) -> Iterator[Problem]:
    """The HPA takes its target from `ome.io/targetUtilizationPercentage` when the
    component's annotations have it, before scaleTarget (hpa_reconciler.go:103-112)."""
    merged = {**dict(placed.outer), **(placed.part.annotations or {})}
    if (value := merged.get(TARGET_UTILIZATION)) is None:
        return
    yield Problem(
        (*placed.at, "autoscaling", "target"),
        f"the {placed.name}'s HorizontalPodAutoscaler takes its target from the annotation "
        f"{TARGET_UTILIZATION}: {value!r} before this one",
        hint=f"remove the annotation {TARGET_UTILIZATION}; autoscaling.target says it",
    )


def _service_annotation(
    service: Service, at: JsonPath, runtime: ServingRuntime | InlineRuntime | None
) -> Iterator[Problem]:
    """The InferenceService's own deployment mode annotation, where it would deploy the service
    otherwise than it asks or is not read at all.

    OME's webhook derives PDDisaggregated from a decoder and MultiNode from a leader and
    workers only when the annotation is absent (pkg/webhook/admission/isvc/
    inference_service_defaults.go:72-92), and a given one wins (controller/v1beta1/
    inferenceservice/utils/annotations.go:20): one that contradicts those fields is refused.
    RawDeployment or Serverless there is read by no component (see the module's docstring):
    refused where the engine's own settings deploy it otherwise."""
    annotations = (service.metadata.annotations if service.metadata else None) or {}
    asked = annotations.get(DEPLOYMENT_MODE)
    if asked is None:
        return
    at_annotation = (*at, "metadata", "annotations", DEPLOYMENT_MODE)
    multi_node = service.leader is not None and bool(service.worker and service.worker.size)
    if service.decoder is not None or multi_node or asked in ("PDDisaggregated", "MultiNode"):
        yield from _fields_mode(service, asked, multi_node, at_annotation)
        return
    if asked not in ("RawDeployment", "Serverless"):
        return
    mode, why = _engine_mode(service, runtime)
    if mode == asked or mode not in ("RawDeployment", "Serverless"):
        return
    yield Problem(
        at_annotation,
        f"the InferenceService's {DEPLOYMENT_MODE}: {asked} is not read for its engine: "
        f"OME decides the engine's deployment from the engine alone and deploys it as "
        f"{mode} ({why})",
        hint="remove the annotation; an engine is Serverless exactly when its replicas.min "
        "is 0 (and it has no decoder)",
    )


def _fields_mode(service: Service, asked: str, multi_node: bool, at: JsonPath) -> Iterator[Problem]:
    """PDDisaggregated or MultiNode asked, or a service with a decoder or a leader and
    workers: the annotation must name the mode those fields give."""
    allowed: set[str]
    if service.decoder is not None:
        allowed, why = {"PDDisaggregated"}, "it has a decoder"
    elif multi_node:
        allowed, why = {"MultiNode", "MultiNodeRayVLLM"}, "it has a leader and workers"
    else:
        allowed, why = set(), "it has neither a decoder nor a leader and workers"
    if asked in allowed:
        return
    yield Problem(
        at,
        f"{DEPLOYMENT_MODE}: {asked} contradicts service {service.name!r}'s fields: {why}",
        hint="remove the annotation: OME's webhook sets the mode the fields give"
        if allowed
        else "remove the annotation, or give the service the decoder or leader and workers",
    )


def runtime_scaling_problems(runtime: ServingRuntime, at: JsonPath) -> Iterator[Problem]:
    """A runtime's replicas, which OME's webhook always overrides, and autoscaling on a
    runtime component that runs on several nodes, which nothing reads."""
    for name, part in runtime.components().items():
        if part is None:
            continue
        if part.replicas is not None:
            yield Problem(
                (*at, name, "replicas"), RUNTIME_REPLICAS_UNREAD, hint=RUNTIME_REPLICAS_HINT
            )
        if part.autoscaling is not None and (part.leader is not None or part.worker is not None):
            yield Problem(
                (*at, name, "autoscaling"),
                f"OME deploys the {name} on several nodes (it has a leader and workers) as "
                "minReplicas groups, with no autoscaler: this autoscaling is never read",
                hint="remove autoscaling",
            )
