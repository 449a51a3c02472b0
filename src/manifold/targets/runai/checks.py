"""What a project asks for that Run:ai cannot do, checked before anything is rendered.

Per service, `render.request` reports what has no Run:ai form while it builds the request.
Here: the environment must say where Run:ai is, the models served must be ones the container
can load, and a project's (or a platform file's) other kinds have no Run:ai form. The API's own
rules (autoscaling needs a metric, GPU shares need a request type...) are checked on the
rendered request by `rules`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifold.compile.catalog import Catalog, find_model
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.project import Model
from manifold.targets.runai import kinds
from manifold.targets.runai.fields import PASSED_THROUGH
from manifold.targets.runai.render import request, settings_of

PROJECT_FIELDS = ("platform", "models", "services", "runtimes")
"""What a Run:ai project may hold: inference and what it needs."""
PLATFORM_FIELDS = ("platform", "namespace", "models", "servingRuntimes", "gpuTypes")
"""What a Run:ai platform file may hold: shared models, runtimes and GPU types services
refer to."""


def check(
    instance: ProjectInstance,
    catalog: Catalog,
    requests: list[kinds.InferenceCreationRequest | None] | None = None,
) -> Iterator[Problem]:
    """What Run:ai cannot do with the project; each service's request, built on the way,
    appended to `requests` when given (the render takes them from there)."""
    if settings_of(instance) is None:
        files = " or ".join(instance.environment.source_paths)
        yield Problem(
            ("platform",),
            f"environment {instance.environment.name!r} has no Run:ai settings: add "
            f"spec.platforms.runai (baseUrl, clusterId, projectId) to {files}",
        )
    yield from _inference_only(instance.data, PROJECT_FIELDS)
    for index, service in enumerate(instance.spec.services):
        found = find_model(instance, catalog, service.model)
        if found is not None:
            model_path: JsonPath = (
                ("services", index, "model")
                if found.shared
                else ("models", instance.spec.models.index(found.item))
            )
            yield from _model(found.item, model_path, at_reference=found.shared)
        body, problems = request(instance, catalog, index, service)
        if requests is not None:
            requests.append(body)
        yield from problems


def check_platform(platform: PlatformInstance) -> Iterator[Problem]:
    yield from _inference_only(platform.data, PLATFORM_FIELDS)


def _inference_only(data: dict[str, Any], allowed: tuple[str, ...]) -> Iterator[Problem]:
    for field, value in data.items():
        if field not in allowed and value not in (None, [], {}):
            yield Problem(
                (field,),
                f"Run:ai runs inference workloads only: {field} has no Run:ai form here",
                at_key=True,
            )


def _model(model: Model, path: JsonPath, *, at_reference: bool) -> Iterator[Problem]:
    scheme = model.source.partition("://")[0]
    source = path if at_reference else (*path, "source")
    if scheme == "pvc" and ":" in model.source.removeprefix("pvc://").split("/", 1)[0]:
        yield Problem(
            source,
            "Run:ai mounts claims of the workload's own project: pvc://<claim>/<path>, "
            "without '<namespace>:'",
        )
    elif scheme not in ("hf", "pvc") and not model.source.startswith(PASSED_THROUGH):
        yield Problem(
            source,
            f"Run:ai has no model store: the serving container loads model {model.name!r} "
            f"itself, from hf://, pvc://, s3://, gs:// or az://, not {scheme}://",
        )
    if model.storage is not None:
        yield Problem(
            path if at_reference else (*path, "storage"),
            f"model {model.name!r} has storage settings (downloads by OME's model agent); on "
            "Run:ai the serving container downloads the model itself",
            hint="remove storage (credentials go in the service's env)",
        )
