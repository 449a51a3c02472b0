"""A model's life after it is imported: datasets, fine-tunes, notebooks, benchmarks, copies,
pipelines.

Platform-neutral: what a fine-tune or a benchmark *is*. Options only one platform has are
in fields named after it (`ome:`, `substratus:`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from manifold.models.common import (
    Annotations,
    DnsLabel,
    EnvVar,
    Labels,
    Replicas,
    ResourceName,
    Resources,
    ServiceName,
    Strict,
    Toleration,
)
from manifold.models.runtimes import RuntimeReference
from manifold.models.storage import STORAGE_URI, ModelStorage, StorageLocation
from manifold.models.substratus import SubstratusDataset, SubstratusFineTune, SubstratusWorkload
from manifold.models.workload import Container, KubernetesObject, Volume, VolumeMount

BENCHMARK_TASKS = ("text-to-text", "image-to-text", "text-to-embeddings", "image-to-embeddings")


class ObjectRef(Strict):
    name: ResourceName
    namespace: DnsLabel | None = None


# --------------------------------------------------------------------------- datasets


class Dataset(Strict):
    name: ResourceName
    source: str | None = Field(
        default=None,
        pattern=STORAGE_URI,
        description=(
            "Where the data is: s3://, oci://... (OME reads it from there; a platform that "
            "loads data with a container of its own may do without)."
        ),
    )
    storage: ModelStorage | None = None
    substratus: SubstratusDataset | None = Field(
        default=None, description="Substratus only: the container that loads it."
    )


# --------------------------------------------------------------------------- fine-tunes


class TuningMetric(Strict):
    name: str = Field(min_length=1)
    goal: Literal["minimize", "maximize"]


class HyperParameterTuning(Strict):
    method: Literal["grid", "random", "bayes"]
    metric: TuningMetric
    max_trials: int | None = Field(default=None, ge=1)
    parameters: dict[str, Any] = Field(description="The search space, or fixed values.")


class OmeTraining(Strict):
    """OME only."""

    hyper_parameter_tuning: HyperParameterTuning | None = None
    compartment_id: str | None = Field(default=None, alias="compartmentID")


class Training(Strict):
    """How the weights are trained. Omit for weights that already exist."""

    runtime: RuntimeReference | None = Field(
        default=None,
        description="The training runtime (OME needs one; elsewhere the trainer may be an image).",
    )
    image: str | None = Field(default=None, description="Overrides the runtime's trainer image.")
    command: list[str] | None = None
    args: list[str] | None = None
    env: list[EnvVar] | None = None
    resources: Resources | None = Field(default=None, description="Per node.")
    nodes: int | None = Field(default=None, ge=1)
    procs_per_node: str | None = Field(default=None, pattern=r"^(auto|cpu|gpu|[1-9][0-9]*)$")
    suspend: bool | None = None
    annotations: Annotations | None = None
    labels: Labels | None = None
    ome: OmeTraining | None = None


class OmeFineTune(Strict):
    """OME only."""

    compartment_id: str | None = Field(default=None, alias="compartmentID")
    training_job_ref: ObjectRef | None = Field(
        default=None,
        description="The TrainingJob that produced weights trained outside this project.",
    )


class FineTune(Strict):
    """Weights trained from a base model on a dataset, served as an adapter of that model."""

    name: ResourceName
    base_model: ResourceName = Field(description="This project's model, or a platform model.")
    type: str | None = Field(default=None, description="For example LoRA, LoraAdapter, Adapter.")
    dataset: ResourceName | None = Field(default=None, description="One of this project's.")
    source: str | None = Field(
        default=None,
        pattern=STORAGE_URI,
        description="Where the weights are: the training writes them, serving reads them.",
    )
    storage: ModelStorage | None = None
    hyper_parameters: dict[str, Any] | None = None
    configuration: dict[str, Any] | None = Field(
        default=None, description="For example the adapter's adapter_config.json."
    )
    display_name: str | None = None
    version: str | None = None
    vendor: str | None = None
    disabled: bool | None = None
    training: Training | None = None
    ome: OmeFineTune | None = None
    substratus: SubstratusFineTune | None = None

    @model_validator(mode="after")
    def _complete(self) -> FineTune:
        if self.training is None and self.source is None:
            raise ValueError("a fine-tune is trained (training) or already exists (source)")
        if self.training is not None and self.dataset is None:
            raise ValueError("training needs a dataset")
        if self.source is not None and self.type is None:
            raise ValueError("weights need a type (for example LoRA)")
        return self


# --------------------------------------------------------------------------- notebooks


class Notebook(Container):
    """An interactive development environment (a Jupyter server) with a model or a dataset
    at hand; its own fields are its container's."""

    name: ResourceName
    model: ResourceName | None = Field(
        default=None,
        description="A model or fine-tune of this project, or a platform model, to work with.",
    )
    dataset: ResourceName | None = Field(
        default=None, description="One of this project's datasets to work with."
    )
    suspend: bool | None = Field(
        default=None,
        description="Stop the notebook and keep its definition (for example in prod).",
    )
    substratus: SubstratusWorkload | None = Field(default=None, description="Substratus only.")


# --------------------------------------------------------------------------- benchmarks


class ServiceTarget(Strict):
    service: ServiceName
    project: DnsLabel | None = Field(default=None, description="Defaults to this project.")


class UrlTarget(Strict):
    url: str = Field(pattern=r"^https?://")
    api_format: Literal["openai", "oci-cohere", "cohere"]
    model_name: str | None = None


def _target_form(value: Any) -> str | None:
    if isinstance(value, dict):
        forms = [form for form in ("service", "url") if form in value]
        return forms[0] if len(forms) == 1 else None
    return None


BenchmarkTarget = Annotated[
    Annotated[ServiceTarget, Tag("service")] | Annotated[UrlTarget, Tag("url")],
    Discriminator(
        _target_form,
        custom_error_type="benchmark_target",
        custom_error_message="a benchmark targets a service ({service, project}) or a url",
    ),
]


class ServiceMetadata(Strict):
    engine: Literal["vLLM", "SGLang", "TGI"]
    version: str = Field(min_length=1)
    gpu_type: Literal["H100", "A100", "MI300", "A10"]
    gpu_count: int = Field(ge=1)


class OmeBenchmark(Strict):
    """OME only."""

    hugging_face_secret: ResourceName | None = Field(
        default=None, description="Secret with a Hugging Face token for the tokenizer."
    )
    service_metadata: ServiceMetadata | None = None
    result_folder_name: str | None = None


class Benchmark(Strict):
    name: ResourceName
    target: BenchmarkTarget
    task: Literal["text-to-text", "image-to-text", "text-to-embeddings", "image-to-embeddings"]
    traffic_scenarios: list[str] | None = Field(
        default=None, description='For example "D(100,100)", "N(480,240)/(300,150)".'
    )
    concurrency: list[int] | None = Field(default=None, description="Concurrent users to try.")
    max_time_per_iteration: int = Field(ge=1, description="Minutes.")
    max_requests_per_iteration: int = Field(ge=1)
    request_params: dict[str, str] | None = Field(
        default=None, description='Added to every request, for example temperature: "0.0".'
    )
    dataset: ResourceName | None = Field(default=None, description="One of this project's.")
    output: StorageLocation = Field(description="Where the results go.")
    image: str | None = None
    env: list[EnvVar] | None = None
    resources: Resources | None = None
    node_selector: dict[str, str] | None = None
    tolerations: list[Toleration] | None = None
    affinity: KubernetesObject | None = None
    volumes: list[Volume] | None = None
    volume_mounts: list[VolumeMount] | None = None
    ome: OmeBenchmark | None = None


# --------------------------------------------------------------------------- replication


class OmeReplication(Strict):
    compartment_id: str | None = Field(default=None, alias="compartmentID")


class Replication(Strict):
    """A copy of artifacts from one storage to another."""

    name: ResourceName
    source: StorageLocation
    destination: StorageLocation
    ome: OmeReplication | None = None


# --------------------------------------------------------------------------- pipelines


class PipelineStep(Strict):
    name: str = Field(min_length=1)
    service: ServiceName | None = Field(default=None, description="One of this project's.")
    url: str | None = Field(default=None, pattern=r"^https?://")
    node: str | None = Field(default=None, description="Another node of the pipeline.")
    condition: str | None = None
    data: str | None = Field(default=None, description="$request or $response.")
    dependency: Literal["Soft", "Hard"] | None = None
    weight: int | None = Field(default=None, ge=0, le=100, description="Splitter: percent.")

    @model_validator(mode="after")
    def _one_destination(self) -> PipelineStep:
        given = [f for f in ("service", "url", "node") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError("a step goes to exactly one of service, url or node")
        return self


class PipelineNode(Strict):
    router: Literal["Sequence", "Splitter", "Ensemble", "Switch"]
    steps: list[PipelineStep] = Field(min_length=1)


class PipelineScaling(Strict):
    metric: Literal["cpu", "memory", "concurrency", "rps"]
    target: int = Field(ge=1)


class Pipeline(Strict):
    """Requests flowing through several services (OME: InferenceGraph)."""

    name: ResourceName
    nodes: dict[str, PipelineNode] = Field(description="Must include `root`, where it starts.")
    replicas: Replicas | None = None
    autoscaling: PipelineScaling | None = None
    timeout: int | None = Field(default=None, ge=1, description="Seconds per request.")
    resources: Resources | None = None
    node_selector: dict[str, str] | None = None
    tolerations: list[Toleration] | None = None
    affinity: KubernetesObject | None = None
    service_account_name: str | None = None
