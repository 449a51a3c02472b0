"""Stage 5: references inside a project instance resolve, and names are unique.

Checks every platform needs; what only one platform refuses lives with its target.
"""

from __future__ import annotations

from collections.abc import Iterator

from manifold.diagnostics import Problem, Severity
from manifold.expand import ProjectInstance
from manifold.modelcheck import did_you_mean


def check_references(instance: ProjectInstance) -> Iterator[Problem]:
    spec = instance.spec
    for field, names in (
        ("models", [model.name for model in spec.models]),
        ("services", [service.name for service in spec.services]),
    ):
        first: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in first:
                yield Problem(
                    (field, index, "name"),
                    f"{field[:-1]} name {name!r} is already used by {field}[{first[name]}]",
                )
            first.setdefault(name, index)

    models = [model.name for model in spec.models]
    for index, service in enumerate(spec.services):
        if service.model not in models:
            yield Problem(
                ("services", index, "model"),
                f"service {service.name!r} serves model {service.model!r}, which this project "
                "does not define",
                hint=did_you_mean(service.model, models)
                or (f"models defined: {', '.join(models)}" if models else "add it under models"),
            )
        replicas = service.replicas
        if (
            service.autoscaling is not None
            and replicas is not None
            and replicas.min == replicas.max
        ):
            yield Problem(
                ("services", index, "autoscaling"),
                f"autoscaling has no room: replicas.min and replicas.max are both {replicas.max}",
                severity=Severity.WARNING,
            )
