"""Shapes of the core Kubernetes types that target kinds embed, as typed dicts.

Targets build plain dicts (no model objects on the hot path); these types let mypy check
them, and pydantic turns them into the strict JSON Schemas written to schemas/.
"""

from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from manifold.models.common import EnvFromConfigMap, EnvFromSecret, EnvValue, EnvVar, Resources
from manifold.models.common import Toleration as TolerationInput

STRICT = ConfigDict(extra="forbid")

QuantityValue = str | int


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
class EnvVarSource(TypedDict):
    secretKeyRef: NotRequired[KeyRef]
    configMapKeyRef: NotRequired[KeyRef]


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
class Toleration(TypedDict):
    key: NotRequired[str]
    operator: NotRequired[Literal["Exists", "Equal"]]
    value: NotRequired[str]
    effect: NotRequired[Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]]
    tolerationSeconds: NotRequired[int]


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
    return converted


def resource_requirements(resources: Resources) -> ResourceRequirements:
    """Requests from cpu, memory, storage and GPUs; limits equal the requests unless given."""
    requests: dict[str, QuantityValue] = {}
    if resources.cpu is not None:
        requests["cpu"] = resources.cpu
    if resources.memory is not None:
        requests["memory"] = resources.memory
    if resources.ephemeral_storage is not None:
        requests["ephemeral-storage"] = resources.ephemeral_storage
    if resources.gpu is not None and resources.gpu.count > 0:
        requests[resources.gpu.resource] = str(resources.gpu.count)
    limits = {**requests, **(resources.limits or {})}
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
        if item.key is not None:
            toleration["key"] = item.key
        if item.operator is not None:
            toleration["operator"] = item.operator
        if item.value is not None:
            toleration["value"] = item.value
        if item.effect is not None:
            toleration["effect"] = item.effect
        if item.toleration_seconds is not None:
            toleration["tolerationSeconds"] = item.toleration_seconds
        converted.append(toleration)
    return converted
