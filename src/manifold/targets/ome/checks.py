"""What OME itself would refuse, checked before anything is rendered."""

from __future__ import annotations

from collections.abc import Iterator

from manifold.diagnostics import Problem
from manifold.expand import ProjectInstance
from manifold.models.project import InlineRuntime


def check(instance: ProjectInstance) -> Iterator[Problem]:
    models = {model.name: model for model in instance.spec.models}
    for index, declared in enumerate(instance.spec.models):
        if declared.source.startswith("pvc://"):
            claim = declared.source.removeprefix("pvc://").split("/", 1)[0]
            if declared.scope == "cluster" and ":" not in claim:
                yield Problem(
                    ("models", index, "source"),
                    "a cluster-scoped model on a PVC names the PVC's namespace: "
                    "pvc://<namespace>:<pvc>/<path>",
                )
            if declared.scope == "namespace" and ":" in claim:
                yield Problem(
                    ("models", index, "source"),
                    "a namespace-scoped model reads a PVC of its own namespace: "
                    "pvc://<pvc>/<path>, without '<namespace>:'",
                )
    for index, service in enumerate(instance.spec.services):
        model = models.get(service.model)
        if isinstance(service.runtime, InlineRuntime) and model is not None:
            missing = [f for f in ("format", "framework") if getattr(model, f) is None]
            if missing:
                yield Problem(
                    ("services", index, "runtime"),
                    f"an inline OME runtime lists the model formats it serves; model "
                    f"{model.name!r} needs {' and '.join(missing)} "
                    "(for example format: {name: safetensors}, framework: {name: transformers})",
                )
