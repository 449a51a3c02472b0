"""The OME kinds of a model's life after import, as typed dicts: fine-tuned weights, training
jobs and runtimes, benchmarks, replication jobs and inference graphs."""

from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import (
    STRICT,
    ContainerFields,
    EnvVarObject,
    KubernetesObject,
    ObjectMeta,
    PodFields,
    ResourceRequirements,
    Toleration,
    VolumeMount,
)
from manifold.targets.ome.kinds import ApiVersion, JobStorage, Object, Storage


@with_config(STRICT)
class ObjectReference(TypedDict):
    name: str
    namespace: NotRequired[str]


# --------------------------------------------------------------------------- weights


@with_config(STRICT)
class FineTunedWeightSpec(TypedDict):
    baseModelRef: ObjectReference
    modelType: str
    hyperParameters: Object
    storage: Storage
    configuration: NotRequired[Object]
    trainingJobRef: NotRequired[ObjectReference]
    displayName: NotRequired[str]
    version: NotRequired[str]
    vendor: NotRequired[str]
    disabled: NotRequired[bool]
    compartmentID: NotRequired[str]


@with_config(STRICT)
class FineTunedWeight(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["FineTunedWeight"]
    metadata: ObjectMeta
    spec: FineTunedWeightSpec


# --------------------------------------------------------------------------- training


@with_config(STRICT)
class TrainingRuntimeRef(TypedDict):
    name: str
    kind: NotRequired[Literal["TrainingRuntime", "ClusterTrainingRuntime"]]


@with_config(STRICT)
class Trainer(TypedDict, total=False):
    image: str
    command: list[str]
    args: list[str]
    env: list[EnvVarObject]
    numNodes: int
    numProcPerNode: str
    resourcesPerNode: ResourceRequirements


@with_config(STRICT)
class ModelConfig(TypedDict, total=False):
    inputModel: str
    outputModel: JobStorage


@with_config(STRICT)
class TuningMetric(TypedDict):
    name: str
    goal: Literal["minimize", "maximize"]


@with_config(STRICT)
class HyperParameterTuningConfig(TypedDict):
    method: Literal["grid", "random", "bayes"]
    metric: TuningMetric
    parameters: Object
    maxTrials: NotRequired[int]


@with_config(STRICT)
class TrainingJobSpec(TypedDict):
    runtimeRef: TrainingRuntimeRef
    trainer: Trainer
    modelConfig: ModelConfig
    datasets: JobStorage
    hyperParameterTuningConfig: NotRequired[HyperParameterTuningConfig]
    suspend: NotRequired[bool]
    annotations: NotRequired[dict[str, str]]
    labels: NotRequired[dict[str, str]]
    compartmentID: NotRequired[str]


@with_config(STRICT)
class TrainingJob(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["TrainingJob"]
    metadata: ObjectMeta
    spec: TrainingJobSpec


@with_config(STRICT)
class ElasticPolicy(TypedDict, total=False):
    maxRestarts: int
    minNodes: int
    maxNodes: int


@with_config(STRICT)
class TorchPolicy(TypedDict, total=False):
    numProcPerNode: str
    elasticPolicy: ElasticPolicy


@with_config(STRICT)
class MLPolicy(TypedDict, total=False):
    numNodes: int
    torch: TorchPolicy


@with_config(STRICT)
class Coscheduling(TypedDict):
    scheduleTimeoutSeconds: int


@with_config(STRICT)
class PodGroupPolicy(TypedDict):
    coscheduling: Coscheduling


@with_config(STRICT)
class NamedContainer(ContainerFields):
    name: str


@with_config(STRICT)
class PodSpec(PodFields):
    containers: list[NamedContainer]


@with_config(STRICT)
class PodTemplate(TypedDict):
    spec: PodSpec


@with_config(STRICT)
class JobSpec(TypedDict):
    template: PodTemplate
    parallelism: NotRequired[int]
    completions: NotRequired[int]
    backoffLimit: NotRequired[int]


@with_config(STRICT)
class JobTemplate(TypedDict):
    spec: JobSpec


@with_config(STRICT)
class ReplicatedJob(TypedDict):
    name: str
    template: JobTemplate
    replicas: NotRequired[int]


@with_config(STRICT)
class JobSetSpec(TypedDict):
    replicatedJobs: list[ReplicatedJob]


@with_config(STRICT)
class JobSetTemplate(TypedDict):
    spec: JobSetSpec


@with_config(STRICT)
class TrainingRuntimeSpec(TypedDict):
    template: JobSetTemplate
    mlPolicy: NotRequired[MLPolicy]
    podGroupPolicy: NotRequired[PodGroupPolicy]
    annotations: NotRequired[dict[str, str]]
    labels: NotRequired[dict[str, str]]


@with_config(STRICT)
class TrainingRuntime(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["TrainingRuntime"]
    metadata: ObjectMeta
    spec: TrainingRuntimeSpec


@with_config(STRICT)
class ClusterTrainingRuntime(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ClusterTrainingRuntime"]
    metadata: ObjectMeta
    spec: TrainingRuntimeSpec


# --------------------------------------------------------------------------- benchmarks


@with_config(STRICT)
class InferenceServiceEndpoint(TypedDict):
    name: str
    namespace: str


@with_config(STRICT)
class UrlEndpoint(TypedDict):
    url: str
    apiFormat: Literal["openai", "oci-cohere", "cohere"]
    modelName: NotRequired[str]


@with_config(STRICT)
class Endpoint(TypedDict, total=False):
    inferenceService: InferenceServiceEndpoint
    endpoint: UrlEndpoint


@with_config(STRICT)
class SecretName(TypedDict):
    name: str


@with_config(STRICT)
class PodOverride(TypedDict, total=False):
    image: str
    env: list[EnvVarObject]
    resources: ResourceRequirements
    nodeSelector: dict[str, str]
    tolerations: list[Toleration]
    affinity: KubernetesObject
    volumes: list[KubernetesObject]
    volumeMounts: list[VolumeMount]


@with_config(STRICT)
class ServiceMetadata(TypedDict):
    engine: Literal["vLLM", "SGLang", "TGI"]
    version: str
    gpuType: Literal["H100", "A100", "MI300", "A10"]
    gpuCount: int


@with_config(STRICT)
class BenchmarkJobSpec(TypedDict):
    endpoint: Endpoint
    task: Literal["text-to-text", "image-to-text", "text-to-embeddings", "image-to-embeddings"]
    maxTimePerIteration: int
    maxRequestsPerIteration: int
    outputLocation: Storage
    trafficScenarios: NotRequired[list[str]]
    numConcurrency: NotRequired[list[int]]
    additionalRequestParams: NotRequired[dict[str, str]]
    dataset: NotRequired[Storage]
    huggingFaceSecretReference: NotRequired[SecretName]
    podOverride: NotRequired[PodOverride]
    serviceMetadata: NotRequired[ServiceMetadata]
    resultFolderName: NotRequired[str]


@with_config(STRICT)
class BenchmarkJob(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["BenchmarkJob"]
    metadata: ObjectMeta
    spec: BenchmarkJobSpec


# --------------------------------------------------------------------------- replication


@with_config(STRICT)
class ReplicationJobSpec(TypedDict):
    source: JobStorage
    destination: JobStorage
    compartmentID: NotRequired[str]


@with_config(STRICT)
class ReplicationJob(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ReplicationJob"]
    metadata: ObjectMeta
    spec: ReplicationJobSpec


# --------------------------------------------------------------------------- graphs


@with_config(STRICT)
class GraphStep(TypedDict):
    name: str
    serviceName: NotRequired[str]
    serviceUrl: NotRequired[str]
    nodeName: NotRequired[str]
    condition: NotRequired[str]
    data: NotRequired[str]
    dependency: NotRequired[Literal["Soft", "Hard"]]
    weight: NotRequired[int]


@with_config(STRICT)
class GraphNode(TypedDict):
    routerType: Literal["Sequence", "Splitter", "Ensemble", "Switch"]
    steps: list[GraphStep]


@with_config(STRICT)
class InferenceGraphSpec(TypedDict):
    nodes: dict[str, GraphNode]
    minReplicas: NotRequired[int]
    maxReplicas: NotRequired[int]
    scaleMetric: NotRequired[Literal["cpu", "memory", "concurrency", "rps"]]
    scaleTarget: NotRequired[int]
    timeout: NotRequired[int]
    resources: NotRequired[ResourceRequirements]
    nodeSelector: NotRequired[dict[str, str]]
    tolerations: NotRequired[list[Toleration]]
    affinity: NotRequired[KubernetesObject]
    serviceAccountName: NotRequired[str]


@with_config(STRICT)
class InferenceGraph(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["InferenceGraph"]
    metadata: ObjectMeta
    spec: InferenceGraphSpec
