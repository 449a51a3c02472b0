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


def _folded(outer: kinds.Runner, own: kinds.Runner) -> kinds.Runner:
    """A leader's or worker's runner: the component's container fields under its own."""
    merged: kinds.Runner = {"name": RUNNER_NAME, **outer, **own}
    return merged if len(merged) > 1 else {}


def _labels_under(outer: kinds.NodePod) -> k8s.Placement:
    """The component's node labels, for a leader's or worker's own to go over key by key
    (as the environment's go under a pod's own: `kubernetes.add_placement`)."""
    return k8s.Placement(node_selector=outer.get("nodeSelector"))


def _node_pod(pod: Pod, outer: kinds.NodePod) -> kinds.NodePod:
    """The leader: OME builds it from the leader's pod spec and runner alone, not from the
    component's (engine.go, reconcilePodSpec), so the component's fields are folded in."""
    spec: kinds.NodePod = {**outer}
    k8s.add_pod_fields(spec, pod, _labels_under(outer))
    if container := _folded(outer.get("runner", {}), runner(pod, RUNNER_NAME)):
        spec["runner"] = container
    return spec


def _worker_pod(worker: Worker, outer: kinds.NodePod) -> kinds.WorkerPod:
    """A worker group: OME builds its pods from the worker's spec alone (engine.go,
    reconcileWorkerPodSpec), so the component's fields are folded in too."""
    spec: kinds.WorkerPod = {"size": worker.size, **outer}
    k8s.add_pod_fields(spec, worker, _labels_under(outer))
    if container := _folded(outer.get("runner", {}), runner(worker, RUNNER_NAME)):
        spec["runner"] = container
    return spec


def _scaling(spec: kinds.ScaledPod, autoscaling: Autoscaling) -> None:
    """HPA's metric and target; Prometheus settings go on the InferenceService (`keda`)."""
    if autoscaling.metric is not None and autoscaling.target is not None:
        spec["scaleMetric"] = autoscaling.metric
        spec["scaleTarget"] = autoscaling.target


def component(
    part: Component,
    runner_name: str | None,
    defaults: k8s.Placed = k8s.NOWHERE,
    *,
    of_service: bool = False,
) -> kinds.ComponentSpec:
    """One engine or decoder; `runner_name` names its main container (runtimes name it,
    services leave it to the runtime's). Leaders and workers always name theirs.
    `defaults` is the environment's placement for what the part leaves out; `of_service`:
    the component is an InferenceService's (not a runtime's)."""
    spec: kinds.ComponentSpec = {}
    pod = _fill_component(spec, part, runner_name, defaults)
    nodes: kinds.ComponentSpec = {}
    if part.leader is not None:
        nodes["leader"] = _node_pod(part.leader, pod)
    if part.worker is not None:
        nodes["worker"] = _worker_pod(part.worker, pod)
    if of_service and part.leader is not None:
        if resources := _node_resources(pod, nodes):
            spec["runner"] = {"resources": resources}
        _node_placement(spec, pod, nodes)
    spec.update(nodes)
    return spec


def _shared_node_selector(nodes: kinds.ComponentSpec) -> dict[str, str]:
    """The node labels the leader's and the workers' pods both select, with the same value."""
    leader = nodes.get("leader", {}).get("nodeSelector", {})
    worker = nodes.get("worker", {}).get("nodeSelector", {})
    return {key: value for key, value in leader.items() if worker.get(key) == value}


def _node_placement(
    spec: kinds.ComponentSpec, pod: kinds.NodePod, nodes: kinds.ComponentSpec
) -> None:
    """What the InferenceService's component says of placement beside a leader. OME puts the
    accelerator class's `discovery.nodeSelector` over every pod's own, leader's and workers'
    included, and only the component's own `nodeSelector` over the class's
    (components/base.go:192-226, utils/merging.go:181-219); it gives every pod the class's
    `discovery.affinity` in place of its own unless the component's own `affinity` is set
    (base.go:346-368). So the labels both kinds of pod select alike are written on the
    component too (which changes no pod: they carry them already), and so is an affinity
    wherever the pods have one: the component's own, else the leader's (else the workers'),
    which no pod is built from; only that it is set counts. Labels the two select otherwise
    cannot be written there (`class_placement` holds them to the class)."""
    if shared := _shared_node_selector(nodes):
        spec["nodeSelector"] = shared
    placed = [
        node["affinity"]
        for node in (nodes.get("leader"), nodes.get("worker"))
        if node is not None and "affinity" in node
    ]
    if placed:
        spec["affinity"] = pod.get("affinity") or placed[0]


def _node_resources(
    pod: kinds.NodePod, nodes: kinds.ComponentSpec
) -> k8s.ResourceRequirements | None:
    """What the InferenceService's component runner sets beside a leader: OME builds the
    leader's and the workers' pods from their own runners alone (engine.go:268-347,
    decoder.go:264-345), but gives them the accelerator class's resources, each replacing
    theirs, whenever the component's own runner sets none (base.go:308-344 reads
    `spec.engine.runner` or `spec.decoder.runner`, never the leader's; merging.go:221-281).
    So where the leader or the workers ask for resources, the component sets some too: its
    own, else the leader's (else the workers'), which no pod reads; only that it sets any
    counts. None: the nodes ask for none, and the class's are what the project means."""
    asked = [
        node["runner"]["resources"]
        for node in (nodes.get("leader"), nodes.get("worker"))
        if node is not None and "resources" in node.get("runner", {})
    ]
    if not asked:
        return None
    return pod.get("runner", {}).get("resources") or asked[0]


def _fill_component(
    spec: kinds.ScaledPod, part: Component, runner_name: str | None, defaults: k8s.Placed
) -> kinds.NodePod:
    """What every component writes; returns the pod its leader and workers start from."""
    if part.replicas is not None:
        spec["minReplicas"] = part.replicas.min
        spec["maxReplicas"] = part.replicas.max
    if part.autoscaling is not None:
        _scaling(spec, part.autoscaling)
    pod: kinds.NodePod = {}
    if container := runner(part, runner_name):
        pod["runner"] = container
    k8s.add_pod_fields(pod, part, defaults)
    if part.leader is None:
        # a single-node component, or workers without a leader: OME falls back to the
        # component's own pod spec and runner for the (leader) pod
        if container:
            spec["runner"] = container
        k8s.add_pod_fields(spec, part, defaults)
    if part.annotations:
        spec["annotations"] = dict(part.annotations)
    if part.labels:
        spec["labels"] = dict(part.labels)
    return pod


def router(
    part: Router, runner_name: str | None, defaults: k8s.Placed = k8s.NOWHERE
) -> kinds.RouterSpec:
    """A router: one pod per replica (its model refuses a leader or workers)."""
    spec: kinds.RouterSpec = {}
    _fill_component(spec, part, runner_name, defaults)
    if part.config:
        spec["config"] = dict(part.config)
    return spec
