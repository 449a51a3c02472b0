"""Runtimes: how a kind of model is served, or how a fine-tune is trained.

A runtime is defined once (by a project for its own namespace, or by the platform for the
whole cluster) and referenced by name from services and fine-tunes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from manifold.models.common import ResourceName, Scope, Strict
from manifold.models.labels import Annotations, Labels, ObjectMetadata, entry_metadata
from manifold.models.passthrough import RuntimeOmeSpec, passthrough_field
from manifold.models.workload import Component, Container, PodSettings, Router

PARAMETER_SIZE = r"^[0-9]+(\.[0-9]+)?[KMBT]$"
"""Model sizes in parameters: 335M, 8B, 1.5T."""

Protocol = Literal["openAI", "openInference-v1", "openInference-v2"]


class FormatRequirement(Strict):
    """A model format or framework a runtime serves, and which of its versions."""

    name: str = Field(
        min_length=1,
        description=("Name of the format or framework, for example safetensors or transformers."),
    )
    version: str | None = Field(
        default=None, description="Version of it the runtime serves, compared with `operator`."
    )
    operator: Literal["Equal", "GreaterThan", "GreaterThanOrEqual"] | None = Field(
        default=None,
        description=(
            "Which model versions `version` serves: Equal (the default), GreaterThanOrEqual "
            "(up to `version`), GreaterThan (below it), as OME's runtime selector compares."
        ),
    )
    weight: int | None = Field(
        default=None,
        ge=0,
        description="Weight in auto-selection's score (format 10, framework 5 when not given).",
    )


class SupportedFormat(Strict):
    format: FormatRequirement = Field(
        description="Model format it serves, for example safetensors."
    )
    framework: FormatRequirement = Field(
        description="Model framework it serves, for example transformers."
    )
    architecture: str | None = Field(
        default=None, description="Model architecture it serves, for example LlamaForCausalLM."
    )
    quantization: str | None = Field(
        default=None, description="Weight quantization it serves, for example fp8."
    )
    auto_select: bool | None = Field(
        default=None, description="May be picked for services that name no runtime."
    )
    priority: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Multiplies the weights in auto-selection's score (1 when not given): among "
            "runtimes that fit, the highest score wins."
        ),
    )
    version: str | None = Field(default=None, description="Version of this support entry.")


class SizeRange(Strict):
    min: str = Field(
        pattern=PARAMETER_SIZE, description="Smallest model size in parameters, for example 7B."
    )
    max: str = Field(
        pattern=PARAMETER_SIZE, description="Largest model size in parameters, for example 9B."
    )


class ServingRuntime(Strict):
    """A serving runtime: the model formats it serves and the components it runs."""

    name: ResourceName = Field(description="Runtime name; services name it in `runtime`.")
    disabled: bool | None = Field(
        default=None, description="Keep the runtime defined but let no service use it."
    )
    supports: list[SupportedFormat] = Field(
        min_length=1,
        description=(
            "Model formats and frameworks it serves; services without a runtime are"
            " matched against them."
        ),
    )
    model_size_range: SizeRange | None = Field(
        default=None, description="Sizes of the models it serves, in parameters (7B to 9B)."
    )
    protocols: list[Protocol] | None = Field(
        default=None,
        description=("APIs the runtime speaks: openAI, openInference-v1 or openInference-v2."),
    )
    accelerators: list[str] | None = Field(
        default=None, description="Accelerator classes it runs on (OME AcceleratorClass names)."
    )
    engine: Component | None = Field(
        default=None,
        description="The component that serves requests (and prefills, with a decoder).",
    )
    decoder: Component | None = Field(
        default=None, description="Prefill/decode split: the decode side (engine prefills)."
    )
    router: Router | None = Field(
        default=None,
        description=("What spreads requests over the replicas of services using this runtime."),
    )
    ome_spec: RuntimeOmeSpec | None = passthrough_field("runtime")
    metadata: ObjectMetadata | None = entry_metadata("(Cluster)ServingRuntime")

    def components(self) -> dict[str, Component | None]:
        """The engine, decoder and router, by the name of the field that holds each."""
        return {"engine": self.engine, "decoder": self.decoder, "router": self.router}


class ProjectServingRuntime(ServingRuntime):
    scope: Scope = Field(
        default="namespace",
        description="namespace: for this project's services; cluster: for every namespace.",
    )


class SharedServingRuntime(ServingRuntime):
    external: bool = Field(
        default=False,
        description=(
            "Installed by other means (a Helm chart...): references are checked against it, "
            "and it is not rendered."
        ),
    )


# --------------------------------------------------------------------------- training


class ElasticPolicy(Strict):
    max_restarts: int | None = Field(
        default=None, ge=0, description="Most restarts of the training before it fails."
    )
    min_nodes: int | None = Field(
        default=None, ge=1, description="Fewest nodes the training keeps running on."
    )
    max_nodes: int | None = Field(
        default=None, ge=1, description="Most nodes the training may grow to."
    )


class Torch(Strict):
    procs_per_node: str | None = Field(
        default=None,
        pattern=r"^(auto|cpu|gpu|[1-9][0-9]*)$",
        description='Processes per node: "auto", "cpu", "gpu" or a number, as a string.',
    )
    elastic: ElasticPolicy | None = Field(
        default=None,
        description=("Let the training run on a changing number of nodes (torchrun elastic)."),
    )


class TrainingContainer(Container):
    name: str = Field(min_length=1, description="Container name, unique in its job.")


class TrainingStep(PodSettings):
    """One replicated job of a training run (a JobSet replicated job)."""

    name: str = Field(
        min_length=1,
        description="Job name, unique in the runtime, for example node or initializer.",
    )
    replicas: int | None = Field(
        default=None, ge=1, description="Copies of this job in the JobSet."
    )
    parallelism: int | None = Field(
        default=None, ge=1, description="Pods of the job running at once."
    )
    completions: int | None = Field(
        default=None, ge=1, description="Pods that must succeed for the job to complete."
    )
    backoff_limit: int | None = Field(
        default=None, ge=0, description="Retries of a failed pod before the job fails."
    )
    containers: list[TrainingContainer] = Field(
        min_length=1, description="Containers of each pod of the job."
    )


class TrainingRuntime(Strict):
    """How fine-tunes are trained: nodes, processes per node, and the jobs to run."""

    name: ResourceName = Field(
        description="Runtime name; fine-tunes name it in `training.runtime`."
    )
    nodes: int | None = Field(default=None, ge=1, description="Number of training nodes.")
    torch: Torch | None = Field(
        default=None,
        description=(
            "Distributed PyTorch (torchrun) settings: processes per node and elastic scaling."
        ),
    )
    schedule_timeout_seconds: int | None = Field(
        default=None, ge=1, description="Gang scheduling: how long all pods may wait together."
    )
    # no key refused: they go on a TrainingJob's pods, and no InferenceService reads them
    annotations: Annotations | None = Field(
        default=None, description="Annotations on the training pods."
    )
    labels: Labels | None = Field(default=None, description="Labels on the training pods.")
    jobs: list[TrainingStep] = Field(
        min_length=1,
        description="The replicated jobs of a training run (a JobSet's replicatedJobs).",
    )


class ProjectTrainingRuntime(TrainingRuntime):
    scope: Scope = Field(
        default="namespace",
        description=(
            "namespace: for this project's fine-tunes (TrainingRuntime); cluster: "
            "for every namespace (ClusterTrainingRuntime)."
        ),
    )


class SharedTrainingRuntime(TrainingRuntime):
    external: bool = Field(
        default=False, description="Installed by other means: checked against, not rendered."
    )


# --------------------------------------------------------------------------- references


class RuntimeRef(Strict):
    """A runtime by name and scope, when the name alone would not say which."""

    ref: ResourceName = Field(description="Name of the runtime.")
    scope: Scope = Field(
        default="cluster",
        description=(
            "cluster: a platform runtime (the default); namespace: one of this project's."
        ),
    )


def _reference_form(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict):
        return "ref"
    return None


RuntimeReference = Annotated[
    Annotated[ResourceName, Tag("name")] | Annotated[RuntimeRef, Tag("ref")],
    Discriminator(
        _reference_form,
        custom_error_type="runtime_reference",
        custom_error_message="a runtime is referenced by name or as {ref: NAME, scope: ...}",
    ),
]
"""A name (the project's runtime of that name, else the platform's) or {ref, scope}."""
