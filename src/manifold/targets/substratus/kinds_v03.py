"""Substratus's kinds at API level v0.3 (`substratus.ai/v1`), as typed dicts: the API of
upstream commit 6b44ff0 (July 2023), which seed 001 documents. Models are built from git or
trained from another Model on a Dataset, and say their size and the compute they run on;
a ModelServer serves a Model by name.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import Field, with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import STRICT, ObjectMeta
from manifold.targets.substratus.kinds import ApiVersion

ComputeType = Literal["CPU", "GPU"]
TRAINING_PARAMS: tuple[str, ...] = ("epochs", "dataLimit", "batchSize")


@with_config(STRICT)
class GitSource(TypedDict):
    url: str
    branch: NotRequired[str]
    path: NotRequired[str]


@with_config(STRICT)
class DatasetSource(TypedDict):
    git: GitSource


@with_config(STRICT)
class DatasetSpec(TypedDict):
    filename: str
    source: NotRequired[DatasetSource]


@with_config(STRICT)
class ModelSource(TypedDict, total=False):
    git: GitSource
    modelName: str


@with_config(STRICT)
class TrainingParams(TypedDict, total=False):
    epochs: int
    dataLimit: int
    batchSize: int


@with_config(STRICT)
class ModelTraining(TypedDict):
    datasetName: str
    params: TrainingParams


@with_config(STRICT)
class ModelSize(TypedDict, total=False):
    parameterCount: int
    parameterBits: int


@with_config(STRICT)
class ModelCompute(TypedDict):
    types: Annotated[list[ComputeType], Field(min_length=1)]


@with_config(STRICT)
class ModelSpec(TypedDict):
    source: ModelSource
    training: NotRequired[ModelTraining]
    size: ModelSize
    compute: ModelCompute


@with_config(STRICT)
class ModelServerSpec(TypedDict):
    modelName: str


@with_config(STRICT)
class NotebookSpec(TypedDict, total=False):
    modelName: str
    suspend: bool


@with_config(STRICT)
class Dataset(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Dataset"]
    metadata: ObjectMeta
    spec: DatasetSpec


@with_config(STRICT)
class Model(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Model"]
    metadata: ObjectMeta
    spec: ModelSpec


@with_config(STRICT)
class ModelServer(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ModelServer"]
    metadata: ObjectMeta
    spec: ModelServerSpec


@with_config(STRICT)
class Notebook(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Notebook"]
    metadata: ObjectMeta
    spec: NotebookSpec
