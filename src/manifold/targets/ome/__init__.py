"""OME (`ome.io/v1beta1`): every kind of OME's API reference.

Projects render models, runtimes, inference services, fine-tunes (TrainingJob and
FineTunedWeight), benchmarks, replication jobs and inference graphs; the platform file
renders shared models and runtimes, accelerator classes, tenancy and capacity.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance
from manifold.core.manifest import Manifest, OutputKind
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.schemas.generate import typed_dict_schema
from manifold.targets.base import Compiled, Target
from manifold.targets.checked import check_then_render, platform_compiled
from manifold.targets.ome import (
    as_patched,
    benchmark_targets,
    checks,
    final,
    kinds,
    kinds_jobs,
    kinds_platform,
    platform,
    render,
)
from manifold.targets.ome.objects import CLUSTER_SCOPED
from manifold.targets.ome.option_models import SITE_MODELS
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


def _output_kinds() -> Iterable[OutputKind]:
    for shape in KINDS:
        kind = shape.__name__
        yield OutputKind(
            kinds.API_VERSION, kind, kind not in CLUSTER_SCOPED, typed_dict_schema(shape)
        )


def _compile_platform(instance: PlatformInstance, catalog: Catalog) -> Compiled:
    return platform_compiled(
        instance,
        lambda: checks.check_platform(instance),
        lambda: platform.render_platform(instance),
    )


def _unavailable(manifest: Manifest, environment: ResolvedEnvironment) -> str | None:
    settings = environment.settings("ome", OmeSettings) or DEFAULT
    if not level_lacks(manifest.kind, settings):
        return None
    return (
        f"{manifest.kind} is not part of OME API level {settings.api_level}, which "
        f"environment {environment.name!r} says its cluster runs (released OME installs "
        f"no {manifest.kind} CRD, and one object of a missing kind stops the whole "
        "environment from syncing)"
    )


TARGET = Target(
    name="ome",
    accelerators="acceleratorClasses",
    output_kinds=_output_kinds,
    compile=check_then_render(checks.check, render.render),
    compile_platform=_compile_platform,
    options=SITE_MODELS,
    service_defaults={"replicas": {"min": 1, "max": 1}},
    unavailable=_unavailable,
    final_refusals=final.final_refusals,
    dependency_refusals=as_patched.dependency_refusals,
    environment_problems=benchmark_targets.environment_problems,
)
