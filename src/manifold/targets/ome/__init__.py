"""OME (`ome.io/v1beta1`): every kind of OME's API reference.

Projects render models, runtimes, inference services, fine-tunes (TrainingJob and
FineTunedWeight), benchmarks, replication jobs and inference graphs; the platform file
renders shared models and runtimes, accelerator classes, tenancy and capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.manifest import Manifest, OutputKind
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.schemas.generate import typed_dict_schema
from manifold.targets.ome import checks, kinds, kinds_jobs, kinds_platform, platform, render
from manifold.targets.ome.objects import CLUSTER_SCOPED
from manifold.targets.ome.settings import DEFAULT, OmeSettings, level_lacks

KINDS: tuple[Any, ...] = (
    kinds.BaseModel,
    kinds.ClusterBaseModel,
    kinds.ServingRuntime,
    kinds.ClusterServingRuntime,
    kinds.InferenceService,
    kinds_jobs.FineTunedWeight,
    kinds_jobs.TrainingJob,
    kinds_jobs.TrainingRuntime,
    kinds_jobs.ClusterTrainingRuntime,
    kinds_jobs.BenchmarkJob,
    kinds_jobs.ReplicationJob,
    kinds_jobs.InferenceGraph,
    kinds_platform.AcceleratorClass,
    kinds_platform.Organization,
    kinds_platform.Project,
    kinds_platform.ServiceAccount,
    kinds_platform.User,
    kinds_platform.RateLimit,
    kinds_platform.DedicatedAIClusterProfile,
    kinds_platform.DedicatedAICluster,
    kinds_platform.CapacityReservation,
    kinds_platform.ClusterCapacityReservation,
)


class OmeTarget:
    name = "ome"
    accelerators = "acceleratorClasses"

    @property
    def service_defaults(self) -> Mapping[str, Any]:
        return {"replicas": {"min": 1, "max": 1}}

    def output_kinds(self) -> Iterable[OutputKind]:
        for shape in KINDS:
            kind = shape.__name__
            yield OutputKind(
                kinds.API_VERSION, kind, kind not in CLUSTER_SCOPED, typed_dict_schema(shape)
            )

    def check(self, instance: ProjectInstance, catalog: Catalog) -> Iterable[Problem]:
        return checks.check(instance, catalog)

    def render(self, instance: ProjectInstance, catalog: Catalog) -> list[Manifest]:
        return render.render(instance, catalog)

    def check_platform(self, platform: PlatformInstance, catalog: Catalog) -> Iterable[Problem]:
        return checks.check_platform(platform)

    def render_platform(
        self, platform_instance: PlatformInstance, catalog: Catalog
    ) -> list[Manifest]:
        return platform.render_platform(platform_instance)

    def unavailable(self, manifest: Manifest, environment: ResolvedEnvironment) -> str | None:
        settings = environment.settings("ome", OmeSettings) or DEFAULT
        if not level_lacks(manifest.kind, settings):
            return None
        return (
            f"{manifest.kind} is not part of OME API level {settings.api_level}, which "
            f"environment {environment.name!r} says its cluster runs (released OME installs "
            f"no {manifest.kind} CRD, and one object of a missing kind stops the whole "
            "environment from syncing)"
        )


TARGET = OmeTarget()
