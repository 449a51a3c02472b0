"""Substratus's kinds at API level v0.10 (`substratus.ai/v1`), as typed dicts: the API of
upstream's last releases, where ModelServer became Server and every kind runs one container,
from an image or built from git, with params and resources.

Only the fields manifold writes are listed, and the generated schemas refuse any other; the
real CRDs (`manifold schemas import`) describe them all.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, NotRequired

from pydantic import Field, with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import STRICT, ObjectMeta

API_VERSION: Final = "substratus.ai/v1"
ApiVersion = Literal["substratus.ai/v1"]

GpuType = Literal["nvidia-a100", "nvidia-l4", "nvidia-t4"]
GPU_TYPES: tuple[str, ...] = ("nvidia-a100", "nvidia-l4", "nvidia-t4")
"""What Substratus's controller knows how to place (its GCP node selectors)."""


@with_config(STRICT)
class BuildGit(TypedDict):
    url: str
    branch: NotRequired[str]
    tag: NotRequired[str]
    path: NotRequired[str]


@with_config(STRICT)
class Build(TypedDict):
    git: BuildGit


@with_config(STRICT)
class ObjectRef(TypedDict):
    name: str


@with_config(STRICT)
class Gpu(TypedDict, total=False):
    type: GpuType
    count: Annotated[int, Field(ge=0)]


@with_config(STRICT)
class Resources(TypedDict, total=False):
    """Whole CPUs; memory and disk in gibibytes."""

    cpu: Annotated[int, Field(ge=0)]
    memory: Annotated[int, Field(ge=0)]
    disk: Annotated[int, Field(ge=0)]
    gpu: Gpu


@with_config(STRICT)
class Container(TypedDict, total=False):
    """What every kind runs: an image, or one built from git."""

    image: str
    build: Build
    command: list[str]
    env: dict[str, str]
    params: dict[str, int | str]
    resources: Resources


@with_config(STRICT)
class DatasetSpec(Container):
    pass


@with_config(STRICT)
class ModelSpec(Container, total=False):
    model: ObjectRef
    dataset: ObjectRef


@with_config(STRICT)
class ServerSpec(Container):
    model: ObjectRef


@with_config(STRICT)
class NotebookSpec(Container, total=False):
    model: ObjectRef
    dataset: ObjectRef
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
class Server(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Server"]
    metadata: ObjectMeta
    spec: ServerSpec


@with_config(STRICT)
class Notebook(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["Notebook"]
    metadata: ObjectMeta
    spec: NotebookSpec
