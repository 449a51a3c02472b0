"""A platform file in one environment -> its models as Substratus Models in the platform's
namespace. Its training runtimes are definitions projects' fine-tunes take their trainer
from; Substratus has nothing for the rest of a platform file (serving runtimes, tenancy,
capacity), and its accelerator classes can only name the GPU types Substratus knows."""

from __future__ import annotations

from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance
from manifold.core.diagnostics import Problem
from manifold.targets.substratus.context import Context
from manifold.targets.substratus.convert import unexpressed
from manifold.targets.substratus.kinds import GPU_TYPES
from manifold.targets.substratus.option_models import options_of
from manifold.targets.substratus.render import MODEL_FIELDS, context_of

UNSUPPORTED = {
    ("servingRuntimes",): "serving runtimes (a server runs its own image)",
    ("tenancy", "organizations"): "tenancy (organizations)",
    ("tenancy", "projects"): "tenancy (projects)",
    ("tenancy", "users"): "tenancy (users)",
    ("tenancy", "serviceAccounts"): "tenancy (service accounts)",
    ("tenancy", "rateLimits"): "rate limits",
    ("capacity", "profiles"): "dedicated cluster profiles",
    ("capacity", "dedicatedClusters"): "dedicated clusters",
    ("capacity", "reservations"): "capacity reservations",
}


def platform(instance: PlatformInstance, catalog: Catalog) -> Context:
    context = context_of(instance, catalog)
    problems = context.problems
    for path, concept in UNSUPPORTED.items():
        node: Any = instance.data
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
        for index, _ in enumerate(node if isinstance(node, list) else ()):
            problems.append(
                Problem((*path, index), f"Substratus has no {concept}: this cannot be rendered")
            )
    v03 = context.settings.api_level == "v0.3"
    for index, accelerator in enumerate(instance.spec.accelerator_classes):
        at = ("acceleratorClasses", index)
        if v03 or accelerator.name not in GPU_TYPES:
            known = (
                "no GPU types (a Model's compute is CPU or GPU)" if v03 else ", ".join(GPU_TYPES)
            )
            problems.append(
                Problem(
                    (*at, "name"),
                    f"accelerator class {accelerator.name!r} is not a GPU type of Substratus, "
                    f"which knows {known}",
                )
            )
        elif not accelerator.external:
            problems.append(
                Problem(
                    at,
                    f"Substratus's GPU types are built into its controller: accelerator class "
                    f"{accelerator.name!r} names one the cluster has and is not rendered",
                    hint="mark it external: true",
                )
            )
    for index, model in enumerate(instance.spec.models):
        at = ("models", index)
        what = f"model {model.name!r}"
        problems.extend(unexpressed(model, at, (*MODEL_FIELDS, "external"), what))
        if not model.external:
            context.add(
                "Model",
                model.name,
                context.level.model(model, options_of(model), at, context),
                "model",
                at,
            )
    return context
