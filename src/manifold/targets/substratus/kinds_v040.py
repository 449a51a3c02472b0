"""Substratus's ModelServer at API level v0.4.0 (tag v0.4.0-alpha, the last release before
ModelServer became Server): its image is an object naming an image or a git repository to
build. The Dataset, Model and Notebook of that release are not known to manifold."""

from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import with_config
from typing_extensions import TypedDict

from manifold.targets.kubernetes import STRICT, ObjectMeta
from manifold.targets.substratus.kinds import ApiVersion, ObjectRef, Resources


@with_config(STRICT)
class ImageGit(TypedDict):
    url: str
    branch: NotRequired[str]
    path: NotRequired[str]


@with_config(STRICT)
class Image(TypedDict, total=False):
    name: str
    git: ImageGit


@with_config(STRICT)
class ModelServerSpec(TypedDict):
    image: Image
    command: NotRequired[list[str]]
    model: ObjectRef
    resources: NotRequired[Resources]


@with_config(STRICT)
class ModelServer(TypedDict):
    apiVersion: ApiVersion
    kind: Literal["ModelServer"]
    metadata: ObjectMeta
    spec: ModelServerSpec
