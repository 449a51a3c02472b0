"""The OME (`ome.io/v1beta1`) kinds manifold renders, as typed dicts.

Field names and enums follow OME's CRDs; only the fields manifold can produce (and that
environment patches commonly set) are listed, and the generated schemas refuse any other.
"""

from __future__ import annotations

from typing import Final, Literal, NotRequired

from pydantic import with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import (
    STRICT,
    ContainerPort,
    EnvVarObject,
    ObjectMeta,
    ResourceRequirements,
    Toleration,
)

API_VERSION: Final = "ome.io/v1beta1"
ApiVersion = Literal["ome.io/v1beta1"]


# --------------------------------------------------------------------------- models


@with_config(STRICT)
class ModelFormat(TypedDict):
    name: str
    version: NotRequired[str]


@with_config(STRICT)
class Storage(TypedDict):
    storageUri: str
    path: NotRequired[str]
    key: NotRequired[str]
    parameters: NotRequired[dict[str, str]]
    nodeSelector: NotRequired[dict[str, str]]
    downloadPolicy: NotRequired[Literal["AlwaysDownload", "ReuseIfExists"]]


@with_config(STRICT)
class ModelIdentity(TypedDict, total=False):
    """What a (Cluster)BaseModel says about its model; all optional."""

    vendor: str
    displayName: str
    version: str
    disabled: bool
    modelCapabilities: list[str]
    modelFormat: ModelFormat
    modelFramework: ModelFormat
    modelArchitecture: str
    modelParameterSize: str
    quantization: str
    maxTokens: int


@with_config(STRICT)
class BaseModelSpec(ModelIdentity):
    storage: Storage


@with_config(STRICT)
class BaseModel(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["BaseModel"]
    metadata: ObjectMeta
    spec: BaseModelSpec


@with_config(STRICT)
class ClusterBaseModel(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ClusterBaseModel"]
    metadata: ObjectMeta
    spec: BaseModelSpec


# --------------------------------------------------------------------------- runtimes


@with_config(STRICT)
class Runner(TypedDict):
    name: NotRequired[str]
    image: NotRequired[str]
    command: NotRequired[list[str]]
    args: NotRequired[list[str]]
    env: NotRequired[list[EnvVarObject]]
    resources: NotRequired[ResourceRequirements]
    ports: NotRequired[list[ContainerPort]]


@with_config(STRICT)
class SupportedModelFormat(TypedDict):
    modelFormat: ModelFormat
    modelFramework: ModelFormat
    modelArchitecture: NotRequired[str]
    quantization: NotRequired[str]
    autoSelect: NotRequired[bool]
    priority: NotRequired[int]


@with_config(STRICT)
class EngineConfig(TypedDict):
    runner: NotRequired[Runner]
    minReplicas: NotRequired[int]
    maxReplicas: NotRequired[int]
    nodeSelector: NotRequired[dict[str, str]]
    tolerations: NotRequired[list[Toleration]]
    annotations: NotRequired[dict[str, str]]
    labels: NotRequired[dict[str, str]]


@with_config(STRICT)
class RouterConfig(TypedDict):
    runner: NotRequired[Runner]
    config: NotRequired[dict[str, str]]


@with_config(STRICT)
class ServingRuntimeSpec(TypedDict):
    disabled: NotRequired[bool]
    supportedModelFormats: list[SupportedModelFormat]
    protocolVersions: NotRequired[list[Literal["openAI", "openInference-v1", "openInference-v2"]]]
    engineConfig: NotRequired[EngineConfig]
    routerConfig: NotRequired[RouterConfig]


@with_config(STRICT)
class ServingRuntime(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ServingRuntime"]
    metadata: ObjectMeta
    spec: ServingRuntimeSpec


@with_config(STRICT)
class ClusterServingRuntime(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ClusterServingRuntime"]
    metadata: ObjectMeta
    spec: ServingRuntimeSpec


# --------------------------------------------------------------------------- inference


@with_config(STRICT)
class ModelRef(TypedDict):
    name: str
    kind: NotRequired[Literal["BaseModel", "ClusterBaseModel"]]
    apiGroup: NotRequired[Literal["ome.io"]]
    fineTunedWeights: NotRequired[list[str]]


RuntimeKind = Literal["ServingRuntime", "ClusterServingRuntime"]


@with_config(STRICT)
class RuntimeRef(TypedDict):
    name: str
    kind: NotRequired[RuntimeKind]
    apiGroup: NotRequired[Literal["ome.io"]]


@with_config(STRICT)
class EngineSpec(TypedDict):
    minReplicas: NotRequired[int]
    maxReplicas: NotRequired[int]
    scaleMetric: NotRequired[Literal["cpu", "memory", "concurrency", "rps"]]
    scaleTarget: NotRequired[int]
    runner: NotRequired[Runner]
    nodeSelector: NotRequired[dict[str, str]]
    tolerations: NotRequired[list[Toleration]]
    annotations: NotRequired[dict[str, str]]
    labels: NotRequired[dict[str, str]]


@with_config(STRICT)
class RouterSpec(TypedDict):
    minReplicas: NotRequired[int]
    maxReplicas: NotRequired[int]
    runner: NotRequired[Runner]
    config: NotRequired[dict[str, str]]


@with_config(STRICT)
class AcceleratorSelector(TypedDict):
    acceleratorClass: NotRequired[str]
    policy: NotRequired[Literal["BestFit", "Cheapest", "MostCapable", "FirstAvailable"]]


@with_config(STRICT)
class InferenceServiceSpec(TypedDict):
    model: ModelRef
    runtime: NotRequired[RuntimeRef]
    acceleratorSelector: NotRequired[AcceleratorSelector]
    engine: NotRequired[EngineSpec]
    router: NotRequired[RouterSpec]


@with_config(STRICT)
class InferenceService(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["InferenceService"]
    metadata: ObjectMeta
    spec: InferenceServiceSpec
