"""Capacity a platform file sets aside: dedicated clusters of nodes and quota reservations.

Kept apart from the rest of `Platform` because it speaks the language of schedulers (Kueue
flavors, cohorts, preemption) rather than of models and runtimes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from manifold.models.blocks import PlatformBlock
from manifold.models.common import (
    DnsLabel,
    Quantity,
    ResourceName,
    Resources,
    Scope,
    Strict,
    Toleration,
)
from manifold.models.workload import KubernetesObject

OmeDedicatedClusterOptions = Annotated[dict[str, Any], PlatformBlock("ome", "dedicatedCluster")]
OmeReservationOptions = Annotated[dict[str, Any], PlatformBlock("ome", "reservation")]
"""A dedicated cluster's and a reservation's `ome:` blocks, checked by the OME target."""


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


class DedicatedCluster(ClusterShape):
    name: ResourceName = Field(description="Cluster name, unique in the platform.")
    profile: ResourceName | None = Field(
        default=None, description="Name of one of `capacity.profiles` whose shape it takes."
    )
    ome: OmeDedicatedClusterOptions | None = Field(
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


class Reservation(Strict):
    """Quota reserved for workloads, in flavors of nodes."""

    name: ResourceName = Field(description="Reservation name, unique in the platform.")
    scope: Scope = Field(
        default="cluster",
        description=(
            "cluster (the default), or namespace: the reservation belongs to one namespace."
        ),
    )
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
    ome: OmeReservationOptions | None = Field(
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
