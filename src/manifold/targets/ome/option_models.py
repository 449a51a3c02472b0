"""Options only OME has, under `ome:` keys of the project and platform languages: a
benchmark's Hugging Face secret, service metadata and result folder; the OCI compartment of a
training, fine-tune, replication, dedicated cluster or reservation; a training's
hyperparameter search; the TrainingJob that produced weights trained elsewhere.

The languages hold each block as a mapping (`manifold.models.blocks`): the OME target names
these models (`Target.options`), which check the blocks and give their editor schema, and
`options_of` reads an entry's block as its model for the renderer.
"""

from __future__ import annotations

from typing import Any, Literal, overload

from pydantic import Field

from manifold.models.benchmarks import Benchmark
from manifold.models.blocks import read_block
from manifold.models.capacity import DedicatedCluster, Reservation
from manifold.models.common import DnsLabel, ResourceName, Strict
from manifold.models.lifecycle import FineTune, Replication, Training


class ServiceMetadata(Strict):
    engine: Literal["vLLM", "SGLang", "TGI"] = Field(
        description="Serving engine of the measured service: vLLM, SGLang or TGI."
    )
    version: str = Field(
        min_length=1, description="Version of the serving engine, for example 0.6.3."
    )
    gpu_type: Literal["H100", "A100", "MI300", "A10"] = Field(
        description="GPU model of the measured service: H100, A100, MI300 or A10."
    )
    gpu_count: int = Field(ge=1, description="GPUs the measured service runs on.")


class OmeBenchmark(Strict):
    """OME only."""

    hugging_face_secret: ResourceName | None = Field(
        default=None, description="Secret with a Hugging Face token for the tokenizer."
    )
    service_metadata: ServiceMetadata | None = Field(
        default=None, description="The serving stack being measured, recorded with the results."
    )
    result_folder_name: str | None = Field(
        default=None, description="Folder under `output` that receives this run's results."
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


class OmeReservation(Strict):
    compartment_id: str | None = Field(
        default=None,
        alias="compartmentID",
        description="OCI compartment OCID of the reservation (OME compartmentID).",
    )


class TuningMetric(Strict):
    name: str = Field(
        min_length=1, description="Name of the metric the trainer reports, for example eval_loss."
    )
    goal: Literal["minimize", "maximize"] = Field(
        description="Whether a lower (minimize) or higher (maximize) value is better."
    )


class HyperParameterTuning(Strict):
    method: Literal["grid", "random", "bayes"] = Field(
        description="Search strategy: grid, random or bayes."
    )
    metric: TuningMetric = Field(description="The metric that ranks the trials.")
    max_trials: int | None = Field(
        default=None, ge=1, description="Most training trials to run; no limit when omitted."
    )
    parameters: dict[str, Any] = Field(description="The search space, or fixed values.")


class OmeTraining(Strict):
    """OME only."""

    hyper_parameter_tuning: HyperParameterTuning | None = Field(
        default=None, description="Search over hyperparameters instead of one training run."
    )
    compartment_id: str | None = Field(
        default=None,
        alias="compartmentID",
        description=("OCI compartment OCID the training job belongs to (OME compartmentID)."),
    )


class ObjectRef(Strict):
    name: ResourceName = Field(description="Name of the object.")
    namespace: DnsLabel | None = Field(
        default=None, description="Namespace of the object; defaults to the project's namespace."
    )


class OmeFineTune(Strict):
    """OME only."""

    compartment_id: str | None = Field(
        default=None,
        alias="compartmentID",
        description="OCI compartment OCID the weights belong to (OME compartmentID).",
    )
    training_job_ref: ObjectRef | None = Field(
        default=None,
        description="The TrainingJob that produced weights trained outside this project.",
    )


class OmeReplication(Strict):
    compartment_id: str | None = Field(
        default=None,
        alias="compartmentID",
        description=("OCI compartment OCID the replication job belongs to (OME compartmentID)."),
    )


SITE_MODELS: dict[str, type[Strict]] = {
    "benchmark": OmeBenchmark,
    "dedicatedCluster": OmeDedicatedCluster,
    "reservation": OmeReservation,
    "training": OmeTraining,
    "fineTune": OmeFineTune,
    "replication": OmeReplication,
}
"""The model of each `ome:` block, by the site the languages name
(`PlatformBlock("ome", site)`): the target's `options`."""


@overload
def options_of(item: Benchmark) -> OmeBenchmark | None: ...
@overload
def options_of(item: DedicatedCluster) -> OmeDedicatedCluster | None: ...
@overload
def options_of(item: Reservation) -> OmeReservation | None: ...
@overload
def options_of(item: Training) -> OmeTraining | None: ...
@overload
def options_of(item: FineTune) -> OmeFineTune | None: ...
@overload
def options_of(item: Replication) -> OmeReplication | None: ...
def options_of(item: Any) -> Strict | None:
    """An entry's `ome:` block read as its model, or None without one (checked when its file
    was read and merged, so this does not fail); each renderer reads it once per entry."""
    return read_block(item, "ome", SITE_MODELS)
