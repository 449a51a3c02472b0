"""A model's life after it is imported: datasets, fine-tunes, notebooks and copies
(benchmarks and pipelines have modules of their own).

Platform-neutral: what a dataset or a fine-tune *is*. Options only one platform has are
in fields named after it (`ome:`, `substratus:`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from manifold.models.blocks import PlatformBlock
from manifold.models.common import ResourceName, Resources, Strict
from manifold.models.env import EnvVar
from manifold.models.labels import Annotations, Labels, ObjectMetadata, entry_metadata
from manifold.models.runtimes import RuntimeReference
from manifold.models.storage import STORAGE_URI, ModelStorage, StorageLocation
from manifold.models.workload import Container

SubstratusDatasetOptions = Annotated[dict[str, Any], PlatformBlock("substratus", "dataset")]
SubstratusFineTuneOptions = Annotated[dict[str, Any], PlatformBlock("substratus", "fineTune")]
SubstratusNotebookOptions = Annotated[dict[str, Any], PlatformBlock("substratus", "notebook")]
"""`substratus:` blocks of a dataset, a fine-tune and a notebook: the Substratus target's."""
OmeTrainingOptions = Annotated[dict[str, Any], PlatformBlock("ome", "training")]
OmeFineTuneOptions = Annotated[dict[str, Any], PlatformBlock("ome", "fineTune")]
OmeReplicationOptions = Annotated[dict[str, Any], PlatformBlock("ome", "replication")]
"""`ome:` blocks of a training, a fine-tune and a replication: the OME target's."""


# --------------------------------------------------------------------------- datasets


class Dataset(Strict):
    name: ResourceName = Field(
        description=(
            "Dataset name, unique in the project; fine-tunes, benchmarks and notebooks refer to it."
        )
    )
    source: str | None = Field(
        default=None,
        pattern=STORAGE_URI,
        description=(
            "Where the data is: s3://, oci://... (OME reads it from there; a platform that "
            "loads data with a container of its own may do without)."
        ),
    )
    storage: ModelStorage | None = Field(
        default=None,
        description=(
            "How the data is fetched: credentials, download options, where nodes keep it."
        ),
    )
    substratus: SubstratusDatasetOptions | None = Field(
        default=None, description="Substratus only: the container that loads it."
    )


# --------------------------------------------------------------------------- fine-tunes


class Training(Strict):
    """How the weights are trained. Omit for weights that already exist."""

    runtime: RuntimeReference | None = Field(
        default=None,
        description="The training runtime (OME needs one; elsewhere the trainer may be an image).",
    )
    image: str | None = Field(default=None, description="Overrides the runtime's trainer image.")
    command: list[str] | None = Field(
        default=None,
        description=("Command of the trainer, replacing the image's or runtime's entrypoint."),
    )
    args: list[str] | None = Field(
        default=None, description="Arguments of the trainer, replacing the image's or runtime's."
    )
    env: list[EnvVar] | None = Field(
        default=None, description="Extra environment variables of the trainer."
    )
    resources: Resources | None = Field(
        default=None, description="CPU, memory and GPUs of each training node."
    )
    nodes: int | None = Field(
        default=None, ge=1, description="Training nodes; overrides the runtime's."
    )
    procs_per_node: str | None = Field(
        default=None,
        pattern=r"^(auto|cpu|gpu|[1-9][0-9]*)$",
        description=(
            'Processes per node: "auto", "cpu", "gpu" or a number, as a string; '
            "overrides the runtime's."
        ),
    )
    suspend: bool | None = Field(
        default=None,
        description="Create the training job suspended, so that it does not start yet.",
    )
    # no key refused: they go on a TrainingJob's pods, and no InferenceService reads them
    annotations: Annotations | None = Field(
        default=None, description="Annotations on the training pods."
    )
    labels: Labels | None = Field(default=None, description="Labels on the training pods.")
    ome: OmeTrainingOptions | None = Field(
        default=None, description="Options only OME has (TrainingJob)."
    )


class FineTune(Strict):
    """Weights trained from a base model on a dataset, served as an adapter of that model."""

    name: ResourceName = Field(
        description=("Fine-tune name, unique in the project; services list it under `adapters`.")
    )
    base_model: ResourceName = Field(description="This project's model, or a platform model.")
    type: str | None = Field(default=None, description="For example LoRA, LoraAdapter, Adapter.")
    dataset: ResourceName | None = Field(
        default=None, description="The project's dataset the weights are trained on."
    )
    source: str | None = Field(
        default=None,
        pattern=STORAGE_URI,
        description="Where the weights are: the training writes them, serving reads them.",
    )
    storage: ModelStorage | None = Field(
        default=None,
        description=(
            "How the weights are fetched: credentials, download options, where nodes keep them."
        ),
    )
    hyper_parameters: dict[str, Any] | None = Field(
        default=None,
        description=(
            "Training hyperparameters passed to the trainer, for example learning_rate and epochs."
        ),
    )
    configuration: dict[str, Any] | None = Field(
        default=None, description="For example the adapter's adapter_config.json."
    )
    display_name: str | None = Field(
        default=None, description="Human-readable name shown by the platform's model catalog."
    )
    version: str | None = Field(
        default=None,
        description="Version of the weights, as shown by the platform's model catalog.",
    )
    vendor: str | None = Field(
        default=None,
        description="Who published the weights, as shown by the platform's model catalog.",
    )
    disabled: bool | None = Field(
        default=None,
        description=(
            "Keep the fine-tune defined but not served or trained (OME: the model "
            "is marked disabled)."
        ),
    )
    training: Training | None = Field(
        default=None,
        description=(
            "How the weights are trained; omit for weights that already exist at `source`."
        ),
    )
    ome: OmeFineTuneOptions | None = Field(
        default=None, description="Options only OME has (FineTunedWeight)."
    )
    metadata: ObjectMetadata | None = entry_metadata("FineTunedWeight (not its TrainingJob)")
    substratus: SubstratusFineTuneOptions | None = Field(
        default=None,
        description=(
            "Options only Substratus has (its Model built from a base model and a dataset)."
        ),
    )

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

    name: ResourceName = Field(
        description=("Notebook name, unique in the project; names the rendered notebook object.")
    )
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
    substratus: SubstratusNotebookOptions | None = Field(
        default=None,
        description=(
            "Options only Substratus has: build the notebook's image from git, or pass it params."
        ),
    )


# --------------------------------------------------------------------------- replication


class Replication(Strict):
    """A copy of artifacts from one storage to another."""

    name: ResourceName = Field(
        description=(
            "Replication name, unique in the project; names the rendered job (OME: ReplicationJob)."
        )
    )
    source: StorageLocation = Field(description="Where the artifacts are copied from.")
    destination: StorageLocation = Field(description="Where the copy goes.")
    ome: OmeReplicationOptions | None = Field(
        default=None, description="Options only OME has (ReplicationJob)."
    )
