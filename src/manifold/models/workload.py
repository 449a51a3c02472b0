"""What runs: containers, the pods around them, and components made of pods.

Platform-neutral and in Kubernetes' own words where Kubernetes has them (`volumeMounts`,
`readinessProbe`, `hostNetwork`...), so that what people already write for a pod can be
written here. Kubernetes objects manifold does not look into (probes, security contexts,
affinity, volumes) are passed through as written and checked against the target's schema
after rendering.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from manifold.models.common import INT32_MAX, Replicas, Resources, Strict, Toleration
from manifold.models.env import EnvVar
from manifold.models.labels import Labels, ServiceReachingAnnotations


def _named(value: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value.get("name"), str) or not value["name"]:
        raise ValueError("a volume needs a name")
    return value


KubernetesObject = dict[str, Any]
"""A Kubernetes object manifold passes through unchanged (a Probe, an Affinity...)."""

Volume = Annotated[dict[str, Any], AfterValidator(_named)]
"""A Kubernetes Volume (`{name, emptyDir: {...}}`, `{name, hostPath: {...}}`...)."""


class ContainerPort(Strict):
    container_port: int = Field(
        ge=1, le=65535, description="Port number in the container, 1 to 65535."
    )
    name: str | None = Field(
        default=None, description="Port name, for example http; unique in the container."
    )
    protocol: Literal["TCP", "UDP", "SCTP"] | None = Field(
        default=None, description="TCP (the default), UDP or SCTP."
    )


class VolumeMount(Strict):
    name: str = Field(min_length=1, description="The volume to mount.")
    mount_path: str = Field(
        min_length=1, description="Path in the container where the volume appears."
    )
    read_only: bool | None = Field(default=None, description="Mount the volume read-only.")
    sub_path: str | None = Field(
        default=None, description="Path inside the volume to mount instead of its root."
    )


class Container(Strict):
    """The main container of a pod."""

    image: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "Container image, for example vllm/vllm-openai:v0.6.3; defaults to the runtime's."
        ),
    )
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] | None = Field(
        default=None, description="When to pull the image: Always, IfNotPresent or Never."
    )
    command: list[str] | None = Field(
        default=None, description="Command of the main container, replacing the image's entrypoint."
    )
    args: list[str] | None = Field(
        default=None, description="Arguments of the main container, replacing the image's."
    )
    working_dir: str | None = Field(
        default=None, description="Working directory of the main container."
    )
    env: list[EnvVar] | None = Field(
        default=None, description="Environment variables of the main container."
    )
    resources: Resources | None = Field(
        default=None, description="CPU, memory and GPUs of the main container."
    )
    ports: list[ContainerPort] | None = Field(
        default=None, description="Ports the main container exposes."
    )
    volume_mounts: list[VolumeMount] | None = Field(
        default=None, description="Where the main container mounts the pod's `volumes`."
    )
    readiness_probe: KubernetesObject | None = Field(
        default=None,
        description=(
            "Kubernetes probe that says when the container may take traffic, passed"
            " through unchanged."
        ),
    )
    liveness_probe: KubernetesObject | None = Field(
        default=None,
        description=(
            "Kubernetes probe that restarts the container when it fails, passed through unchanged."
        ),
    )
    startup_probe: KubernetesObject | None = Field(
        default=None,
        description=(
            "Kubernetes probe that holds the other probes until start-up is done, "
            "passed through unchanged."
        ),
    )
    security_context: KubernetesObject | None = Field(
        default=None,
        description=("Kubernetes SecurityContext of the main container, passed through unchanged."),
    )


class PodSettings(Strict):
    """Where and how the pods of a workload run."""

    node_selector: dict[str, str] | None = Field(
        default=None, description="Node labels the pods must run on."
    )
    tolerations: list[Toleration] | None = Field(
        default=None, description="Taints the pods tolerate, for example of GPU nodes."
    )
    affinity: KubernetesObject | None = Field(
        default=None, description="Kubernetes affinity of the pods, passed through unchanged."
    )
    volumes: list[Volume] | None = Field(
        default=None,
        description=(
            "Kubernetes volumes of the pods, passed through unchanged (each needs a name)."
        ),
    )
    service_account_name: str | None = Field(
        default=None, description="Kubernetes ServiceAccount the pods run as."
    )
    priority_class_name: str | None = Field(
        default=None, description="Kubernetes PriorityClass of the pods."
    )
    scheduler_name: str | None = Field(
        default=None, description="Kubernetes scheduler that places the pods, for example volcano."
    )
    host_network: bool | None = Field(
        default=None,
        description="Run the pods on the node's network (for example RDMA between nodes).",
    )
    host_ipc: bool | None = Field(
        default=None,
        alias="hostIPC",
        description=(
            "Share the node's IPC namespace with the pods (multi-GPU engines that "
            "use shared memory)."
        ),
    )
    dns_policy: Literal["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"] | None = (
        Field(
            default=None,
            description=(
                "DNS policy of the pods: ClusterFirst, ClusterFirstWithHostNet, Default or None."
            ),
        )
    )
    enable_service_links: bool | None = Field(
        default=None,
        description=(
            "Whether Kubernetes injects variables for the namespace's Services into the pods."
        ),
    )


class Pod(Container, PodSettings):
    """One kind of pod: its main container and its pod settings."""


class Worker(Pod):
    size: int = Field(ge=1, description="Worker pods in each group, besides the leader.")


_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_AUTH_MODES = ("basic", "tls", "bearer", "custom")


def _http_address(value: str) -> str:
    scheme, _, rest = value.partition("://")
    if scheme not in ("http", "https") or not rest.split("/", 1)[0]:
        raise ValueError(
            f"{value!r} is not an http(s) address with a host, for example "
            "https://prometheus.example.com"
        )
    return value


def _number(value: str) -> str:
    if not _NUMBER.match(value):
        raise ValueError(f'{value!r} is not a number; write it as a string, for example "0.07"')
    return value


def _auth_modes(value: str) -> str:
    unknown = [m.strip() for m in value.split(",") if m.strip() not in ("", *_AUTH_MODES)]
    if unknown:
        raise ValueError(
            f"{', '.join(repr(m) for m in unknown)}: KEDA knows the auth modes "
            f"{', '.join(_AUTH_MODES)} (comma-separated)"
        )
    return value


class PrometheusAuthentication(Strict):
    name: str = Field(min_length=1, description="The KEDA (Cluster)TriggerAuthentication.")
    kind: Literal["TriggerAuthentication", "ClusterTriggerAuthentication"] | None = Field(
        default=None,
        description=(
            "TriggerAuthentication (in the namespace, the default) or ClusterTriggerAuthentication."
        ),
    )
    modes: Annotated[str, AfterValidator(_auth_modes)] | None = Field(
        default=None, description="Comma-separated: basic, tls, bearer, custom."
    )


class PrometheusScaling(Strict):
    """Scale on the value of a Prometheus query (OME: KEDA)."""

    server: Annotated[str, AfterValidator(_http_address)] = Field(
        description="Prometheus server address (http or https)."
    )
    query: str = Field(
        min_length=1,
        description=(
            "PromQL, its value compared to threshold; OME puts the scaled deployment's name "
            "where it says %s (write %% for a literal %)."
        ),
    )
    threshold: Annotated[str, AfterValidator(_number)] = Field(
        description='A number, as a string (for example "0.07").'
    )
    operator: Literal["GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"] | None = (
        Field(
            default=None,
            description=(
                "How the query value is compared with threshold (KEDA default: GreaterThan)."
            ),
        )
    )
    authentication: PrometheusAuthentication | None = Field(
        default=None, description="KEDA authentication to reach the Prometheus server."
    )


class Autoscaling(Strict):
    """On a built-in metric (`metric` and `target`), or on a Prometheus query."""

    metric: Literal["cpu", "memory", "concurrency", "rps"] | None = Field(
        default=None, description="Built-in metric to scale on: cpu, memory, concurrency or rps."
    )
    target: int | None = Field(
        default=None,
        ge=1,
        le=INT32_MAX,
        description="Target value of the metric per replica (percent for cpu and memory).",
    )
    prometheus: PrometheusScaling | None = Field(
        default=None,
        description=("Scale on a Prometheus query instead of a built-in metric (OME: KEDA)."),
    )

    @model_validator(mode="after")
    def _one_way(self) -> Autoscaling:
        builtin = self.metric is not None or self.target is not None
        if builtin and self.prometheus is not None:
            raise ValueError("autoscale on metric and target, or on prometheus, not both")
        if self.prometheus is None and (self.metric is None or self.target is None):
            raise ValueError("autoscaling needs metric and target (or prometheus)")
        return self


class Component(Pod):
    """A set of replicas doing one job: one pod each, or a leader and workers each
    (multi-node: a replica is a group of `1 + worker.size` pods)."""

    annotations: ServiceReachingAnnotations | None = Field(
        default=None,
        description="Annotations on the component's pods; those manifold derives refused.",
    )
    labels: Labels | None = Field(default=None, description="Labels on the component's pods.")
    replicas: Replicas | None = Field(
        default=None, description="Fewest and most replicas; OME minReplicas and maxReplicas."
    )
    autoscaling: Autoscaling | None = Field(
        default=None,
        description=(
            "How the replica count follows load, between `replicas.min` and `replicas.max`."
        ),
    )
    leader: Pod | None = Field(
        default=None, description="Multi-node serving: the pod that leads each replica's group."
    )
    worker: Worker | None = Field(
        default=None,
        description=("Multi-node serving: the worker pods of each replica's group, and how many."),
    )

    @model_validator(mode="after")
    def _leader_with_workers(self) -> Component:
        if self.leader is not None and self.worker is None:
            raise ValueError("a leader needs workers: add worker: {size: N}")
        return self


class Router(Component):
    """What spreads requests over the replicas (and, with a decoder, prefill and decode)."""

    config: dict[str, str] | None = Field(
        default=None,
        description=("Router settings as string pairs, passed to the router (OME router config)."),
    )

    @model_validator(mode="after")
    def _one_pod_per_replica(self) -> Router:
        # OME's RouterSpec has no leader or worker (pkg/apis/ome/v1beta1/
        # inference_service.go:251): its CRD would refuse them.
        if self.leader is not None or self.worker is not None:
            raise ValueError(
                "a router runs one pod per replica: OME's router has no leader or workers; "
                "remove router.leader and router.worker"
            )
        return self
