"""NVIDIA Run:ai: inference workloads as requests to its REST API (v2.22).

Run:ai has no public CRD for inference workloads (its YAML route is deprecated), so Flux and
Argo CD cannot apply them: manifold renders each service as the JSON body of
`POST /api/v1/workloads/inferences`, and `manifold runai apply` sends it. A Run:ai platform
file may share models and runtimes with the projects; it renders nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.manifest import OutputKind
from manifold.targets.base import Compiled, Target
from manifold.targets.checked import platform_compiled, project_compiled
from manifold.targets.runai import checks, kinds, render
from manifold.targets.runai.form import FORM
from manifold.targets.runai.option_models import SITE_MODELS


def _output_kinds() -> Iterable[OutputKind]:
    yield FORM.output


def _compile(instance: ProjectInstance, catalog: Catalog) -> Compiled:
    """Each service's request is built once, by the checks, and rendered from there: it is
    most of the work (0.16 s of a cold check at N = 1,000, built twice before)."""
    requests: list[kinds.InferenceCreationRequest | None] = []
    return project_compiled(
        instance,
        catalog,
        lambda: checks.check(instance, catalog, requests),
        lambda: render.rendered(instance, requests),
    )


def _compile_platform(instance: PlatformInstance, catalog: Catalog) -> Compiled:
    # A Run:ai platform file shares models and runtimes; it has no objects of its own.
    return platform_compiled(instance, lambda: checks.check_platform(instance), list)


# Run:ai's API level does not change which kinds exist (every request is one kind): no
# `unavailable`.
TARGET = Target(
    name="runai",
    accelerators="gpuTypes",
    output_kinds=_output_kinds,
    compile=_compile,
    compile_platform=_compile_platform,
    options=SITE_MODELS,
    service_defaults={"replicas": {"min": 1, "max": 1}},
)
