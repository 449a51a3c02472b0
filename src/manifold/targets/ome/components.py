"""Workload components -> OME component specs: the engine, decoder and router of an
InferenceService, and the `engineConfig`, `decoderConfig` and `routerConfig` of a runtime."""

from __future__ import annotations

from manifold.models.workload import Autoscaling, Component, Container, Pod, Router, Worker
from manifold.targets import kubernetes as k8s
from manifold.targets.ome import kinds

RUNNER_NAME = "ome-container"
"""OME's name for the main container of engines, decoders, leaders and workers."""
ROUTER_RUNNER_NAME = "router"


def runner(container: Container, name: str | None) -> kinds.Runner:
    """The container as OME's runner (empty when it sets nothing); `name` only where OME
    requires or names one."""
    named: kinds.Runner = {"name": name} if name is not None else {}
    k8s.add_container_fields(named, container)
    return named if len(named) > (name is not None) else {}


def _node_pod(pod: Pod, runner_name: str) -> kinds.NodePod:
    spec: kinds.NodePod = {}
    k8s.add_pod_fields(spec, pod)
    if container := runner(pod, runner_name):
        spec["runner"] = container
    return spec


def _worker_pod(worker: Worker, runner_name: str) -> kinds.WorkerPod:
    spec: kinds.WorkerPod = {"size": worker.size}
    k8s.add_pod_fields(spec, worker)
    if container := runner(worker, runner_name):
        spec["runner"] = container
    return spec


def _scaling(spec: kinds.ComponentSpec, autoscaling: Autoscaling) -> None:
    if autoscaling.metric is not None and autoscaling.target is not None:
        spec["scaleMetric"] = autoscaling.metric
        spec["scaleTarget"] = autoscaling.target
    prometheus = autoscaling.prometheus
    if prometheus is None:
        return
    keda: kinds.KedaConfig = {
        "enableKeda": True,
        "promServerAddress": prometheus.server,
        "customPromQuery": prometheus.query,
        "scalingThreshold": prometheus.threshold,
    }
    if prometheus.operator is not None:
        keda["scalingOperator"] = prometheus.operator
    if (authentication := prometheus.authentication) is not None:
        reference: kinds.AuthenticationRef = {"name": authentication.name}
        if authentication.kind is not None:
            reference["kind"] = authentication.kind
        keda["authenticationRef"] = reference
        if authentication.modes is not None:
            keda["authModes"] = authentication.modes
    spec["kedaConfig"] = keda


def component(part: Component, runner_name: str | None) -> kinds.ComponentSpec:
    """One engine, decoder or router; `runner_name` names its main container (runtimes name
    it, services leave it to the runtime's). Leaders and workers always name theirs."""
    spec: kinds.ComponentSpec = {}
    _fill_component(spec, part, runner_name)
    return spec


def _fill_component(spec: kinds.ComponentSpec, part: Component, runner_name: str | None) -> None:
    if part.replicas is not None:
        spec["minReplicas"] = part.replicas.min
        spec["maxReplicas"] = part.replicas.max
    if part.autoscaling is not None:
        _scaling(spec, part.autoscaling)
    if container := runner(part, runner_name):
        spec["runner"] = container
    k8s.add_pod_fields(spec, part)
    if part.annotations:
        spec["annotations"] = dict(part.annotations)
    if part.labels:
        spec["labels"] = dict(part.labels)
    if part.leader is not None:
        spec["leader"] = _node_pod(part.leader, RUNNER_NAME)
    if part.worker is not None:
        spec["worker"] = _worker_pod(part.worker, RUNNER_NAME)


def router(part: Router, runner_name: str | None) -> kinds.RouterSpec:
    spec: kinds.RouterSpec = {}
    _fill_component(spec, part, runner_name)
    if part.config:
        spec["config"] = dict(part.config)
    return spec


def uses_keda(part: Component | None) -> bool:
    return (
        part is not None
        and part.autoscaling is not None
        and (part.autoscaling.prometheus is not None)
    )
