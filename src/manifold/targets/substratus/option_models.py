"""Options only Substratus has, under `substratus:` keys of the project language.

Substratus runs every object as one container: an image, or an image it builds from a git
repository, given `params`, which its controller writes as JSON to /content/params.json
(params_reconciler.go:36-52 and 78-100 at upstream 7352fb0; upstream's docs also promise
PARAM_<KEY> variables, which that controller never sets). Datasets and models are loaded by
such a container; these options say which. Other platforms ignore them.

The project language holds each block as a mapping (`manifold.models.blocks`): the target
names these models (`Target.options`), which check the blocks and give their editor schema.
"""

from __future__ import annotations

from typing import Literal, overload

from pydantic import Field, model_validator

from manifold.models.blocks import read_block
from manifold.models.common import Resources, Strict
from manifold.models.env import EnvVar
from manifold.models.lifecycle import Dataset, FineTune, Notebook
from manifold.models.project import Model, Service

ComputeType = Literal["CPU", "GPU"]


class GitBuild(Strict):
    url: str = Field(
        pattern=r"^https?://\S+$", description="The git repository to build from, https://..."
    )
    branch: str | None = Field(
        default=None, min_length=1, description="Branch to build; omit for the default branch."
    )
    tag: str | None = Field(
        default=None, min_length=1, description="Tag to build instead of a branch."
    )
    path: str | None = Field(
        default=None,
        min_length=1,
        description="Folder of the repository to build, where the Dockerfile is.",
    )

    @model_validator(mode="after")
    def _branch_or_tag(self) -> GitBuild:
        if self.branch is not None and self.tag is not None:
            raise ValueError("a build checks out a branch or a tag, not both")
        return self


class Build(Strict):
    """An image Substratus builds in the cluster."""

    git: GitBuild = Field(description="From a git repository (its Dockerfile).")


class SubstratusWorkload(Strict):
    """For services and notebooks."""

    build: Build | None = Field(
        default=None, description="Build the image from git instead of naming one."
    )
    params: dict[str, int | str] | None = Field(
        default=None,
        description="Parameters of the image, as JSON in /content/params.json (no variables).",
    )


class SubstratusLoader(SubstratusWorkload):
    """The container that loads a dataset or a model into Substratus."""

    image: str | None = Field(default=None, min_length=1, description="The loader's image.")
    command: list[str] | None = Field(
        default=None, description="Command of the loader, replacing the image's entrypoint."
    )
    env: list[EnvVar] | None = Field(
        default=None, description="Environment variables of the loader."
    )
    resources: Resources | None = Field(
        default=None, description="CPU, memory and GPUs of the loader."
    )


class SubstratusDataset(SubstratusLoader):
    filename: str | None = Field(
        default=None, min_length=1, description="API level v0.3: the file the loader writes."
    )


class SubstratusModel(SubstratusLoader):
    parameter_bits: int | None = Field(
        default=None, ge=1, description="API level v0.3: bits per parameter (16, 32...)."
    )
    compute: list[ComputeType] | None = Field(
        default=None,
        min_length=1,
        description=(
            "API level v0.3: the compute it runs on, preferred first (default: GPU when a "
            "service serving it asks for GPUs, else CPU)."
        ),
    )


class SubstratusFineTune(Strict):
    build: Build | None = Field(
        default=None, description="Build the trainer's image from git (API level v0.10)."
    )
    compute: list[ComputeType] | None = Field(
        default=None,
        min_length=1,
        description=(
            "API level v0.3: as a model's (default: GPU when a service serving it asks for "
            "GPUs, else its base model's)."
        ),
    )


SITE_MODELS: dict[str, type[Strict]] = {
    "model": SubstratusModel,
    "service": SubstratusWorkload,
    "notebook": SubstratusWorkload,
    "dataset": SubstratusDataset,
    "fineTune": SubstratusFineTune,
}
"""The model of each `substratus:` block, by the site the project language names
(`PlatformBlock("substratus", site)`): the target's `options`."""


@overload
def options_of(item: Model) -> SubstratusModel | None: ...
@overload
def options_of(item: Dataset) -> SubstratusDataset | None: ...
@overload
def options_of(item: FineTune) -> SubstratusFineTune | None: ...
@overload
def options_of(item: Service | Notebook) -> SubstratusWorkload | None: ...
def options_of(item: Model | Dataset | FineTune | Service | Notebook) -> Strict | None:
    """An entry's `substratus:` block read as its model, or None without one. The compiler
    checked the block when the file was read and merged (`manifold.compile.blocks`), so this
    does not fail: the renderer calls it once per entry and passes the result down."""
    return read_block(item, "substratus", SITE_MODELS)
