"""The bodies of NVIDIA Run:ai's inference API (REST v2.22 and v2.24), as typed dicts.

`POST /api/v1/workloads/inferences` takes an `InferenceCreationRequest`; `PATCH
/api/v1/workloads/inferences/{workloadId}` an `InferenceUpdateRequest`, whose spec holds the
fields that can change in place. Field names, enums and bounds follow the API's OpenAPI
document; fields the API marks deprecated, and the ones manifold has no use for, are left
out, so the generated schemas refuse them. The fields 2.24 added and the MIG profile it
removed (`../shared/reference/runai/versions.md`) are here too: which of them a request may
hold is the environment's API level, checked where the input asks for them. Every field is
optional in the API (the server and the cluster's policies fill in the rest); manifold never
sends null.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, NotRequired

from pydantic import Field, with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import STRICT
from manifold.targets.runai.option_models import AuthorizationType, MigProfile

API_VERSION: Final = "runai/v2.22"
"""Not a Kubernetes API group: names the API and its version for schemas/ and messages."""

Quantity = Annotated[str, Field(pattern=r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
Port = Annotated[int, Field(ge=1, le=65535)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]
Seconds = Annotated[int, Field(ge=0, le=3600)]
NonEmpty = Annotated[str, Field(min_length=1)]
ItemName = Annotated[str, Field(min_length=1, max_length=63)]
Uuid = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")]


@with_config(STRICT)
class NameValue(TypedDict):
    """A label or an annotation."""

    name: ItemName
    value: str


@with_config(STRICT)
class KeyRef(TypedDict):
    name: NonEmpty
    key: NonEmpty


@with_config(STRICT)
class UserCredentialRef(TypedDict):
    """API 2.24."""

    name: NonEmpty
    key: NonEmpty


@with_config(STRICT)
class FieldRef(TypedDict):
    path: NonEmpty


@with_config(STRICT)
class EnvironmentVariable(TypedDict):
    name: NonEmpty
    value: NotRequired[str]
    secret: NotRequired[KeyRef]
    configMap: NotRequired[KeyRef]
    podFieldRef: NotRequired[FieldRef]
    userCredential: NotRequired[UserCredentialRef]
    description: NotRequired[str]


@with_config(STRICT)
class Toleration(TypedDict):
    name: NonEmpty
    operator: NotRequired[Literal["Equal", "Exists"]]
    key: NotRequired[str]
    value: NotRequired[str]
    effect: NotRequired[Literal["NoSchedule", "NoExecute", "PreferNoSchedule", "Any"]]
    seconds: NotRequired[Positive]


@with_config(STRICT)
class HttpGet(TypedDict):
    path: NotRequired[Annotated[str, Field(pattern=r"^(/[a-zA-Z0-9\-_./]*)?$")]]
    port: NotRequired[Port]
    host: NotRequired[str]
    scheme: NotRequired[Literal["HTTP", "HTTPS"]]


@with_config(STRICT)
class ProbeHandler(TypedDict):
    httpGet: HttpGet


@with_config(STRICT)
class Probe(TypedDict):
    handler: ProbeHandler
    initialDelaySeconds: NotRequired[Count]
    periodSeconds: NotRequired[Positive]
    timeoutSeconds: NotRequired[Positive]
    successThreshold: NotRequired[Positive]
    failureThreshold: NotRequired[Positive]


@with_config(STRICT)
class Probes(TypedDict):
    readiness: NotRequired[Probe]


@with_config(STRICT)
class MatchExpression(TypedDict):
    key: str
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
    values: NotRequired[list[str]]


@with_config(STRICT)
class NodeSelectorTerm(TypedDict):
    matchExpressions: list[MatchExpression]


@with_config(STRICT)
class NodeAffinityRequired(TypedDict):
    nodeSelectorTerms: list[NodeSelectorTerm]


@with_config(STRICT)
class PodAffinity(TypedDict):
    type: Literal["Required", "Preferred"]
    key: str


@with_config(STRICT)
class ExtendedResource(TypedDict):
    resource: NonEmpty
    quantity: NonEmpty


@with_config(STRICT)
class Compute(TypedDict, total=False):
    gpuDevicesRequest: Count
    gpuRequestType: Literal["portion", "memory", "migProfile"]
    """migProfile: API 2.22 only."""
    gpuPortionRequest: Annotated[float, Field(ge=0)]
    gpuPortionLimit: Annotated[float, Field(ge=0)]
    gpuMemoryRequest: Quantity
    gpuMemoryLimit: Quantity
    migProfile: MigProfile
    """API 2.22 only: 2.24 removed it."""
    cpuCoreRequest: Annotated[float, Field(ge=0)]
    cpuCoreLimit: Annotated[float, Field(ge=0)]
    cpuMemoryRequest: Quantity
    cpuMemoryLimit: Quantity
    largeShmRequest: bool
    extendedResources: list[ExtendedResource]


@with_config(STRICT)
class Autoscaling(TypedDict, total=False):
    minReplicas: Count
    maxReplicas: Positive
    initialReplicas: Count
    activationReplicas: Positive
    concurrencyHardLimit: Count
    metric: Annotated[str, Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    metricThreshold: int
    metricThresholdPercentage: Annotated[float, Field(ge=1, le=100)]
    scaleToZeroRetentionSeconds: Seconds
    scaleDownDelaySeconds: Seconds


@with_config(STRICT)
class ServingConfiguration(TypedDict, total=False):
    initializationTimeoutSeconds: Positive
    requestTimeoutSeconds: Positive


@with_config(STRICT)
class ServingPort(TypedDict):
    container: Port
    protocol: NotRequired[Literal["http", "grpc"]]
    authorizationType: NotRequired[AuthorizationType]
    authorizedUsers: NotRequired[list[str]]
    authorizedGroups: NotRequired[list[str]]
    clusterLocalAccessOnly: NotRequired[bool]


@with_config(STRICT)
class ExposedUrl(TypedDict):
    container: Port
    url: NotRequired[NonEmpty]
    name: NotRequired[NonEmpty]
    authorizationType: NotRequired[AuthorizationType]
    """API 2.24."""
    authorizedUsers: NotRequired[list[str]]
    authorizedGroups: NotRequired[list[str]]


@with_config(STRICT)
class Pvc(TypedDict):
    path: NonEmpty
    """Where the claim is mounted in the container."""
    name: NotRequired[NonEmpty]
    claimName: NotRequired[ItemName]
    existingPvc: NotRequired[bool]
    readOnly: NotRequired[bool]


@with_config(STRICT)
class HostPath(TypedDict):
    name: NonEmpty
    path: NonEmpty
    mountPath: NonEmpty
    readOnly: NotRequired[bool]


@with_config(STRICT)
class Nfs(TypedDict):
    name: NonEmpty
    server: NonEmpty
    path: NonEmpty
    mountPath: NonEmpty
    readOnly: NotRequired[bool]


@with_config(STRICT)
class ConfigMapVolume(TypedDict):
    name: NonEmpty
    configMap: NonEmpty
    mountPath: NonEmpty
    subPath: NotRequired[NonEmpty]


@with_config(STRICT)
class SecretVolume(TypedDict):
    name: NonEmpty
    secret: NonEmpty
    mountPath: NonEmpty


@with_config(STRICT)
class EmptyDirVolume(TypedDict):
    name: NonEmpty
    path: NonEmpty
    """Where the directory is mounted in the container."""
    medium: NotRequired[NonEmpty]
    sizeLimit: NotRequired[Quantity]


@with_config(STRICT)
class Storage(TypedDict, total=False):
    pvc: list[Pvc]
    hostPath: list[HostPath]
    nfs: list[Nfs]
    configMapVolume: list[ConfigMapVolume]
    secretVolume: list[SecretVolume]
    emptyDirVolume: list[EmptyDirVolume]


@with_config(STRICT)
class ImagePullSecret(TypedDict):
    name: str
    userCredential: NotRequired[bool]


@with_config(STRICT)
class Security(TypedDict, total=False):
    runAsNonRoot: bool
    readOnlyRootFilesystem: bool
    runAsUid: int
    runAsGid: int
    supplementalGroups: str
    seccompProfileType: Literal["RuntimeDefault", "Unconfined", "Localhost"]


@with_config(STRICT)
class InferenceUpdateSpec(TypedDict, total=False):
    """What a PATCH can change in place; changing anything else replaces the workload."""

    image: NonEmpty
    command: NonEmpty
    args: NonEmpty
    imagePullPolicy: Literal["Always", "Never", "IfNotPresent"]
    workingDir: NonEmpty
    createHomeDir: bool
    probes: Probes
    nodeType: NonEmpty
    nodeAffinityRequired: NodeAffinityRequired
    podAffinity: PodAffinity
    category: str
    priorityClass: str
    nodePools: list[str]
    environmentVariables: list[EnvironmentVariable]
    compute: Compute
    autoscaling: Autoscaling
    servingConfiguration: ServingConfiguration


@with_config(STRICT)
class InferenceSpec(InferenceUpdateSpec, total=False):
    labels: list[NameValue]
    annotations: list[NameValue]
    tolerations: list[Toleration]
    imagePullSecrets: list[ImagePullSecret]
    storage: Storage
    security: Security
    servingPort: ServingPort
    exposedUrls: list[ExposedUrl]
    preemptibility: Literal["preemptible", "non-preemptible"]
    """API 2.24."""


WorkloadName = Annotated[str, Field(pattern=r"^[a-z]([-a-z0-9]*[a-z0-9])?$", max_length=63)]
"""The API takes any non-empty name; workloads become Kubernetes objects, and manifold names
a file after it, so it must be a DNS-1123 label."""


@with_config(STRICT)
class InferenceCreationRequest(TypedDict):
    name: WorkloadName
    projectId: Annotated[str, Field(pattern=r"^[0-9]+$")]
    clusterId: Uuid
    useGivenNameAsPrefix: NotRequired[Literal[False]]
    """manifold finds its workloads by name; a random suffix would make each apply a new one."""
    templateId: NotRequired[Uuid]
    """API 2.24: create from this inference template."""
    spec: InferenceSpec


@with_config(STRICT)
class InferenceUpdateRequest(TypedDict):
    spec: InferenceUpdateSpec


UPDATABLE: Final = InferenceUpdateSpec.__required_keys__ | InferenceUpdateSpec.__optional_keys__
"""Top-level spec fields a PATCH changes in place (API 2.22)."""
UPDATABLE_SINCE_2_24: Final = frozenset({"preemptibility", "imagePullSecrets"})
"""What InferenceUpdateRequest gained in 2.24 (versions.md); its `compute` lost migProfile."""


def updatable(level: str) -> frozenset[str]:
    """Top-level spec fields a PATCH changes in place at this API level."""
    return frozenset(UPDATABLE | UPDATABLE_SINCE_2_24) if level >= "2.24" else frozenset(UPDATABLE)
