"""`Platform`: one file under platform/, owned by the platform team, describing what the
cluster offers every project: shared models and runtimes, accelerator classes, tenancy and
capacity. Projects reference these by name; they never define them.

Rendered into every environment (with `spec.environments.<env>` overrides, as projects).
When a platform file exists it is the catalog of the cluster's shared objects: a project's
reference to a shared runtime, model or accelerator class must resolve in it (declare what
is installed by other means with `external: true`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from manifold.models.common import (
    Annotations,
    DnsLabel,
    Labels,
    Quantity,
    ResourceName,
    Resources,
    Scope,
    Strict,
    Toleration,
)
from manifold.models.project import Model
from manifold.models.runtimes import SharedServingRuntime, SharedTrainingRuntime
from manifold.models.workload import KubernetesObject
from manifold.targets.registry import PlatformName


class PlatformMetadata(Strict):
    name: DnsLabel = Field(
        description="Names its folder under rendered/<env>/; must differ from every project's."
    )
    team: DnsLabel = Field(description="The team that owns the platform.")
    labels: Labels | None = Field(default=None, description="Added to every rendered object.")
    annotations: Annotations | None = Field(
        default=None, description="Added to every rendered object."
    )


class SharedModel(Model):
    """A model every namespace can serve."""

    scope: Literal["cluster"] = "cluster"
    external: bool = Field(
        default=False, description="Installed by other means: checked against, not rendered."
    )


# --------------------------------------------------------------------------- accelerators


class AcceleratorDiscovery(Strict):
    node_selector: dict[str, str] | None = None
    affinity: KubernetesObject | None = None
    device_ids: list[str] | None = Field(default=None, alias="deviceIDs")
    pci_vendor_id: str | None = Field(default=None, alias="pciVendorID")


class AcceleratorLatency(Strict):
    average_millis: int | None = None
    maximum_millis: int | None = None


class AcceleratorPerformance(Strict):
    fp16_tflops: int | None = Field(default=None, alias="fp16Tflops")
    fp32_tflops: int | None = Field(default=None, alias="fp32Tflops")
    int4_tops: int | None = Field(default=None, alias="int4Tops")
    int8_tops: int | None = Field(default=None, alias="int8Tops")
    latency: AcceleratorLatency | None = None


class AcceleratorCapabilities(Strict):
    memory_gb: Quantity | None = Field(default=None, alias="memoryGB")
    memory_bandwidth_gbps: Quantity | None = Field(default=None, alias="memoryBandwidthGBps")
    compute_capability: str | None = None
    clock_speed_mhz: int | None = Field(default=None, alias="clockSpeedMHz")
    features: list[str] | None = None
    level_zero_version: str | None = None
    performance: AcceleratorPerformance | None = None


class AcceleratorResource(Strict):
    name: str = Field(min_length=1, description="Extended resource, for example nvidia.com/gpu.")
    quantity: Quantity | None = None
    divisible: bool | None = None


class AcceleratorCost(Strict):
    per_hour: Quantity | None = None
    spot_per_hour: Quantity | None = None
    per_million_tokens: Quantity | None = None
    tier: str | None = None


class AcceleratorIntegration(Strict):
    kueue_resource_flavor: str | None = None
    volcano_gpu_type: str | None = Field(default=None, alias="volcanoGPUType")


class AcceleratorClass(Strict):
    """A kind of accelerator, named by services' `resources.gpu.type`."""

    name: ResourceName
    external: bool = Field(
        default=False, description="Installed by other means: checked against, not rendered."
    )
    vendor: str | None = None
    family: str | None = None
    model: str | None = None
    discovery: AcceleratorDiscovery | None = Field(
        default=None, description="How its nodes are found (required unless external)."
    )
    capabilities: AcceleratorCapabilities | None = Field(
        default=None, description="What it can do (required unless external)."
    )
    resources: list[AcceleratorResource] | None = None
    cost: AcceleratorCost | None = None
    integration: AcceleratorIntegration | None = None


# --------------------------------------------------------------------------- tenancy


class CrossReference(Strict):
    name: ResourceName
    namespace: DnsLabel | None = None


def _reference_form(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    return "object" if isinstance(value, dict) else None


Reference = Annotated[
    Annotated[ResourceName, Tag("name")] | Annotated[CrossReference, Tag("object")],
    Discriminator(
        _reference_form,
        custom_error_type="reference",
        custom_error_message="a reference is a name or {name, namespace}",
    ),
]
"""A name, or {name, namespace} when the referring object records the namespace too."""


class SecretReference(Strict):
    name: ResourceName
    namespace: DnsLabel
    key: str = Field(min_length=1)


class Organization(Strict):
    """An account at an AI platform vendor (OpenAI, Google, xAI...)."""

    name: ResourceName
    vendor: str = Field(min_length=1)
    organization_id: str = Field(min_length=1)
    secret_ref: SecretReference | None = Field(
        default=None, description="The Secret holding its API key."
    )
    config: dict[str, str] | None = None
    disabled: bool | None = None


class TenancyProject(Strict):
    name: ResourceName
    external_name: str | None = Field(
        default=None, description="Its name at the vendor; defaults to name."
    )
    organization: Reference
    description: str | None = None
    config: dict[str, str] | None = None


class User(Strict):
    name: ResourceName
    namespace: DnsLabel | None = Field(default=None, description="Defaults to spec.namespace.")
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    project: Reference
    role: str | None = None
    config: dict[str, str] | None = None


class ServiceAccount(Strict):
    name: ResourceName
    namespace: DnsLabel | None = Field(default=None, description="Defaults to spec.namespace.")
    external_name: str | None = Field(
        default=None, description="Its name at the vendor; defaults to name."
    )
    project: Reference
    role: str | None = None
    permissions: list[str] | None = None
    config: dict[str, str] | None = None


class Limit(Strict):
    type: str = Field(min_length=1, description="For example requests or tokens.")
    limit: int = Field(ge=0)
    window: str = Field(min_length=1, description="For example 1h or 1d.")


class RateLimit(Strict):
    name: ResourceName
    namespace: DnsLabel | None = Field(default=None, description="Defaults to spec.namespace.")
    project: Reference = Field(description="The tenancy project it belongs to.")
    target: Reference = Field(description="What it limits: a project, user or service account.")
    limits: list[Limit] = Field(min_length=1)
    config: dict[str, str] | None = None


class Tenancy(Strict):
    organizations: list[Organization] = Field(default_factory=list)
    projects: list[TenancyProject] = Field(default_factory=list)
    users: list[User] = Field(default_factory=list)
    service_accounts: list[ServiceAccount] = Field(default_factory=list)
    rate_limits: list[RateLimit] = Field(default_factory=list)


# --------------------------------------------------------------------------- capacity


class ClusterShape(Strict):
    """Nodes of a dedicated cluster: how many, what each gets, where they are."""

    count: int | None = Field(default=None, ge=0)
    resources: Resources | None = None
    affinity: KubernetesObject | None = None
    node_selector: dict[str, str] | None = None
    tolerations: list[Toleration] | None = None
    priority_class_name: str | None = None


class DedicatedClusterProfile(ClusterShape):
    name: ResourceName
    disabled: bool | None = None


class OmeDedicatedCluster(Strict):
    compartment_id: str | None = Field(default=None, alias="compartmentID")
    capacity_reservation_id: str | None = None


class DedicatedCluster(ClusterShape):
    name: ResourceName
    profile: ResourceName | None = Field(default=None, description="One of capacity.profiles.")
    ome: OmeDedicatedCluster | None = None


class FlavorResource(Strict):
    name: str = Field(min_length=1)
    nominal_quota: Quantity
    borrowing_limit: Quantity | None = None
    lending_limit: Quantity | None = None


class Flavor(Strict):
    name: ResourceName
    resources: list[FlavorResource] = Field(min_length=1)


class ResourceGroup(Strict):
    covered_resources: list[str] = Field(min_length=1)
    flavors: list[Flavor] = Field(min_length=1)


class BorrowWithinCohort(Strict):
    policy: Literal["Never", "LowerPriority"] | None = None
    max_priority_threshold: int | None = None


class Preemption(Strict):
    reclaim_within_cohort: Literal["Never", "LowerPriority", "Any"] | None = None
    within_cluster_queue: Literal["Never", "LowerPriority", "LowerOrNewerEqualPriority"] | None = (
        None
    )
    borrow_within_cohort: BorrowWithinCohort | None = None


class OmeReservation(Strict):
    compartment_id: str | None = Field(default=None, alias="compartmentID")


class Reservation(Strict):
    """Quota reserved for workloads, in flavors of nodes."""

    name: ResourceName
    scope: Scope = Field(default="cluster", description="cluster, or one namespace.")
    namespace: DnsLabel | None = Field(
        default=None, description="scope: namespace: defaults to spec.namespace."
    )
    resource_groups: list[ResourceGroup] = Field(min_length=1)
    cohort: str | None = None
    allow_borrowing: bool | None = None
    preemption: Preemption | None = None
    priority_class_name: str | None = None
    ome: OmeReservation | None = None


class Capacity(Strict):
    profiles: list[DedicatedClusterProfile] = Field(default_factory=list)
    dedicated_clusters: list[DedicatedCluster] = Field(default_factory=list)
    reservations: list[Reservation] = Field(default_factory=list)


# --------------------------------------------------------------------------- the file


class PlatformSpec(Strict):
    """What the platform is in one environment, after every overlay has been applied."""

    platform: PlatformName = Field(
        description="Where this file runs: ome (OME), substratus (Substratus) or runai "
        "(NVIDIA Run:ai)."
    )
    namespace: DnsLabel | None = Field(
        default=None,
        description="Where its namespaced objects go unless they say; defaults to its name.",
    )
    models: list[SharedModel] = Field(default_factory=list)
    serving_runtimes: list[SharedServingRuntime] = Field(default_factory=list)
    training_runtimes: list[SharedTrainingRuntime] = Field(default_factory=list)
    accelerator_classes: list[AcceleratorClass] = Field(default_factory=list)
    tenancy: Tenancy = Field(default_factory=Tenancy)
    capacity: Capacity = Field(default_factory=Capacity)


class PlatformFileSpec(PlatformSpec):
    environments: dict[DnsLabel, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-environment overrides: a partial spec merged over this one.",
    )


class Platform(Strict):
    api_version: Literal["manifold.dev/v1alpha1"] = Field(alias="apiVersion")
    kind: Literal["Platform"]
    metadata: PlatformMetadata
    spec: PlatformFileSpec

    @property
    def name(self) -> str:
        return self.metadata.name
