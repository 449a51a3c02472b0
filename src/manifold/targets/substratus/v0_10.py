"""Specs at API level v0.10: every kind runs one container, from `image` or built from git
(`build`), with `command`, `env`, `params` and `resources`; a Model names its base `model`
and `dataset`, a Server its `model`, a Notebook both and whether it is `suspend`ed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from manifold.compile.catalog import find_training_runtime
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.common import Resources
from manifold.models.env import EnvVar
from manifold.models.lifecycle import Dataset, FineTune, Notebook, Training
from manifold.models.project import InlineRuntime, Model, Service
from manifold.models.runtimes import TrainingRuntime
from manifold.targets.defaults import below_runtime, own_resources
from manifold.targets.given import put_given
from manifold.targets.substratus import controller, convert, kinds
from manifold.targets.substratus.convert import other_level, unexpressed
from manifold.targets.substratus.option_models import (
    Build,
    SubstratusDataset,
    SubstratusFineTune,
    SubstratusLoader,
    SubstratusModel,
    SubstratusWorkload,
)

if TYPE_CHECKING:
    from manifold.targets.substratus.context import Context

SERVER_KIND = "Server"
CONTAINER_FIELDS = ("image", "command", "args", "env", "resources", "substratus")
SERVICE_FIELDS = (*CONTAINER_FIELDS, "runtime")
NOTEBOOK_FIELDS = (*CONTAINER_FIELDS, "model", "dataset", "suspend")
TRAINING_FIELDS = ("runtime", "image", "command", "args", "env", "resources", "nodes")
SERVER_PORT = 8080
"""Where Substratus sends a Server's requests."""


@dataclass(frozen=True)
class Part:
    """Container fields written at one place of the spec; later parts override earlier."""

    at: JsonPath
    image: str | None = None
    command: list[str] | None = None
    args: list[str] | None = None
    env: list[EnvVar] | None = None
    resources: Resources | None = None

    @classmethod
    def of(cls, item: Any, at: JsonPath) -> Part:
        return cls(
            at,
            getattr(item, "image", None),
            getattr(item, "command", None),
            getattr(item, "args", None),
            getattr(item, "env", None),
            getattr(item, "resources", None),
        )


def container(
    parts: Sequence[Part],
    build: Build | None,
    params: dict[str, int | str] | None,
    options_at: JsonPath,
    problems: list[Problem],
    what: str,
    cloud: str | None = None,
) -> kinds.Container:
    """One container from its parts: the last image, command, args and resources given, the
    variables of all; the command and its args are one list, as Substratus runs it."""
    spec: kinds.Container = {}
    image = next((part.image for part in reversed(parts) if part.image is not None), None)
    if image is not None and build is not None:
        problems.append(
            Problem(
                (*options_at, "build"),
                f"Substratus runs an image or builds one: {what} has both an image and a build",
                hint="remove one of them",
            )
        )
    if image is not None:
        spec["image"] = image
    elif build is not None:
        spec["build"] = _build(build)
    command = next((part for part in reversed(parts) if part.command is not None), None)
    args = next((part for part in reversed(parts) if part.args is not None), None)
    if args is not None and args.args and (command is None or not command.command):
        problems.append(
            Problem(
                (*args.at, "args"),
                "Substratus runs a command as written and has no args to add to an image's own "
                "command: write the whole command line in command",
            )
        )
    elif command is not None and command.command:
        spec["command"] = [*command.command, *((args.args or []) if args else [])]
    env: dict[str, str] = {}
    for part in parts:
        env.update(convert.env(part.env or (), (*part.at, "env"), problems))
    if env:
        spec["env"] = env
    if params:
        spec["params"] = dict(params)
    if resources := _merged_resources(parts, problems, what, cloud):
        spec["resources"] = resources
    return spec


RESOURCE_FIELDS = ("cpu", "memory", "ephemeral_storage", "gpu", "requests", "limits")


def _merged_resources(
    parts: Sequence[Part], problems: list[Problem], what: str, cloud: str | None
) -> kinds.Resources:
    """Resources merge field by field, the last part that gives a field winning: a training
    that asks only for a GPU keeps its runtime's cpu, memory and disk. Each field is
    converted (and its problems reported) where the winning part wrote it."""
    winners: dict[int, set[str]] = {}
    for field in RESOURCE_FIELDS:
        for index in reversed(range(len(parts))):
            given = parts[index].resources
            if given is not None and getattr(given, field) is not None:
                winners.setdefault(index, set()).add(field)
                break
    merged: kinds.Resources = {}
    for index, fields in sorted(winners.items()):
        given = parts[index].resources
        assert given is not None
        own = given.model_copy(update={f: None for f in RESOURCE_FIELDS if f not in fields})
        at = (*parts[index].at, "resources")
        merged.update(convert.resources(own, at, problems, what, cloud))
    ordered: kinds.Resources = {}  # in the order one part's resources are written
    if "cpu" in merged:
        ordered["cpu"] = merged["cpu"]
    if "memory" in merged:
        ordered["memory"] = merged["memory"]
    if "disk" in merged:
        ordered["disk"] = merged["disk"]
    if "gpu" in merged:
        ordered["gpu"] = merged["gpu"]
    return ordered


def _build(build: Build) -> kinds.Build:
    git: kinds.BuildGit = {"url": build.git.url}
    put_given(
        git,
        {
            "branch": build.git.branch,
            "tag": build.git.tag,
            "path": build.git.path,
        },
    )
    return {"git": git}


def _runs_something(spec: kinds.Container, at: JsonPath, message: str, context: Context) -> None:
    if "image" not in spec and "build" not in spec:
        context.problems.append(Problem(at, message))


def _ordered(spec: kinds.Container, **references: Any) -> dict[str, Any]:
    """The spec's keys in the order Substratus's examples write them: what runs, what it
    works on, then its settings."""
    head = {key: value for key, value in spec.items() if key in ("image", "build", "command")}
    tail = {key: value for key, value in spec.items() if key not in head}
    return {**head, **{k: v for k, v in references.items() if v is not None}, **tail}


def _reference(name: str | None) -> kinds.ObjectRef | None:
    return {"name": name} if name is not None else None


# --------------------------------------------------------------------------- kinds


def _loader(
    options: SubstratusLoader | None, at: JsonPath, context: Context, what: str
) -> kinds.Container:
    if options is None:
        return {}
    options_at = (*at, "substratus")
    return container(
        [Part.of(options, options_at)],
        options.build,
        options.params,
        options_at,
        context.problems,
        what,
        context.settings.cloud,
    )


def dataset(
    item: Dataset, options: SubstratusDataset | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    what = f"dataset {item.name!r}"
    spec = _loader(options, at, context, what)
    if options is not None:
        other_level(options, (*at, "substratus"), ("filename",), "v0.3", context.problems)
    _runs_something(
        spec,
        at,
        f"Substratus loads {what} with a container: give substratus.image or substratus.build",
        context,
    )
    return _ordered(spec)


def model(
    item: Model, options: SubstratusModel | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    what = f"model {item.name!r}"
    spec = _loader(options, at, context, what)
    if options is not None:
        options_at = (*at, "substratus")
        v03_only = ("parameter_bits", "compute")
        other_level(options, options_at, v03_only, "v0.3", context.problems)
    if "image" not in spec and "build" not in spec:
        if item.source.startswith("hf://"):
            repository = item.source.removeprefix("hf://")
            spec = {
                **spec,
                "image": context.settings.model_loader,
                "params": {"name": repository, **spec.get("params", {})},
            }
        else:
            scheme = item.source.partition("://")[0]
            context.problems.append(
                Problem(
                    (*at, "source"),
                    f"Substratus loads {what} with a container; manifold knows the loader of "
                    f"hf:// sources, not of {scheme}://",
                    hint="give substratus.image (or substratus.build) and its params",
                )
            )
    return _ordered(spec)


def fine_tune(
    item: FineTune,
    options: SubstratusFineTune | None,
    training: Training,
    at: JsonPath,
    context: Context,
) -> dict[str, Any]:
    what = f"fine-tune {item.name!r}"
    training_at = (*at, "training")
    problems = context.problems
    problems.extend(unexpressed(training, training_at, TRAINING_FIELDS, what))
    if training.nodes is not None and training.nodes > 1:
        problems.append(convert.cannot(training_at, "nodes", "nodes", what))
    references = {"model": _reference(item.base_model), "dataset": _reference(item.dataset)}
    parts = []
    if training.runtime is not None:
        trainer = _trainer(training, training_at, context, what)
        if trainer is None:
            return references  # what the trainer lacks is reported at the runtime
        parts.append(trainer)
    parts.append(Part.of(training, training_at))
    options_at = (*at, "substratus")
    if options is not None:
        other_level(options, options_at, ("compute",), "v0.3", problems)
    params = convert.params(item.hyper_parameters or {}, (*at, "hyperParameters"), problems)
    build = options.build if options else None
    cloud = context.settings.cloud
    spec = container(parts, build, params, options_at, problems, what, cloud)
    _runs_something(
        spec,
        training_at,
        f"Substratus trains {what} in a container: give training.image, a training runtime "
        "with one, or substratus.build",
        context,
    )
    return _ordered(spec, **references)


def _trainer(training: Training, at: JsonPath, context: Context, what: str) -> Part | None:
    """A training runtime's one container, as the trainer Substratus runs (Substratus has no
    runtimes to refer to: their trainer is written into the Model)."""
    reference = training.runtime
    assert reference is not None and context.project is not None
    found = find_training_runtime(context.project, context.catalog, reference)
    name = reference if isinstance(reference, str) else reference.ref
    if found is None:
        context.problems.append(
            Problem(
                (*at, "runtime"),
                f"Substratus writes the trainer into the Model, so {what} needs the definition "
                f"of training runtime {name!r}, which neither this project nor the platform has",
                hint="define it under trainingRuntimes, or give training.image instead",
            )
        )
        return None
    runtime: TrainingRuntime = found.item
    if found.shared:
        runtime_at: JsonPath = (*at, "runtime")
    else:
        index = next(
            i for i, r in enumerate(context.project.spec.training_runtimes) if r is runtime
        )
        runtime_at = ("trainingRuntimes", index)
    problems = context.problems
    runtime_what = f"training runtime {name!r}"
    supported = ("nodes", "jobs", "scope", "external")
    problems.extend(unexpressed(runtime, runtime_at, supported, runtime_what))
    if runtime.nodes is not None and runtime.nodes > 1:
        problems.append(convert.cannot(runtime_at, "nodes", "nodes", runtime_what))
    containers = [container for job in runtime.jobs for container in job.containers]
    if len(containers) != 1:
        problems.append(
            Problem(
                (*runtime_at, "jobs"),
                f"Substratus trains in one container; {runtime_what} runs {len(containers)}",
            )
        )
        return None
    job_at: JsonPath = (*runtime_at, "jobs", 0)
    job = runtime.jobs[0]
    problems.extend(unexpressed(job, job_at, ("containers",), runtime_what))
    container_at: JsonPath = (*job_at, "containers", 0)
    problems.extend(unexpressed(containers[0], container_at, CONTAINER_FIELDS, runtime_what))
    return Part.of(containers[0], container_at)


def server_parts(service: Service, at: JsonPath, context: Context) -> list[Part]:
    """What a server runs: its inline runtime's container, overridden by its own fields."""
    parts = []
    runtime = service.runtime
    if isinstance(runtime, InlineRuntime):
        runtime_at = (*at, "runtime")
        if runtime.port is not None and runtime.port != SERVER_PORT:
            what = f"service {service.name!r}"
            context.problems.append(convert.cannot(runtime_at, "port", "port", what))
        parts.append(Part.of(runtime, runtime_at))
        resources = service.resources
        if context.project is not None:  # environment defaults give none without one
            own = own_resources(context.project, service.name)
            resources = below_runtime(resources, own, runtime.resources)
        parts.append(replace(Part.of(service, at), resources=resources))
        return parts
    parts.append(Part.of(service, at))
    return parts


def _workload(
    parts: list[Part], options: SubstratusWorkload | None, at: JsonPath, context: Context, what: str
) -> kinds.Container:
    """A server's or a notebook's container, which must run an image."""
    spec = container(
        parts,
        options.build if options else None,
        options.params if options else None,
        (*at, "substratus"),
        context.problems,
        what,
        context.settings.cloud,
    )
    _runs_something(
        spec, at, f"Substratus runs {what} from an image: give it one, or substratus.build", context
    )
    return spec


def server(
    service: Service,
    options: SubstratusWorkload | None,
    served: str,
    at: JsonPath,
    context: Context,
) -> dict[str, Any]:
    what = f"service {service.name!r}"
    spec = _workload(server_parts(service, at, context), options, at, context, what)
    return _ordered(spec, model={"name": served})


def notebook(
    item: Notebook, options: SubstratusWorkload | None, at: JsonPath, context: Context
) -> dict[str, Any]:
    what = f"notebook {item.name!r}"
    spec = _workload([Part.of(item, at)], options, at, context, what)
    context.problems.extend(controller.notebook_token(item.env or (), (*at, "env")))
    result = _ordered(spec, model=_reference(item.model), dataset=_reference(item.dataset))
    if item.suspend is not None:
        result["suspend"] = item.suspend
    return result
