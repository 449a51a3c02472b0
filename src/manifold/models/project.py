"""`Project`: one file under projects/ describing what a team serves and on which platform."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from manifold.models.common import (
    INT32_MAX,
    Annotations,
    DnsLabel,
    EnvVar,
    Labels,
    ResourceName,
    Resources,
    Scope,
    ServiceName,
    Strict,
)
from manifold.models.lifecycle import (
    Benchmark,
    Dataset,
    FineTune,
    Notebook,
    Pipeline,
    Replication,
)
from manifold.models.runtimes import (
    PARAMETER_SIZE,
    ProjectServingRuntime,
    ProjectTrainingRuntime,
    RuntimeRef,
)
from manifold.models.storage import STORAGE_URI, ModelStorage
from manifold.models.substratus import SubstratusModel, SubstratusWorkload
from manifold.models.workload import Component, Router
from manifold.targets.registry import PlatformName


class ProjectMetadata(Strict):
    name: DnsLabel = Field(description="Project name; prefixes namespaces and labels everything.")
    team: DnsLabel = Field(description="The team that owns the project.")
    labels: Labels | None = Field(default=None, description="Added to every rendered object.")
    annotations: Annotations | None = Field(
        default=None, description="Added to every rendered object."
    )


class NamedVersion(Strict):
    name: str = Field(min_length=1)
    version: str | None = None


class Model(Strict):
    name: ResourceName
    source: str = Field(
        pattern=STORAGE_URI,
        description="Where the weights are: hf://org/repo, oci://..., s3://, gs://, pvc://...",
    )
    scope: Scope = Field(
        default="namespace",
        description="namespace: visible to this project's namespace; cluster: to every namespace.",
    )
    format: NamedVersion | None = Field(default=None, description="For example safetensors.")
    framework: NamedVersion | None = Field(default=None, description="For example transformers.")
    architecture: str | None = Field(default=None, description="For example LlamaForCausalLM.")
    parameter_size: str | None = Field(
        default=None, pattern=PARAMETER_SIZE, description="For example 8B."
    )
    quantization: str | None = None
    capabilities: list[str] | None = Field(
        default=None, description="For example TEXT_TO_TEXT, EMBEDDING."
    )
    max_tokens: int | None = Field(default=None, ge=1, le=INT32_MAX)
    vendor: str | None = None
    version: str | None = None
    display_name: str | None = None
    disabled: bool | None = None
    storage: ModelStorage | None = None
    substratus: SubstratusModel | None = Field(
        default=None, description="Substratus only: the container that loads it."
    )


class InlineRuntime(Strict):
    """A serving runtime this project defines and ships with its services."""

    name: ResourceName | None = Field(default=None, description="Defaults to the service's name.")
    scope: Scope = "namespace"
    image: str = Field(min_length=1)
    command: list[str] | None = None
    args: list[str] | None = None
    env: list[EnvVar] | None = None
    resources: Resources | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    protocols: list[Literal["openAI", "openInference-v1", "openInference-v2"]] | None = None


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

    name: ServiceName
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
    router: Router | None = None
    substratus: SubstratusWorkload | None = Field(default=None, description="Substratus only.")


class ProjectSpec(Strict):
    """What a project is in one environment, after every overlay has been applied."""

    platform: PlatformName = Field(
        description="Where the project runs: ome (OME), substratus (Substratus) or runai "
        "(NVIDIA Run:ai)."
    )
    models: list[Model] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    runtimes: list[ProjectServingRuntime] = Field(
        default_factory=list, description="Serving runtimes this project defines."
    )
    training_runtimes: list[ProjectTrainingRuntime] = Field(
        default_factory=list, description="Training runtimes this project defines."
    )
    datasets: list[Dataset] = Field(default_factory=list)
    fine_tunes: list[FineTune] = Field(default_factory=list)
    notebooks: list[Notebook] = Field(
        default_factory=list, description="Development environments on this project's models."
    )
    benchmarks: list[Benchmark] = Field(default_factory=list)
    replications: list[Replication] = Field(default_factory=list)
    pipelines: list[Pipeline] = Field(default_factory=list)


class ProjectFileSpec(ProjectSpec):
    environments: dict[DnsLabel, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            "Per-environment overrides: a partial spec merged over this one "
            "(maps merge, lists of named items merge by name, null removes a key)."
        ),
    )


class Project(Strict):
    api_version: Literal["manifold.dev/v1alpha1"] = Field(alias="apiVersion")
    kind: Literal["Project"]
    metadata: ProjectMetadata
    spec: ProjectFileSpec

    @property
    def name(self) -> str:
        return self.metadata.name
