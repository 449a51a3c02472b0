"""Specs at API level v0.4.0 (tag v0.4.0-alpha): a ModelServer runs an image given as
`image.name`, or built from `image.git`, with a command and resources, and serves `model`.
manifold knows only this kind of that release: the models it serves are declared in the
platform file with `external: true`, and datasets, models, fine-tunes and notebooks are
refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.lifecycle import Dataset, FineTune, Notebook, Training
from manifold.models.project import Model, Service
from manifold.targets.substratus import kinds_v040 as kinds
from manifold.targets.substratus.convert import branch_build, other_level
from manifold.targets.substratus.option_models import (
    SubstratusDataset,
    SubstratusFineTune,
    SubstratusModel,
    SubstratusWorkload,
)
from manifold.targets.substratus.v0_10 import CONTAINER_FIELDS, container, server_parts

if TYPE_CHECKING:
    from manifold.targets.substratus.context import Context

SERVER_KIND = "ModelServer"
SERVICE_FIELDS = (*CONTAINER_FIELDS, "runtime")
NOTEBOOK_FIELDS = CONTAINER_FIELDS


def _unknown(what: str, at: JsonPath, context: Context) -> dict[str, Any]:
    context.problems.append(
        Problem(
            at,
            f"manifold knows only the ModelServer of Substratus API level v0.4.0, not its "
            f"other kinds: {what} cannot be rendered",
            hint="declare the models servers use in the platform file with external: true",
        )
    )
    return {}


def dataset(
    item: Dataset, options: SubstratusDataset | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    return _unknown(f"dataset {item.name!r}", at, context)


def model(
    item: Model, options: SubstratusModel | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    return _unknown(f"model {item.name!r}", at, context)


def fine_tune(
    item: FineTune,
    options: SubstratusFineTune | None,
    training: Training,
    at: JsonPath,
    context: Context,
) -> dict[str, Any]:
    return _unknown(f"fine-tune {item.name!r}", at, context)


def notebook(
    item: Notebook, options: SubstratusWorkload | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    return _unknown(f"notebook {item.name!r}", at, context)


def server(
    service: Service,
    options: SubstratusWorkload | None,
    served: str,
    at: JsonPath,
    context: Context,
) -> dict[str, Any]:
    what = f"service {service.name!r}"
    problems = context.problems
    parts = server_parts(service, at, context)
    for part in parts:
        if part.env:
            problems.append(
                Problem(
                    (*part.at, "env"),
                    f"a ModelServer of API level v0.4.0 has no variables; {what} cannot set env",
                )
            )
    options_at = (*at, "substratus")
    if options is not None:
        other_level(options, options_at, ("params",), "v0.10", problems)
    build = options.build if options else None
    runs = container(parts, build, None, options_at, problems, what)
    image: kinds.Image = {}
    if "image" in runs:
        image["name"] = runs["image"]
    elif build is not None:
        git = branch_build(build, options_at, "v0.4.0", problems)
        image["git"] = cast(kinds.ImageGit, git)
    else:
        problems.append(
            Problem(
                at,
                f"a ModelServer runs an image: give {what} an image (its own, or an inline "
                "runtime's) or substratus.build",
            )
        )
    spec: dict[str, Any] = {}
    if "command" in runs:
        spec["command"] = runs["command"]
    spec["image"] = image
    spec["model"] = {"name": served}
    if "resources" in runs:
        spec["resources"] = runs["resources"]
    return spec
