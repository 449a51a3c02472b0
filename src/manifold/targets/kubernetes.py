"""Shapes of the core Kubernetes types that target kinds embed, as typed dicts.

Targets build plain dicts (no model objects on the hot path); these types let mypy check
them, and pydantic turns them into the strict JSON Schemas written to schemas/.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, NotRequired, Protocol

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from manifold.models import workload
from manifold.models.common import Resources
from manifold.models.common import Toleration as TolerationInput
from manifold.models.env import EnvFromConfigMap, EnvFromField, EnvFromSecret, EnvValue, EnvVar
from manifold.models.workload import Container, PodSettings
from manifold.targets.given import put_given

STRICT = ConfigDict(extra="forbid")

QuantityValue = str | int

KubernetesObject = dict[str, Any]
"""A core Kubernetes object passed through as the user wrote it (probes, affinity, volumes).
The schemas manifold generates accept any such object; the real CRDs (`manifold schemas
import`) check them in full."""


@with_config(STRICT)
class ObjectMeta(TypedDict):
    name: str
    namespace: NotRequired[str]
    labels: NotRequired[dict[str, str]]
    annotations: NotRequired[dict[str, str]]


@with_config(STRICT)
class KeyRef(TypedDict):
    name: str
    key: str


@with_config(STRICT)
class FieldRef(TypedDict):
    fieldPath: str


@with_config(STRICT)
class EnvVarSource(TypedDict):
    secretKeyRef: NotRequired[KeyRef]
    configMapKeyRef: NotRequired[KeyRef]
    fieldRef: NotRequired[FieldRef]


@with_config(STRICT)
class EnvVarObject(TypedDict):
    name: str
    value: NotRequired[str]
    valueFrom: NotRequired[EnvVarSource]


@with_config(STRICT)
class ResourceRequirements(TypedDict):
    requests: NotRequired[dict[str, QuantityValue]]
    limits: NotRequired[dict[str, QuantityValue]]


@with_config(STRICT)
class ContainerPort(TypedDict):
    containerPort: int
    name: NotRequired[str]
    protocol: NotRequired[Literal["TCP", "UDP", "SCTP"]]


@with_config(STRICT)
class VolumeMount(TypedDict):
    name: str
    mountPath: str
    readOnly: NotRequired[bool]
    subPath: NotRequired[str]


@with_config(STRICT)
class Toleration(TypedDict):
    key: NotRequired[str]
    operator: NotRequired[Literal["Exists", "Equal"]]
    value: NotRequired[str]
    effect: NotRequired[Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]]
    tolerationSeconds: NotRequired[int]


@with_config(STRICT)
class ContainerFields(TypedDict, total=False):
    """What manifold sets on a container."""

    image: str
    imagePullPolicy: Literal["Always", "IfNotPresent", "Never"]
    command: list[str]
    args: list[str]
    workingDir: str
    env: list[EnvVarObject]
    resources: ResourceRequirements
    ports: list[ContainerPort]
    volumeMounts: list[VolumeMount]
    readinessProbe: KubernetesObject
    livenessProbe: KubernetesObject
    startupProbe: KubernetesObject
    securityContext: KubernetesObject


@with_config(STRICT)
class PlacementFields(TypedDict, total=False):
    """Where a pod may run: what every kind that places pods has."""

    nodeSelector: dict[str, str]
    tolerations: list[Toleration]
    affinity: KubernetesObject


@with_config(STRICT)
class PodFields(PlacementFields, total=False):
    """What manifold sets on a pod."""

    volumes: list[KubernetesObject]
    serviceAccountName: str
    priorityClassName: str
    schedulerName: str
    hostNetwork: bool
    hostIPC: bool
    dnsPolicy: Literal["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]
    enableServiceLinks: bool


@with_config(STRICT)
class Namespace(TypedDict):
    apiVersion: Literal["v1"]
    kind: Literal["Namespace"]
    metadata: ObjectMeta


# --------------------------------------------------------------------------- conversions


def env_vars(variables: list[EnvVar]) -> list[EnvVarObject]:
    converted: list[EnvVarObject] = []
    for variable in variables:
        if isinstance(variable, EnvValue):
            converted.append({"name": variable.name, "value": variable.value})
        elif isinstance(variable, EnvFromSecret):
            secret = variable.secret
            source: EnvVarSource = {"secretKeyRef": {"name": secret.name, "key": secret.key}}
            converted.append({"name": variable.name, "valueFrom": source})
        elif isinstance(variable, EnvFromConfigMap):
            config_map = variable.config_map
            source = {"configMapKeyRef": {"name": config_map.name, "key": config_map.key}}
            converted.append({"name": variable.name, "valueFrom": source})
        elif isinstance(variable, EnvFromField):
            source = {"fieldRef": {"fieldPath": variable.field}}
            converted.append({"name": variable.name, "valueFrom": source})
    return converted


def resource_requirements(resources: Resources) -> ResourceRequirements:
    """cpu, memory, storage and GPUs are both requested and limited; `requests` and `limits`
    add to or override one side."""
    both: dict[str, QuantityValue] = {}
    put_given(
        both,
        {
            "cpu": resources.cpu,
            "memory": resources.memory,
            "ephemeral-storage": resources.ephemeral_storage,
        },
    )
    if resources.gpu is not None and resources.gpu.count > 0:
        both[resources.gpu.resource] = resources.gpu.count
    requests = {**both, **(resources.requests or {})}
    limits = {**both, **(resources.limits or {})}
    result: ResourceRequirements = {}
    if requests:
        result["requests"] = requests
    if limits:
        result["limits"] = limits
    return result


def tolerations(items: list[TolerationInput]) -> list[Toleration]:
    converted: list[Toleration] = []
    for item in items:
        toleration: Toleration = {}
        put_given(
            toleration,
            {
                "key": item.key,
                "operator": item.operator,
                "value": item.value,
                "effect": item.effect,
                "tolerationSeconds": item.toleration_seconds,
            },
        )
        converted.append(toleration)
    return converted


def add_container_fields(fields: ContainerFields, container: Container) -> None:
    """Set on `fields` (a container, or a target's shape that extends one) what `container`
    gives."""
    if container.image is not None:
        fields["image"] = container.image
    if container.image_pull_policy is not None:
        fields["imagePullPolicy"] = container.image_pull_policy
    if container.command:
        fields["command"] = list(container.command)
    if container.args:
        fields["args"] = list(container.args)
    if container.working_dir is not None:
        fields["workingDir"] = container.working_dir
    if container.env:
        fields["env"] = env_vars(container.env)
    if container.resources is not None and (
        requirements := resource_requirements(container.resources)
    ):
        fields["resources"] = requirements
    if container.ports:
        fields["ports"] = [container_port(port) for port in container.ports]
    if container.volume_mounts:
        fields["volumeMounts"] = [volume_mount(mount) for mount in container.volume_mounts]
    if container.readiness_probe is not None:
        fields["readinessProbe"] = dict(container.readiness_probe)
    if container.liveness_probe is not None:
        fields["livenessProbe"] = dict(container.liveness_probe)
    if container.startup_probe is not None:
        fields["startupProbe"] = dict(container.startup_probe)
    if container.security_context is not None:
        fields["securityContext"] = dict(container.security_context)


def container_port(port: workload.ContainerPort) -> ContainerPort:
    converted: ContainerPort = {"containerPort": port.container_port}
    put_given(converted, {"name": port.name, "protocol": port.protocol})
    return converted


def volume_mount(mount: workload.VolumeMount) -> VolumeMount:
    converted: VolumeMount = {"name": mount.name, "mountPath": mount.mount_path}
    put_given(converted, {"readOnly": mount.read_only, "subPath": mount.sub_path})
    return converted


class Placed(Protocol):
    """Anything that says where its pods run (pod settings, a benchmark, a pipeline)."""

    @property
    def node_selector(self) -> Mapping[str, str] | None: ...
    @property
    def tolerations(self) -> Sequence[TolerationInput] | None: ...
    @property
    def affinity(self) -> Mapping[str, Any] | None: ...


@dataclass(frozen=True)
class Placement:
    """Placement from elsewhere (an environment's defaults), to fill what a pod leaves out."""

    node_selector: Mapping[str, str] | None = None
    tolerations: Sequence[TolerationInput] | None = None
    affinity: Mapping[str, Any] | None = None


NOWHERE = Placement()


def add_placement(fields: PlacementFields, placed: Placed, defaults: Placed = NOWHERE) -> None:
    """Set where the pod runs: its own node selector over the defaults' (key by key), its
    own tolerations and affinity, else the defaults'. Every kind that places pods uses this,
    so environment placement reaches all of them alike."""
    selector = {**(defaults.node_selector or {}), **(placed.node_selector or {})}
    if selector:
        fields["nodeSelector"] = selector
    if chosen := placed.tolerations or defaults.tolerations:
        fields["tolerations"] = tolerations(list(chosen))
    affinity = placed.affinity if placed.affinity is not None else defaults.affinity
    if affinity is not None:
        fields["affinity"] = dict(affinity)


def add_pod_fields(fields: PodFields, pod: PodSettings, defaults: Placed = NOWHERE) -> None:
    """Set on `fields` (a pod, or a target's shape that extends one) what `pod` gives, with
    `defaults` filling the placement it leaves out."""
    add_placement(fields, pod, defaults)
    if pod.volumes:
        fields["volumes"] = [dict(volume) for volume in pod.volumes]
    put_given(
        fields,
        {
            "serviceAccountName": pod.service_account_name,
            "priorityClassName": pod.priority_class_name,
            "schedulerName": pod.scheduler_name,
            "hostNetwork": pod.host_network,
            "hostIPC": pod.host_ipc,
            "dnsPolicy": pod.dns_policy,
            "enableServiceLinks": pod.enable_service_links,
        },
    )


_SUFFIXES = {
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
"""A quantity's suffixes and what each multiplies by (binary, then decimal)."""


def quantity(value: str | int) -> Decimal | None:
    """A Kubernetes quantity as a number (500m -> 0.5, 2Gi -> 2147483648)."""
    if isinstance(value, int):
        return Decimal(value)
    number, multiplier = value, Decimal(1)
    for suffix, factor in sorted(_SUFFIXES.items(), key=lambda item: -len(item[0])):
        if value.endswith(suffix):
            number, multiplier = value[: -len(suffix)], factor
            break
    try:
        return Decimal(number) * multiplier
    except InvalidOperation:
        return None
