"""OME (`ome.io/v1beta1`): models, serving runtimes and inference services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from manifold.diagnostics import Problem
from manifold.expand import ProjectInstance
from manifold.schemagen import typed_dict_schema
from manifold.targets.base import Manifest, OutputKind
from manifold.targets.ome import checks, kinds, render


class OmeTarget:
    name = "ome"

    @property
    def service_defaults(self) -> Mapping[str, Any]:
        return {"replicas": {"min": 1, "max": 1}}

    def output_kinds(self) -> Iterable[OutputKind]:
        for kind, shape, namespaced in (
            ("BaseModel", kinds.BaseModel, True),
            ("ClusterBaseModel", kinds.ClusterBaseModel, False),
            ("ServingRuntime", kinds.ServingRuntime, True),
            ("ClusterServingRuntime", kinds.ClusterServingRuntime, False),
            ("InferenceService", kinds.InferenceService, True),
        ):
            yield OutputKind(kinds.API_VERSION, kind, namespaced, typed_dict_schema(shape))

    def check(self, instance: ProjectInstance) -> Iterable[Problem]:
        return checks.check(instance)

    def render(self, instance: ProjectInstance) -> list[Manifest]:
        return render.render(instance)


TARGET = OmeTarget()
