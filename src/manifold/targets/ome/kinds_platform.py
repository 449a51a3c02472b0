"""The OME kinds of the platform file, as typed dicts: accelerator classes, tenancy
(Organization, Project, ServiceAccount, User, RateLimit) and capacity (DedicatedAICluster and
its profile, (Cluster)CapacityReservation)."""

from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import (
    STRICT,
    KubernetesObject,
    ObjectMeta,
    QuantityValue,
    ResourceRequirements,
    Toleration,
)
from manifold.targets.ome.kinds import ApiVersion
from manifold.targets.ome.kinds_jobs import ObjectReference

# --------------------------------------------------------------------------- accelerators


@with_config(STRICT)
class AcceleratorDiscovery(TypedDict, total=False):
    nodeSelector: dict[str, str]
    affinity: KubernetesObject
    deviceIDs: list[str]
    pciVendorID: str


@with_config(STRICT)
class AcceleratorLatency(TypedDict, total=False):
    averageMillis: int
    maximumMillis: int


@with_config(STRICT)
class AcceleratorPerformance(TypedDict, total=False):
    fp16Tflops: int
    fp32Tflops: int
    int4Tops: int
    int8Tops: int
    latency: AcceleratorLatency


@with_config(STRICT)
class AcceleratorCapabilities(TypedDict, total=False):
    memoryGB: QuantityValue
    memoryBandwidthGBps: QuantityValue
    computeCapability: str
    clockSpeedMHz: int
    features: list[str]
    levelZeroVersion: str
    performance: AcceleratorPerformance


@with_config(STRICT)
class AcceleratorResource(TypedDict):
    name: str
    quantity: NotRequired[QuantityValue]
    divisible: NotRequired[bool]


@with_config(STRICT)
class AcceleratorCost(TypedDict, total=False):
    perHour: QuantityValue
    spotPerHour: QuantityValue
    perMillionTokens: QuantityValue
    tier: str


@with_config(STRICT)
class AcceleratorIntegration(TypedDict, total=False):
    kueueResourceFlavor: str
    volcanoGPUType: str


@with_config(STRICT)
class AcceleratorClassSpec(TypedDict):
    discovery: AcceleratorDiscovery
    capabilities: AcceleratorCapabilities
    vendor: NotRequired[str]
    family: NotRequired[str]
    model: NotRequired[str]
    resources: NotRequired[list[AcceleratorResource]]
    cost: NotRequired[AcceleratorCost]
    integration: NotRequired[AcceleratorIntegration]


@with_config(STRICT)
class AcceleratorClass(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["AcceleratorClass"]
    metadata: ObjectMeta
    spec: AcceleratorClassSpec


# --------------------------------------------------------------------------- tenancy


@with_config(STRICT)
class SecretKeyReference(TypedDict):
    name: str
    namespace: str
    key: str


@with_config(STRICT)
class OrganizationSpec(TypedDict):
    vendor: str
    organizationId: str
    secretRef: NotRequired[SecretKeyReference]
    config: NotRequired[dict[str, str]]
    disabled: NotRequired[bool]


@with_config(STRICT)
class Organization(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Organization"]
    metadata: ObjectMeta
    spec: OrganizationSpec


@with_config(STRICT)
class ProjectSpec(TypedDict):
    name: str
    organizationRef: ObjectReference
    description: NotRequired[str]
    config: NotRequired[dict[str, str]]


@with_config(STRICT)
class Project(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Project"]
    metadata: ObjectMeta
    spec: ProjectSpec


@with_config(STRICT)
class ServiceAccountSpec(TypedDict):
    name: str
    projectRef: ObjectReference
    role: NotRequired[str]
    permissions: NotRequired[list[str]]
    config: NotRequired[dict[str, str]]


@with_config(STRICT)
class ServiceAccount(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ServiceAccount"]
    metadata: ObjectMeta
    spec: ServiceAccountSpec


@with_config(STRICT)
class UserSpec(TypedDict):
    email: str
    projectRef: ObjectReference
    role: NotRequired[str]
    config: NotRequired[dict[str, str]]


@with_config(STRICT)
class User(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["User"]
    metadata: ObjectMeta
    spec: UserSpec


@with_config(STRICT)
class Limit(TypedDict):
    type: str
    limit: int
    window: str


@with_config(STRICT)
class RateLimitSpec(TypedDict):
    projectRef: ObjectReference
    targetRef: ObjectReference
    limits: list[Limit]
    config: NotRequired[dict[str, str]]


@with_config(STRICT)
class RateLimit(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["RateLimit"]
    metadata: ObjectMeta
    spec: RateLimitSpec


# --------------------------------------------------------------------------- capacity


@with_config(STRICT)
class ClusterShape(TypedDict, total=False):
    count: int
    resources: ResourceRequirements
    affinity: KubernetesObject
    nodeSelector: dict[str, str]
    tolerations: list[Toleration]
    priorityClassName: str


@with_config(STRICT)
class DedicatedAIClusterProfileSpec(ClusterShape, total=False):
    disabled: bool


@with_config(STRICT)
class DedicatedAIClusterProfile(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["DedicatedAIClusterProfile"]
    metadata: ObjectMeta
    spec: DedicatedAIClusterProfileSpec


@with_config(STRICT)
class DedicatedAIClusterSpec(ClusterShape, total=False):
    profile: str
    compartmentID: str
    capacityReservationId: str


@with_config(STRICT)
class DedicatedAICluster(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["DedicatedAICluster"]
    metadata: ObjectMeta
    spec: DedicatedAIClusterSpec


@with_config(STRICT)
class FlavorResource(TypedDict):
    name: str
    nominalQuota: QuantityValue
    borrowingLimit: NotRequired[QuantityValue]
    lendingLimit: NotRequired[QuantityValue]


@with_config(STRICT)
class Flavor(TypedDict):
    name: str
    resources: list[FlavorResource]


@with_config(STRICT)
class ResourceGroup(TypedDict):
    coveredResources: list[str]
    flavors: list[Flavor]


@with_config(STRICT)
class BorrowWithinCohort(TypedDict, total=False):
    policy: Literal["Never", "LowerPriority"]
    maxPriorityThreshold: int


@with_config(STRICT)
class PreemptionRule(TypedDict, total=False):
    reclaimWithinCohort: Literal["Never", "LowerPriority", "Any"]
    withinClusterQueue: Literal["Never", "LowerPriority", "LowerOrNewerEqualPriority"]
    borrowWithinCohort: BorrowWithinCohort


@with_config(STRICT)
class CapacityReservationSpec(TypedDict):
    resourceGroups: list[ResourceGroup]
    cohort: NotRequired[str]
    allowBorrowing: NotRequired[bool]
    preemptionRule: NotRequired[PreemptionRule]
    priorityClassName: NotRequired[str]
    compartmentID: NotRequired[str]


@with_config(STRICT)
class CapacityReservation(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["CapacityReservation"]
    metadata: ObjectMeta
    spec: CapacityReservationSpec


@with_config(STRICT)
class ClusterCapacityReservation(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ClusterCapacityReservation"]
    metadata: ObjectMeta
    spec: CapacityReservationSpec
