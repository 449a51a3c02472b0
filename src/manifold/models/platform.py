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

    scope: Literal["cluster"] = Field(
        default="cluster",
        description="Always cluster: a shared model is visible to every namespace.",
    )
    external: bool = Field(
        default=False, description="Installed by other means: checked against, not rendered."
    )


# --------------------------------------------------------------------------- accelerators


class AcceleratorDiscovery(Strict):
    node_selector: dict[str, str] | None = Field(
        default=None,
        description="Node labels that find its nodes, for example nvidia.com/gpu.product.",
    )
    affinity: KubernetesObject | None = Field(
        default=None,
        description=("Kubernetes node affinity that finds its nodes, passed through unchanged."),
    )
    device_ids: list[str] | None = Field(
        default=None,
        alias="deviceIDs",
        description="PCI device ids of the accelerator (OME deviceIDs).",
    )
    pci_vendor_id: str | None = Field(
        default=None,
        alias="pciVendorID",
        description="PCI vendor id, for example 10de for NVIDIA (OME pciVendorID).",
    )


class AcceleratorLatency(Strict):
    average_millis: int | None = Field(default=None, description="Average latency in milliseconds.")
    maximum_millis: int | None = Field(default=None, description="Worst latency in milliseconds.")


class AcceleratorPerformance(Strict):
    fp16_tflops: int | None = Field(
        default=None, alias="fp16Tflops", description="FP16 throughput in TFLOPS."
    )
    fp32_tflops: int | None = Field(
        default=None, alias="fp32Tflops", description="FP32 throughput in TFLOPS."
    )
    int4_tops: int | None = Field(
        default=None, alias="int4Tops", description="INT4 throughput in TOPS."
    )
    int8_tops: int | None = Field(
        default=None, alias="int8Tops", description="INT8 throughput in TOPS."
    )
    latency: AcceleratorLatency | None = Field(
        default=None, description="Typical and worst latency of the device."
    )


class AcceleratorCapabilities(Strict):
    memory_gb: Quantity | None = Field(
        default=None, alias="memoryGB", description="Device memory as a quantity, for example 80Gi."
    )
    memory_bandwidth_gbps: Quantity | None = Field(
        default=None,
        alias="memoryBandwidthGBps",
        description="Memory bandwidth in GB/s, for example 2039.",
    )
    compute_capability: str | None = Field(
        default=None,
        description="NVIDIA compute capability, for example 8.0 for A100 or 9.0 for H100.",
    )
    clock_speed_mhz: int | None = Field(
        default=None, alias="clockSpeedMHz", description="Core clock speed in MHz."
    )
    features: list[str] | None = Field(
        default=None, description="Features it supports, for example tensor-cores, fp8 or nvlink."
    )
    level_zero_version: str | None = Field(
        default=None, description="Intel Level Zero version, for Intel accelerators."
    )
    performance: AcceleratorPerformance | None = Field(
        default=None, description="Throughput and latency figures used to rank accelerators."
    )


class AcceleratorResource(Strict):
    name: str = Field(min_length=1, description="Extended resource, for example nvidia.com/gpu.")
    quantity: Quantity | None = Field(
        default=None, description="How many a node offers, for example 8."
    )
    divisible: bool | None = Field(
        default=None, description="Whether a workload may take a fraction of a device."
    )


class AcceleratorCost(Strict):
    per_hour: Quantity | None = Field(default=None, description="On-demand price per device hour.")
    spot_per_hour: Quantity | None = Field(
        default=None, description="Spot or preemptible price per device hour."
    )
    per_million_tokens: Quantity | None = Field(
        default=None, description="Price per million tokens served."
    )
    tier: str | None = Field(
        default=None, description="Cost tier name, for example low, medium or high."
    )


class AcceleratorIntegration(Strict):
    kueue_resource_flavor: str | None = Field(
        default=None, description="Kueue ResourceFlavor that stands for these nodes."
    )
    volcano_gpu_type: str | None = Field(
        default=None, alias="volcanoGPUType", description="Volcano GPU type name of these devices."
    )


class AcceleratorClass(Strict):
    """A kind of accelerator, named by services' `resources.gpu.type`."""

    name: ResourceName = Field(
        description=(
            "Class name; services select it with `resources.gpu.type` (OME AcceleratorClass)."
        )
    )
    external: bool = Field(
        default=False, description="Installed by other means: checked against, not rendered."
    )
    vendor: str | None = Field(
        default=None, description="Maker of the device, for example nvidia, amd or intel."
    )
    family: str | None = Field(
        default=None, description="Product family, for example ampere or hopper."
    )
    model: str | None = Field(default=None, description="Device model, for example a100-sxm4-80gb.")
    discovery: AcceleratorDiscovery | None = Field(
        default=None, description="How its nodes are found (required unless external)."
    )
    capabilities: AcceleratorCapabilities | None = Field(
        default=None, description="What it can do (required unless external)."
    )
    resources: list[AcceleratorResource] | None = Field(
        default=None,
        description=("Extended resources a node of this class offers, for example nvidia.com/gpu."),
    )
    cost: AcceleratorCost | None = Field(
        default=None,
        description=("What an hour or a million tokens on it costs, for cost-aware selection."),
    )
    integration: AcceleratorIntegration | None = Field(
        default=None, description="Names of the same accelerator in schedulers (Kueue, Volcano)."
    )


# --------------------------------------------------------------------------- tenancy


class CrossReference(Strict):
    name: ResourceName = Field(description="Name of the referenced object.")
    namespace: DnsLabel | None = Field(
        default=None, description="Namespace of the referenced object; defaults to spec.namespace."
    )


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
    name: ResourceName = Field(description="Name of the Secret.")
    namespace: DnsLabel = Field(description="Namespace of the Secret.")
    key: str = Field(min_length=1, description="Key inside the Secret.")


class Organization(Strict):
    """An account at an AI platform vendor (OpenAI, Google, xAI...)."""

    name: ResourceName = Field(
        description=("Organization name, unique in the platform; tenancy projects refer to it.")
    )
    vendor: str = Field(min_length=1, description="The vendor, for example openai, google or xai.")
    organization_id: str = Field(min_length=1, description="The organization's id at the vendor.")
    secret_ref: SecretReference | None = Field(
        default=None, description="The Secret holding its API key."
    )
    config: dict[str, str] | None = Field(
        default=None, description="Vendor-specific settings as string pairs."
    )
    disabled: bool | None = Field(
        default=None, description="Keep the organization defined but unused."
    )


class TenancyProject(Strict):
    name: ResourceName = Field(description="Tenancy project name, unique in the platform.")
    external_name: str | None = Field(
        default=None, description="Its name at the vendor; defaults to name."
    )
    organization: Reference = Field(
        description="The organization it belongs to: a name, or {name, namespace}."
    )
    description: str | None = Field(
        default=None, description="What the project is for, as shown at the vendor."
    )
    config: dict[str, str] | None = Field(
        default=None, description="Vendor-specific settings as string pairs."
    )


class User(Strict):
    name: ResourceName = Field(description="User name, unique in the platform.")
    namespace: DnsLabel | None = Field(default=None, description="Defaults to spec.namespace.")
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", description="The person's e-mail address.")
    project: Reference = Field(
        description=("The tenancy project the user belongs to: a name, or {name, namespace}.")
    )
    role: str | None = Field(
        default=None, description="Role at the vendor, for example reader or owner."
    )
    config: dict[str, str] | None = Field(
        default=None, description="Vendor-specific settings as string pairs."
    )


class ServiceAccount(Strict):
    name: ResourceName = Field(description="Service account name, unique in the platform.")
    namespace: DnsLabel | None = Field(default=None, description="Defaults to spec.namespace.")
    external_name: str | None = Field(
        default=None, description="Its name at the vendor; defaults to name."
    )
    project: Reference = Field(
        description="The tenancy project it belongs to: a name, or {name, namespace}."
    )
    role: str | None = Field(
        default=None, description="Role at the vendor, for example member or owner."
    )
    permissions: list[str] | None = Field(
        default=None, description="Permissions granted at the vendor, for example models.read."
    )
    config: dict[str, str] | None = Field(
        default=None, description="Vendor-specific settings as string pairs."
    )


class Limit(Strict):
    type: str = Field(min_length=1, description="For example requests or tokens.")
    limit: int = Field(ge=0, description="Most units allowed per window.")
    window: str = Field(min_length=1, description="For example 1h or 1d.")


class RateLimit(Strict):
    name: ResourceName = Field(description="Rate limit name, unique in the platform.")
    namespace: DnsLabel | None = Field(default=None, description="Defaults to spec.namespace.")
    project: Reference = Field(description="The tenancy project it belongs to.")
    target: Reference = Field(description="What it limits: a project, user or service account.")
    limits: list[Limit] = Field(
        min_length=1, description="The limits, each a type, an amount and a window."
    )
    config: dict[str, str] | None = Field(
        default=None, description="Vendor-specific settings as string pairs."
    )


class Tenancy(Strict):
    organizations: list[Organization] = Field(
        default_factory=list, description="Accounts at AI platform vendors."
    )
    projects: list[TenancyProject] = Field(
        default_factory=list, description="Projects inside those organizations."
    )
    users: list[User] = Field(
        default_factory=list, description="People with access to tenancy projects."
    )
    service_accounts: list[ServiceAccount] = Field(
        default_factory=list, description="Non-human identities of tenancy projects."
    )
    rate_limits: list[RateLimit] = Field(
        default_factory=list,
        description="Request and token limits on projects, users and service accounts.",
    )


# --------------------------------------------------------------------------- capacity


class ClusterShape(Strict):
    """Nodes of a dedicated cluster: how many, what each gets, where they are."""

    count: int | None = Field(default=None, ge=0, description="Number of nodes.")
    resources: Resources | None = Field(
        default=None, description="CPU, memory and GPUs of each node."
    )
    affinity: KubernetesObject | None = Field(
        default=None, description="Kubernetes node affinity of its nodes, passed through unchanged."
    )
    node_selector: dict[str, str] | None = Field(
        default=None, description="Node labels its nodes carry."
    )
    tolerations: list[Toleration] | None = Field(
        default=None, description="Taints its workloads tolerate."
    )
    priority_class_name: str | None = Field(
        default=None, description="Kubernetes PriorityClass of the workloads placed on it."
    )


class DedicatedClusterProfile(ClusterShape):
    name: ResourceName = Field(description="Profile name; dedicated clusters name it in `profile`.")
    disabled: bool | None = Field(
        default=None, description="Keep the profile defined but let no new cluster use it."
    )


class OmeDedicatedCluster(Strict):
    compartment_id: str | None = Field(
        default=None,
        alias="compartmentID",
        description="OCI compartment OCID of the cluster (OME compartmentID).",
    )
    capacity_reservation_id: str | None = Field(
        default=None, description="OCI capacity reservation OCID the nodes come from."
    )


class DedicatedCluster(ClusterShape):
    name: ResourceName = Field(description="Cluster name, unique in the platform.")
    profile: ResourceName | None = Field(default=None, description="One of capacity.profiles.")
    ome: OmeDedicatedCluster | None = Field(
        default=None, description="Options only OME has (DedicatedAICluster)."
    )


class FlavorResource(Strict):
    name: str = Field(
        min_length=1, description="Resource name, for example cpu, memory or nvidia.com/gpu."
    )
    nominal_quota: Quantity = Field(description="Quota of the resource, for example 8 or 512Gi.")
    borrowing_limit: Quantity | None = Field(
        default=None, description="Most of this resource it may borrow from the cohort."
    )
    lending_limit: Quantity | None = Field(
        default=None, description="Most of this resource it lends to the cohort."
    )


class Flavor(Strict):
    name: ResourceName = Field(description="Kueue ResourceFlavor name: one kind of node.")
    resources: list[FlavorResource] = Field(
        min_length=1, description="Quota of each resource in this flavor."
    )


class ResourceGroup(Strict):
    covered_resources: list[str] = Field(
        min_length=1,
        description=("Resources the group covers, for example cpu, memory and nvidia.com/gpu."),
    )
    flavors: list[Flavor] = Field(
        min_length=1,
        description="Flavors of nodes providing the resources, in order of preference.",
    )


class BorrowWithinCohort(Strict):
    policy: Literal["Never", "LowerPriority"] | None = Field(
        default=None,
        description=("Never, or LowerPriority: preempt lower-priority workloads to borrow quota."),
    )
    max_priority_threshold: int | None = Field(
        default=None,
        description=("Only workloads with at most this priority may be preempted to borrow."),
    )


class Preemption(Strict):
    reclaim_within_cohort: Literal["Never", "LowerPriority", "Any"] | None = Field(
        default=None,
        description=(
            "Whether to preempt workloads that borrowed this quota: Never, LowerPriority or Any."
        ),
    )
    within_cluster_queue: Literal["Never", "LowerPriority", "LowerOrNewerEqualPriority"] | None = (
        Field(
            default=None,
            description=(
                "Whether to preempt workloads of the same queue: Never, LowerPriority "
                "or LowerOrNewerEqualPriority."
            ),
        )
    )
    borrow_within_cohort: BorrowWithinCohort | None = Field(
        default=None, description="Whether to preempt workloads of the cohort to borrow quota."
    )


class OmeReservation(Strict):
    compartment_id: str | None = Field(
        default=None,
        alias="compartmentID",
        description="OCI compartment OCID of the reservation (OME compartmentID).",
    )


class Reservation(Strict):
    """Quota reserved for workloads, in flavors of nodes."""

    name: ResourceName = Field(description="Reservation name, unique in the platform.")
    scope: Scope = Field(default="cluster", description="cluster, or one namespace.")
    namespace: DnsLabel | None = Field(
        default=None, description="scope: namespace: defaults to spec.namespace."
    )
    resource_groups: list[ResourceGroup] = Field(
        min_length=1, description="The reserved quota, by groups of resources and flavors."
    )
    cohort: str | None = Field(
        default=None, description="Cohort whose reservations lend each other unused quota."
    )
    allow_borrowing: bool | None = Field(
        default=None, description="Whether it may use unused quota of its cohort."
    )
    preemption: Preemption | None = Field(
        default=None, description="When workloads of this reservation may preempt others."
    )
    priority_class_name: str | None = Field(
        default=None, description="Kubernetes PriorityClass of its workloads."
    )
    ome: OmeReservation | None = Field(
        default=None, description="Options only OME has (CapacityReservation)."
    )


class Capacity(Strict):
    profiles: list[DedicatedClusterProfile] = Field(
        default_factory=list,
        description=("Reusable shapes of dedicated clusters (OME DedicatedAIClusterProfile)."),
    )
    dedicated_clusters: list[DedicatedCluster] = Field(
        default_factory=list,
        description=(
            "Node pools set aside for this platform's workloads (OME DedicatedAICluster)."
        ),
    )
    reservations: list[Reservation] = Field(
        default_factory=list,
        description=("Quota reserved in flavors of nodes (OME CapacityReservation, Kueue-style)."),
    )


# --------------------------------------------------------------------------- the file


class PlatformSpec(Strict):
    """What the platform is in one environment, after every overlay has been applied."""

    platform: PlatformName = Field(
        description=(
            "Target platform the shared objects are rendered for: ome, runai or substratus."
        )
    )
    namespace: DnsLabel | None = Field(
        default=None,
        description="Where its namespaced objects go unless they say; defaults to its name.",
    )
    models: list[SharedModel] = Field(
        default_factory=list, description="Models every project may serve (OME ClusterBaseModel)."
    )
    serving_runtimes: list[SharedServingRuntime] = Field(
        default_factory=list,
        description="Serving runtimes every project may use (OME ClusterServingRuntime).",
    )
    training_runtimes: list[SharedTrainingRuntime] = Field(
        default_factory=list,
        description=("Training runtimes every project may use (OME ClusterTrainingRuntime)."),
    )
    accelerator_classes: list[AcceleratorClass] = Field(
        default_factory=list,
        description=(
            "Kinds of accelerator the cluster has; services select one with `resources.gpu.type`."
        ),
    )
    tenancy: Tenancy = Field(
        default_factory=Tenancy,
        description=(
            "Accounts at AI vendors: organizations, projects, users, service "
            "accounts and rate limits."
        ),
    )
    capacity: Capacity = Field(
        default_factory=Capacity, description="Dedicated node pools and quota reservations."
    )


class PlatformFileSpec(PlatformSpec):
    environments: dict[DnsLabel, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-environment overrides: a partial spec merged over this one.",
    )


class Platform(Strict):
    api_version: Literal["manifold.dev/v1alpha1"] = Field(
        alias="apiVersion", description="Always manifold.dev/v1alpha1."
    )
    kind: Literal["Platform"] = Field(description="Always Platform.")
    metadata: PlatformMetadata = Field(
        description="Name, owning team, labels and annotations of the platform."
    )
    spec: PlatformFileSpec = Field(
        description=(
            "What the cluster offers every project: shared models, runtimes, "
            "accelerators, tenancy and capacity."
        )
    )

    @property
    def name(self) -> str:
        return self.metadata.name
