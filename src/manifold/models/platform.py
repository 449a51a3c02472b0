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

from pydantic import Discriminator, Field, Tag, model_validator

from manifold.core.platform_names import PlatformName
from manifold.models.accelerators import AcceleratorClass
from manifold.models.capacity import Capacity
from manifold.models.common import DnsLabel, ResourceName, Strict
from manifold.models.labels import Annotations, ObjectLabels
from manifold.models.project import Model
from manifold.models.runtimes import SharedServingRuntime, SharedTrainingRuntime


class PlatformMetadata(Strict):
    name: DnsLabel = Field(
        description="Names its folder under rendered/<env>/; must differ from every project's."
    )
    team: DnsLabel = Field(description="The team that owns the platform.")
    labels: ObjectLabels | None = Field(
        default=None, description="Added to every rendered object; manifold's own keys refused."
    )
    # ome.io/autoscalerClass is allowed here: a platform file renders no InferenceService
    # (targets/ome/platform.py), and OME picks a component's autoscaler from the
    # InferenceService's and the components' annotations, not from a ServingRuntime's own
    # (a runtime's engine annotations are a component's, refused in models.workload)
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


# --------------------------------------------------------------------------- Run:ai GPU types


_NonEmpty = Annotated[str, Field(min_length=1)]


class GpuType(Strict):
    """A kind of GPU on a Run:ai cluster, by where Run:ai schedules the workloads that ask
    for it: prioritized node pools, a node type (Run:ai's group of labelled nodes), or both."""

    name: ResourceName = Field(
        description=(
            "GPU type name, unique in the platform; services name it in `resources.gpu.type`."
        )
    )
    node_pools: list[_NonEmpty] | None = Field(
        default=None,
        min_length=1,
        description=(
            "Run:ai node pools with this GPU, most preferred first; they replace the "
            "environment's nodePools."
        ),
    )
    node_type: _NonEmpty | None = Field(
        default=None,
        description="Run:ai node type (the node label group) of the nodes with this GPU.",
    )

    @model_validator(mode="after")
    def _somewhere(self) -> GpuType:
        if self.node_pools is None and self.node_type is None:
            raise ValueError(
                f"GPU type {self.name!r} says nowhere to run: give nodePools, nodeType or both"
            )
        return self


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
    type: str = Field(min_length=1, description="What is counted, for example requests or tokens.")
    limit: int = Field(ge=0, description="Most units allowed per window.")
    window: str = Field(min_length=1, description="Time window of the limit, for example 1h or 1d.")


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


# --------------------------------------------------------------------------- the file


class PlatformSpec(Strict):
    """What the platform is in one environment, after every overlay has been applied."""

    platform: PlatformName = Field(
        description=(
            "Where this file runs: ome (OME), substratus (Substratus) or runai (NVIDIA Run:ai)."
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
    gpu_types: list[GpuType] = Field(
        default_factory=list,
        description=(
            "Run:ai only: kinds of GPU the cluster has, by node pools or node type; services "
            "select one with `resources.gpu.type`."
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
