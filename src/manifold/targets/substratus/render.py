"""A project in one environment -> Substratus objects at the environment's API level, with
what Substratus cannot say.

Datasets become Datasets; models and trained fine-tunes become Models (a fine-tune names
its base model and dataset); services become Servers (ModelServers at v0.3), serving their
model or the one fine-tune they adapt it with; notebooks become Notebooks. What the level
writes differently is in `v0_10`, `v0_3` and `v0_4`; the rules that hold at every
level are here. Checking and rendering are one pass: `check` keeps its problems, `render`
(called only when there are none) its objects.
"""

from __future__ import annotations

from collections.abc import Iterator

from manifold.compile.catalog import Catalog, find_model
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.models.project import InlineRuntime, Model, Service
from manifold.targets.substratus import v0_3, v0_4, v0_10
from manifold.targets.substratus.context import Context, Level
from manifold.targets.substratus.convert import cannot, unexpressed
from manifold.targets.substratus.option_models import options_of
from manifold.targets.substratus.settings import DEFAULT, SubstratusSettings

MODEL_FIELDS = (
    "source",
    "format",
    "framework",
    "architecture",
    "parameter_size",
    "quantization",
    "capabilities",
    "max_tokens",
    "vendor",
    "version",
    "display_name",
    "substratus",
    "scope",
    "disabled",
)
"""What a model may say: where it comes from, and descriptions Substratus does not record
(the value checks of scope and disabled are separate)."""

FINE_TUNE_FIELDS = (
    "base_model",
    "dataset",
    "training",
    "hyper_parameters",
    "source",
    "type",
    "configuration",
    "display_name",
    "version",
    "vendor",
    "disabled",
    "substratus",
)
"""A fine-tune's `source` (where other platforms write the weights) and descriptions are not
rendered: Substratus keeps the trained model in its own bucket."""

UNSUPPORTED_PROJECT_PARTS = {
    "runtimes": "serving runtimes (a server runs its own image)",
    "benchmarks": "benchmark jobs",
    "replications": "replication jobs",
    "pipelines": "inference graphs (pipelines)",
}


LEVEL_MODULES: dict[str, Level] = {"v0.3": v0_3, "v0.4.0": v0_4, "v0.10": v0_10}


def settings_of(environment: ResolvedEnvironment) -> SubstratusSettings:
    return environment.settings("substratus", SubstratusSettings) or DEFAULT


def context_of(
    owner: ProjectInstance | PlatformInstance,
    catalog: Catalog,
    project: ProjectInstance | None = None,
) -> Context:
    """An empty context for rendering `owner` at its environment's API level."""
    settings = settings_of(owner.environment)
    level = LEVEL_MODULES[settings.api_level]
    return Context(settings, catalog, owner.namespace, owner.name, owner.sources, level, project)


def project(instance: ProjectInstance, catalog: Catalog) -> Context:
    context = context_of(instance, catalog, instance)
    for part, concept in UNSUPPORTED_PROJECT_PARTS.items():
        for index, item in enumerate(getattr(instance.spec, part)):
            context.problems.append(
                Problem(
                    (part, index),
                    f"Substratus has no {concept}: {part[:-1]} {item.name!r} cannot be rendered",
                )
            )
    context.problems.extend(_model_names(instance))
    _datasets_and_models(instance, context)
    _fine_tunes(instance, context)
    _services(instance, context)
    _notebooks(instance, context)
    return context


def _datasets_and_models(instance: ProjectInstance, context: Context) -> None:
    level = context.level
    for index, dataset in enumerate(instance.spec.datasets):
        at: JsonPath = ("datasets", index)
        what = f"dataset {dataset.name!r}"
        context.problems.extend(unexpressed(dataset, at, ("source", "substratus"), what))
        context.add(
            "Dataset",
            dataset.name,
            level.dataset(dataset, options_of(dataset), at, context),
            "dataset",
            at,
        )
    for index, model in enumerate(instance.spec.models):
        at = ("models", index)
        context.problems.extend(model_problems(model, at))
        if model.scope == "cluster":
            context.problems.append(cannot(at, "scope", "scope", f"model {model.name!r}"))
        context.add(
            "Model", model.name, level.model(model, options_of(model), at, context), "model", at
        )


def _fine_tunes(instance: ProjectInstance, context: Context) -> None:
    problems = context.problems
    for index, fine_tune in enumerate(instance.spec.fine_tunes):
        at: JsonPath = ("fineTunes", index)
        what = f"fine-tune {fine_tune.name!r}"
        problems.extend(unexpressed(fine_tune, at, FINE_TUNE_FIELDS, what))
        if fine_tune.disabled:
            problems.append(cannot(at, "disabled", "disabled", what))
        if fine_tune.training is None:
            problems.append(
                Problem(
                    (*at, "training"),
                    f"Substratus makes a fine-tuned model by training it; {what} has no training",
                    hint="add training, or declare weights trained elsewhere as a model",
                )
            )
            continue
        problems.extend(_same_namespace(context, fine_tune.base_model, (*at, "baseModel"), what))
        body = context.level.fine_tune(
            fine_tune, options_of(fine_tune), fine_tune.training, at, context
        )
        context.add("Model", fine_tune.name, body, "training", at)


def _services(instance: ProjectInstance, context: Context) -> None:
    level = context.level
    for index, service in enumerate(instance.spec.services):
        at: JsonPath = ("services", index)
        served = served_model(service, at, context.problems)
        what = f"service {service.name!r}"
        context.problems.extend(_service_problems(service, at, level.SERVICE_FIELDS))
        if served == service.model:
            context.problems.extend(_same_namespace(context, served, (*at, "model"), what))
        body = level.server(service, options_of(service), served, at, context)
        context.add(level.SERVER_KIND, service.name, body, "server", at)


def _notebooks(instance: ProjectInstance, context: Context) -> None:
    level = context.level
    for index, notebook in enumerate(instance.spec.notebooks):
        at: JsonPath = ("notebooks", index)
        what = f"notebook {notebook.name!r}"
        context.problems.extend(unexpressed(notebook, at, level.NOTEBOOK_FIELDS, what))
        if notebook.model is not None:
            context.problems.extend(_same_namespace(context, notebook.model, (*at, "model"), what))
        body = level.notebook(notebook, options_of(notebook), at, context)
        context.add("Notebook", notebook.name, body, "notebook", at)


def model_problems(model: Model, at: JsonPath) -> Iterator[Problem]:
    what = f"model {model.name!r}"
    yield from unexpressed(model, at, MODEL_FIELDS, what)
    if model.disabled:
        yield cannot(at, "disabled", "disabled", what)


def _model_names(instance: ProjectInstance) -> Iterator[Problem]:
    """Models and fine-tunes are both Substratus Models: their names must differ."""
    models = {model.name for model in instance.spec.models}
    for index, fine_tune in enumerate(instance.spec.fine_tunes):
        if fine_tune.name in models:
            yield Problem(
                ("fineTunes", index, "name"),
                f"fine-tune {fine_tune.name!r} has the name of a model; on Substratus both are "
                "Models, whose names must differ",
            )


def served_model(service: Service, at: JsonPath, problems: list[Problem]) -> str:
    """A Substratus server serves one Model: the service's model, or the fine-tune of it
    that the service adapts it with."""
    adapters = service.adapters or []
    if len(adapters) > 1:
        problems.append(
            Problem(
                (*at, "adapters"),
                f"a Substratus server serves one model: service {service.name!r} cannot serve "
                f"{len(adapters)} fine-tunes",
                hint="serve each fine-tune from a service of its own",
            )
        )
    return adapters[0] if adapters else service.model


def _service_problems(
    service: Service, at: JsonPath, supported: tuple[str, ...]
) -> Iterator[Problem]:
    what = f"service {service.name!r}"
    yield from unexpressed(service, at, (*supported, "model", "adapters", "replicas"), what)
    replicas = service.replicas
    if replicas is not None and (replicas.min, replicas.max) != (1, 1):
        yield cannot(at, "replicas", "replicas", what)
    runtime = service.runtime
    if runtime is not None and not isinstance(runtime, InlineRuntime):
        yield Problem(
            (*at, "runtime"),
            "Substratus has no serving runtimes to refer to: a server runs its own image",
            hint="give the service an image, or a runtime written inline ({image: ...})",
        )


def _same_namespace(context: Context, name: str, at: JsonPath, what: str) -> Iterator[Problem]:
    """Substratus finds a Model by name in the namespace of what refers to it."""
    if context.project is None:
        return
    found = find_model(context.project, context.catalog, name)
    platform = context.catalog.platform("substratus")
    if found is None or not found.shared or platform is None:
        return
    if platform.namespace != context.namespace:
        yield Problem(
            at,
            f"{what} uses the platform's model {name!r}, which is in namespace "
            f"{platform.namespace!r}; Substratus looks models up in the namespace of what "
            f"uses them ({context.namespace!r})",
            hint="define the model in this project, or render the project into the "
            "platform's namespace",
        )
