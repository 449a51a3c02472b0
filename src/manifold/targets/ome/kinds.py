"""The OME (`ome.io/v1beta1`) serving kinds manifold renders, as typed dicts: models,
serving runtimes and inference services.

Field names and enums follow OME's CRDs; only the fields manifold can produce (and that
environment patches commonly set) are listed, and the generated schemas refuse any other.
Core Kubernetes objects passed through (probes, affinity, volumes) are open objects here;
`manifold schemas import` of the real CRDs checks them in full.
"""

from __future__ import annotations

from typing import Any, Final, Literal, NotRequired

from pydantic import with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import (
    STRICT,
    ContainerFields,
    KubernetesObject,
    ObjectMeta,
    PodFields,
    Toleration,
)

API_VERSION: Final = "ome.io/v1beta1"
ApiVersion = Literal["ome.io/v1beta1"]
Protocol = Literal["openAI", "openInference-v1", "openInference-v2"]


# --------------------------------------------------------------------------- models


@with_config(STRICT)
class ModelFormat(TypedDict):
    name: str
    version: NotRequired[str]


@with_config(STRICT)
class JobStorage(TypedDict):
    """Storage as jobs read and write it (no download policy)."""

    storageUri: str
    path: NotRequired[str]
    key: NotRequired[str]
    parameters: NotRequired[dict[str, str]]
    nodeSelector: NotRequired[dict[str, str]]


@with_config(STRICT)
class Storage(JobStorage):
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
    modelType: str  # only through omeSpec (models/passthrough.py)


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


# --------------------------------------------------------------------------- components


@with_config(STRICT)
class Runner(ContainerFields, total=False):
    name: str


@with_config(STRICT)
class NodePod(PodFields, total=False):
    """A leader pod of a multi-node component."""

    runner: Runner


@with_config(STRICT)
class WorkerPod(PodFields, total=False):
    size: int
    runner: Runner


@with_config(STRICT)
class AuthenticationRef(TypedDict):
    name: str
    kind: NotRequired[Literal["TriggerAuthentication", "ClusterTriggerAuthentication"]]


@with_config(STRICT)
class KedaConfig(TypedDict, total=False):
    enableKeda: bool
    promServerAddress: str
    customPromQuery: str
    scalingThreshold: str
    scalingOperator: Literal["GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"]
    authenticationRef: AuthenticationRef
    authModes: str


@with_config(STRICT)
class AcceleratorOverride(TypedDict):
    acceleratorClass: str


@with_config(STRICT)
class ScaledPod(PodFields, total=False):
    """What every component has: its pod, its runner and how it scales."""

    annotations: dict[str, str]
    labels: dict[str, str]
    minReplicas: int
    maxReplicas: int
    scaleMetric: Literal["cpu", "memory", "concurrency", "rps"]
    scaleTarget: int
    runner: Runner


@with_config(STRICT)
class ComponentSpec(ScaledPod, total=False):
    """An engine or decoder, in a runtime (`engineConfig`...) or a service."""

    acceleratorOverride: AcceleratorOverride
    leader: NodePod
    worker: WorkerPod


@with_config(STRICT)
class RouterSpec(ScaledPod, total=False):
    """A router: no leader, workers or accelerator override (OME's RouterSpec,
    pkg/apis/ome/v1beta1/inference_service.go:251 at main 17b77eda)."""

    config: dict[str, str]


# --------------------------------------------------------------------------- runtimes


@with_config(STRICT)
class FormatRequirement(TypedDict):
    name: str
    version: NotRequired[str]
    operator: NotRequired[Literal["Equal", "GreaterThan", "GreaterThanOrEqual"]]
    weight: NotRequired[int]


@with_config(STRICT)
class SupportedModelFormat(TypedDict):
    modelFormat: FormatRequirement
    modelFramework: FormatRequirement
    modelArchitecture: NotRequired[str]
    quantization: NotRequired[str]
    autoSelect: NotRequired[bool]
    priority: NotRequired[int]
    version: NotRequired[str]


@with_config(STRICT)
class SizeRange(TypedDict):
    min: str
    max: str


@with_config(STRICT)
class AcceleratorRequirements(TypedDict):
    acceleratorClasses: list[str]


@with_config(STRICT)
class ServingRuntimeSpec(TypedDict):
    disabled: NotRequired[bool]
    supportedModelFormats: list[SupportedModelFormat]
    modelSizeRange: NotRequired[SizeRange]
    protocolVersions: NotRequired[list[Protocol]]
    acceleratorRequirements: NotRequired[AcceleratorRequirements]
    engineConfig: NotRequired[ComponentSpec]
    decoderConfig: NotRequired[ComponentSpec]
    routerConfig: NotRequired[RouterSpec]
    # OME's ServingRuntimePodSpec fields, only through omeSpec (models/passthrough.py)
    annotations: NotRequired[dict[str, str]]
    labels: NotRequired[dict[str, str]]
    nodeSelector: NotRequired[dict[str, str]]
    tolerations: NotRequired[list[Toleration]]
    affinity: NotRequired[KubernetesObject]
    volumes: NotRequired[list[KubernetesObject]]
    imagePullSecrets: NotRequired[list[KubernetesObject]]
    schedulerName: NotRequired[str]
    hostNetwork: NotRequired[bool]
    hostIPC: NotRequired[bool]
    dnsPolicy: NotRequired[Literal["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]]


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
class AcceleratorSelector(TypedDict):
    acceleratorClass: NotRequired[str]
    policy: NotRequired[Literal["BestFit", "Cheapest", "MostCapable", "FirstAvailable"]]


@with_config(STRICT)
class InferenceServiceSpec(TypedDict):
    model: ModelRef
    runtime: NotRequired[RuntimeRef]
    acceleratorSelector: NotRequired[AcceleratorSelector]
    engine: NotRequired[ComponentSpec]
    decoder: NotRequired[ComponentSpec]
    router: NotRequired[RouterSpec]
    kedaConfig: NotRequired[KedaConfig]


@with_config(STRICT)
class InferenceService(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["InferenceService"]
    metadata: ObjectMeta
    spec: InferenceServiceSpec


Object = dict[str, Any]
"""A free-form object (OME's hyperParameters, adapter configuration)."""
