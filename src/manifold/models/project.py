"""`Project`: one file under projects/ describing what a team serves and on which platform."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from manifold.core.platform_names import PlatformName
from manifold.models.benchmarks import Benchmark
from manifold.models.blocks import PlatformBlock
from manifold.models.common import (
    INT32_MAX,
    DnsLabel,
    ResourceName,
    Resources,
    Scope,
    ServiceName,
    Strict,
)
from manifold.models.env import EnvVar
from manifold.models.labels import (
    ObjectLabels,
    ObjectMetadata,
    ServiceObjectMetadata,
    ServiceReachingAnnotations,
    entry_metadata,
)
from manifold.models.lifecycle import (
    Dataset,
    FineTune,
    Notebook,
    Replication,
)
from manifold.models.passthrough import ModelOmeSpec, passthrough_field
from manifold.models.pipelines import Pipeline
from manifold.models.runtimes import (
    PARAMETER_SIZE,
    ProjectServingRuntime,
    ProjectTrainingRuntime,
    RuntimeRef,
)
from manifold.models.storage import STORAGE_URI, ModelStorage
from manifold.models.workload import Component, Router

RunaiOptions = Annotated[dict[str, Any], PlatformBlock("runai", "service")]
"""A service's `runai:` block, checked by the Run:ai target with its own model."""
SubstratusModelOptions = Annotated[dict[str, Any], PlatformBlock("substratus", "model")]
SubstratusServiceOptions = Annotated[dict[str, Any], PlatformBlock("substratus", "service")]
"""A model's and a service's `substratus:` blocks, checked by the Substratus target."""


class ProjectMetadata(Strict):
    name: DnsLabel = Field(description="Project name; prefixes namespaces and labels everything.")
    team: DnsLabel = Field(description="The team that owns the project.")
    labels: ObjectLabels | None = Field(
        default=None, description="Added to every rendered object; manifold's own keys refused."
    )
    annotations: ServiceReachingAnnotations | None = Field(
        default=None, description="Added to every rendered object; those manifold derives refused."
    )


class NamedVersion(Strict):
    name: str = Field(min_length=1, description="Name, for example safetensors or transformers.")
    version: str | None = Field(default=None, description="Version, for example 4.44.0.")


class Model(Strict):
    name: ResourceName = Field(
        description=(
            "Model name, unique in the project; services name it in `model` (OME "
            "BaseModel, Substratus Model)."
        )
    )
    source: str = Field(
        pattern=STORAGE_URI,
        description="Where the weights are: hf://org/repo, oci://..., s3://, gs://, pvc://...",
    )
    scope: Scope = Field(
        default="namespace",
        description="namespace: visible to this project's namespace; cluster: to every namespace.",
    )
    format: NamedVersion | None = Field(
        default=None,
        description=(
            'Weight file format and its version, for example {name: safetensors, version: "1.0.0"}.'
        ),
    )
    framework: NamedVersion | None = Field(
        default=None,
        description=(
            "Library the weights are written for and its version, for example {name: transformers}."
        ),
    )
    architecture: str | None = Field(
        default=None,
        description=(
            "Model architecture as in the config.json of its weights, for example LlamaForCausalLM."
        ),
    )
    parameter_size: str | None = Field(
        default=None,
        pattern=PARAMETER_SIZE,
        description=("Number of parameters, for example 8B or 335M; runtimes select models by it."),
    )
    quantization: str | None = Field(
        default=None, description="Weight quantization, for example fp8, int4 or awq."
    )
    capabilities: list[str] | None = Field(
        default=None, description="For example TEXT_TO_TEXT, EMBEDDING."
    )
    max_tokens: int | None = Field(
        default=None,
        ge=1,
        le=INT32_MAX,
        description="Context length: the most tokens of a request and its answer.",
    )
    vendor: str | None = Field(
        default=None, description="Who published the model, for example meta or mistralai."
    )
    version: str | None = Field(
        default=None, description="Version of the weights, for example 3.1."
    )
    display_name: str | None = Field(
        default=None, description="Human-readable name shown by the platform's model catalog."
    )
    disabled: bool | None = Field(
        default=None, description="Keep the model defined but not served (OME: marked disabled)."
    )
    storage: ModelStorage | None = Field(
        default=None,
        description=(
            "How the weights are fetched: credentials, download options, where nodes keep them."
        ),
    )
    substratus: SubstratusModelOptions | None = Field(
        default=None, description="Substratus only: the container that loads it."
    )
    ome_spec: ModelOmeSpec | None = passthrough_field("model")
    metadata: ObjectMetadata | None = entry_metadata("(Cluster)BaseModel")


class InlineRuntime(Strict):
    """A serving runtime this project defines and ships with its services."""

    name: ResourceName | None = Field(
        default=None, description="Runtime name; defaults to the service's name."
    )
    scope: Scope = Field(
        default="namespace",
        description=(
            "namespace: a ServingRuntime in the project's namespace; cluster: a "
            "ClusterServingRuntime (OME)."
        ),
    )
    image: str = Field(
        min_length=1, description="Serving engine image, for example vllm/vllm-openai:v0.6.3."
    )
    command: list[str] | None = Field(
        default=None,
        description="Command of the serving container, replacing the image's entrypoint.",
    )
    args: list[str] | None = Field(
        default=None, description="Arguments of the serving container, replacing the image's."
    )
    env: list[EnvVar] | None = Field(
        default=None, description="Environment variables of the serving container."
    )
    resources: Resources | None = Field(
        default=None, description="CPU, memory and GPUs of the serving container."
    )
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Port the engine listens on, 1 to 65535."
    )
    protocols: list[Literal["openAI", "openInference-v1", "openInference-v2"]] | None = Field(
        default=None,
        description=("APIs the engine speaks: openAI, openInference-v1 or openInference-v2."),
    )


def _runtime_form(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict):
        return "ref" if "ref" in value else "inline"
    return None


RuntimeSpec = Annotated[
    Annotated[ResourceName, Tag("name")]
    | Annotated[RuntimeRef, Tag("ref")]
    | Annotated[InlineRuntime, Tag("inline")],
    Discriminator(
        _runtime_form,
        custom_error_type="runtime_form",
        custom_error_message=(
            "runtime is a runtime name, {ref: NAME, scope: ...} or an inline runtime with an image"
        ),
    ),
]


class Service(Component):
    """A model served behind one endpoint. Its own fields describe the engine, the part that
    serves requests (and, with a decoder, prefills)."""

    name: ServiceName = Field(
        description=(
            "Service name, unique in the project; names its endpoint and rendered objects."
        )
    )
    model: ResourceName = Field(description="This project's model, or a platform model.")
    runtime: RuntimeSpec | None = Field(
        default=None, description="Omit to let the platform pick a runtime that fits the model."
    )
    adapters: list[ResourceName] | None = Field(
        default=None, description="Fine-tunes of the model served with it (this project's)."
    )
    decoder: Component | None = Field(
        default=None, description="Prefill/decode split: the decode side."
    )
    router: Router | None = Field(
        default=None, description="What spreads requests over the replicas (OME router component)."
    )
    substratus: SubstratusServiceOptions | None = Field(
        default=None,
        description=(
            "Options only Substratus has: build the server's image from git, or pass it params."
        ),
    )
    runai: RunaiOptions | None = Field(
        default=None,
        description=(
            "Options only Run:ai has: preemptibility, user-credential variables, URL "
            "authorization, a template, a MIG profile."
        ),
    )
    metadata: ServiceObjectMetadata | None = entry_metadata("InferenceService")


class ProjectSpec(Strict):
    """What a project is in one environment, after every overlay has been applied."""

    platform: PlatformName = Field(
        description=(
            "Where the project runs: ome (OME), substratus (Substratus) or runai (NVIDIA Run:ai)."
        )
    )
    models: list[Model] = Field(
        default_factory=list,
        description="Models this project imports (OME BaseModel, Substratus Model).",
    )
    services: list[Service] = Field(
        default_factory=list,
        description=(
            "Models served behind an endpoint (OME InferenceService, Run:ai "
            "inference workload, Substratus Server)."
        ),
    )
    runtimes: list[ProjectServingRuntime] = Field(
        default_factory=list, description="Serving runtimes this project defines."
    )
    training_runtimes: list[ProjectTrainingRuntime] = Field(
        default_factory=list, description="Training runtimes this project defines."
    )
    datasets: list[Dataset] = Field(
        default_factory=list,
        description="Data for fine-tunes, benchmarks and notebooks (Substratus Dataset).",
    )
    fine_tunes: list[FineTune] = Field(
        default_factory=list,
        description=(
            "Weights trained from a base model, served as adapters (OME "
            "FineTunedWeight and TrainingJob)."
        ),
    )
    notebooks: list[Notebook] = Field(
        default_factory=list, description="Development environments on this project's models."
    )
    benchmarks: list[Benchmark] = Field(
        default_factory=list, description="Load tests of services or endpoints (OME BenchmarkJob)."
    )
    replications: list[Replication] = Field(
        default_factory=list,
        description="Copies of artifacts between storages (OME ReplicationJob).",
    )
    pipelines: list[Pipeline] = Field(
        default_factory=list,
        description="Requests flowing through several services (OME InferenceGraph).",
    )


class ProjectFileSpec(ProjectSpec):
    environments: dict[DnsLabel, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            "Per-environment overrides: a partial spec merged over this one "
            "(maps merge, lists of named items merge by name, null removes a key)."
        ),
    )


class Project(Strict):
    api_version: Literal["manifold.dev/v1alpha1"] = Field(
        alias="apiVersion", description="Always manifold.dev/v1alpha1."
    )
    kind: Literal["Project"] = Field(description="Always Project.")
    metadata: ProjectMetadata = Field(
        description="Name, owning team, labels and annotations of the project."
    )
    spec: ProjectFileSpec = Field(
        description=("What the project serves, fine-tunes and benchmarks, and on which platform.")
    )

    @property
    def name(self) -> str:
        return self.metadata.name
