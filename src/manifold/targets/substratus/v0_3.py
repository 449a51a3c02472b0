"""Specs at API level v0.3 (upstream commit 6b44ff0, which seed 001 documents): a Dataset
names the file its loader (built from git) writes; a Model is built from git or trained from
another Model on a Dataset, and gives its size and the compute it runs on; a ModelServer and
a Notebook name their Model. Nothing runs an image of its own, so nothing has a command,
variables, parameters or resources."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from manifold.compile.catalog import find_model
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.lifecycle import Dataset, FineTune, Notebook, Training
from manifold.models.project import InlineRuntime, Model, Service
from manifold.targets.substratus import kinds_v03 as kinds
from manifold.targets.substratus.convert import branch_build, other_level, unexpressed
from manifold.targets.substratus.option_models import (
    SubstratusDataset,
    SubstratusFineTune,
    SubstratusModel,
    SubstratusWorkload,
    options_of,
)

if TYPE_CHECKING:
    from manifold.targets.substratus.context import Context

SERVER_KIND = "ModelServer"
RUNS_ITS_MODEL = ("image", "command", "args", "env")
SERVICE_FIELDS = (*RUNS_ITS_MODEL, "runtime", "resources", "substratus")
NOTEBOOK_FIELDS = (*RUNS_ITS_MODEL, "resources", "model", "dataset", "suspend", "substratus")
LOADER_OPTIONS = ("image", "command", "env", "params", "resources")
_SIZES = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


def _runs_its_model(
    item: Any, at: JsonPath, fields: tuple[str, ...], what: str
) -> Iterator[Problem]:
    """At this level a server, a notebook or a training runs its Model's own image."""
    for field in fields:
        if getattr(item, field, None):
            alias = type(item).model_fields[field].alias or field
            yield Problem(
                (*at, alias),
                f"at Substratus API level v0.3, {what} runs the image built for its model: "
                f"{alias} cannot be given",
                hint="remove it, or render for API level v0.10 (spec.platforms.substratus)",
            )


def dataset(
    item: Dataset, options: SubstratusDataset | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    options_at = (*at, "substratus")
    problems = context.problems
    if options is not None:
        other_level(options, options_at, LOADER_OPTIONS, "v0.10", problems)
    if options is None or options.filename is None:
        problems.append(
            Problem(
                options_at if options is not None else at,
                f"at Substratus API level v0.3 a Dataset names the file its loader writes: "
                f"give dataset {item.name!r} substratus.filename",
            )
        )
        return {}
    spec: kinds.DatasetSpec = {"filename": options.filename}
    if options.build is not None:
        git = branch_build(options.build, options_at, "v0.3", problems)
        spec["source"] = {"git": cast(kinds.GitSource, git)}
    return dict(spec)


def parameter_count(size: str) -> int:
    """ "125M" -> 125000000."""
    return int(Decimal(size[:-1]) * _SIZES[size[-1]])


def _size(item: Model, options: SubstratusModel | None) -> kinds.ModelSize:
    size: kinds.ModelSize = {}
    if options is not None and options.parameter_bits is not None:
        size["parameterBits"] = options.parameter_bits
    if item.parameter_size is not None:
        size["parameterCount"] = parameter_count(item.parameter_size)
    return size


def model(
    item: Model, options: SubstratusModel | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    options_at = (*at, "substratus")
    problems = context.problems
    source: kinds.ModelSource = {}
    if options is not None:
        other_level(options, options_at, LOADER_OPTIONS, "v0.10", problems)
    if options is not None and options.build is not None:
        source["git"] = cast(
            kinds.GitSource, branch_build(options.build, options_at, "v0.3", problems)
        )
    else:
        problems.append(
            Problem(
                (*at, "source"),
                f"at Substratus API level v0.3 models are built from git: give model "
                f"{item.name!r} substratus.build.git",
            )
        )
    if item.parameter_size is None:
        problems.append(
            Problem(
                (*at, "parameterSize"),
                f"at Substratus API level v0.3 a Model gives its size: give model {item.name!r} "
                "parameterSize (and substratus.parameterBits)",
            )
        )
    spec: kinds.ModelSpec = {
        "source": source,
        "size": _size(item, options),
        "compute": {"types": compute(item.name, options.compute if options else None, context)},
    }
    return dict(spec)


def compute(
    name: str, given: list[Any] | None, context: Context, otherwise: list[Any] | None = None
) -> list[Any]:
    """The compute a Model runs on: as given; else GPU when a service serving it asks for
    GPUs; else `otherwise` (a fine-tune: its base model's), or CPU."""
    if given:
        return list(given)
    project = context.project
    own = project is not None and (
        any(model.name == name for model in project.spec.models)
        or any(fine_tune.name == name for fine_tune in project.spec.fine_tunes)
    )
    # A project's own models serve only its services; a platform model, its namespace's.
    users = [project] if own and project is not None else context.catalog.all_projects()
    for instance in users:
        if instance.spec.platform != "substratus" or instance.namespace != context.namespace:
            continue
        for service in instance.spec.services:
            served = (service.adapters or [service.model])[0]
            gpu = service.resources.gpu if service.resources else None
            if served == name and gpu is not None and gpu.count > 0:
                return ["GPU"]
    return list(otherwise or ["CPU"])


def fine_tune(
    item: FineTune,
    options: SubstratusFineTune | None,
    training: Training,
    at: JsonPath,
    context: Context,
) -> dict[str, Any]:
    what = f"the training of fine-tune {item.name!r}"
    training_at = (*at, "training")
    problems = context.problems
    fields = ("runtime", "image", "command", "args", "env", "resources")
    problems.extend(_runs_its_model(training, training_at, fields, what))
    problems.extend(unexpressed(training, training_at, fields, what))
    if options is not None:
        other_level(options, (*at, "substratus"), ("build",), "v0.10", problems)
    params: dict[str, int] = {}
    for key, value in (item.hyper_parameters or {}).items():
        if key in kinds.TRAINING_PARAMS and isinstance(value, int) and not isinstance(value, bool):
            params[key] = value
        else:
            problems.append(
                Problem(
                    (*at, "hyperParameters", key),
                    f"at Substratus API level v0.3 training takes the whole numbers "
                    f"{', '.join(kinds.TRAINING_PARAMS)}; {key!r} cannot be passed",
                )
            )
    assert item.dataset is not None and context.project is not None  # with training, a dataset
    found = find_model(context.project, context.catalog, item.base_model)
    base = found.item if found is not None else None
    base_options = options_of(base) if base is not None else None
    base_compute = compute(item.base_model, base_options.compute if base_options else None, context)
    spec: kinds.ModelSpec = {
        "source": {"modelName": item.base_model},
        "training": {"datasetName": item.dataset, "params": cast(kinds.TrainingParams, params)},
        "size": _size(base, base_options) if base is not None else {},
        "compute": {
            "types": compute(item.name, options.compute if options else None, context, base_compute)
        },
    }
    return dict(spec)


def server(
    service: Service,
    options: SubstratusWorkload | None,
    served: str,
    at: JsonPath,
    context: Context,
) -> dict[str, Any]:
    what = f"service {service.name!r}"
    problems = context.problems
    fields: tuple[str, ...] = RUNS_ITS_MODEL
    if isinstance(service.runtime, InlineRuntime):  # (one by name is refused at every level)
        fields = (*RUNS_ITS_MODEL, "runtime")
    problems.extend(_runs_its_model(service, at, fields, what))
    if options is not None:
        other_level(options, (*at, "substratus"), ("build", "params"), "v0.10", problems)
    resources = service.resources
    if resources is not None:
        resources_at = (*at, "resources")
        extra = resources.model_fields_set - {"gpu"}
        gpu = resources.gpu
        if gpu is not None and (gpu.type is not None or gpu.resource != "nvidia.com/gpu"):
            extra.add("gpu")
        for field in sorted(extra):
            alias = type(resources).model_fields[field].alias or field
            problems.append(
                Problem(
                    (*resources_at, alias),
                    f"at Substratus API level v0.3 a ModelServer has no resources; {what} "
                    "may only ask for GPUs (gpu.count), which make its model's compute GPU",
                )
            )
    spec: kinds.ModelServerSpec = {"modelName": served}
    return dict(spec)


def notebook(
    item: Notebook, options: SubstratusWorkload | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    what = f"notebook {item.name!r}"
    problems = context.problems
    problems.extend(_runs_its_model(item, at, (*RUNS_ITS_MODEL, "resources"), what))
    if item.dataset is not None:
        problems.append(
            Problem(
                (*at, "dataset"),
                f"at Substratus API level v0.3 a Notebook opens a model, not a dataset ({what})",
            )
        )
    if options is not None:
        other_level(options, (*at, "substratus"), ("build", "params"), "v0.10", problems)
    spec: kinds.NotebookSpec = {}
    if item.model is not None:
        spec["modelName"] = item.model
    if item.suspend is not None:
        spec["suspend"] = item.suspend
    return dict(spec)
