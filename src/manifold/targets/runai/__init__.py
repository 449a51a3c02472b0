"""NVIDIA Run:ai: inference workloads as requests to its REST API (v2.22).

Run:ai has no public CRD for inference workloads (its YAML route is deprecated), so Flux and
Argo CD cannot apply them: manifold renders each service as the JSON body of
`POST /api/v1/workloads/inferences`, and `manifold runai apply` sends it. A Run:ai platform
file may share models and runtimes with the projects; it renders nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.manifest import Manifest, OutputKind
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.targets.runai import checks, render
from manifold.targets.runai.form import FORM


class RunaiTarget:
    name = "runai"
    accelerators = "gpuTypes"

    @property
    def service_defaults(self) -> Mapping[str, Any]:
        return {"replicas": {"min": 1, "max": 1}}

    def output_kinds(self) -> Iterable[OutputKind]:
        yield FORM.output

    def check(self, instance: ProjectInstance, catalog: Catalog) -> Iterable[Problem]:
        return checks.check(instance, catalog)

    def render(self, instance: ProjectInstance, catalog: Catalog) -> list[Manifest]:
        return render.render(instance, catalog)

    def check_platform(self, platform: PlatformInstance, catalog: Catalog) -> Iterable[Problem]:
        return checks.check_platform(platform)

    def render_platform(self, platform: PlatformInstance, catalog: Catalog) -> list[Manifest]:
        return []

    def unavailable(self, manifest: Manifest, environment: ResolvedEnvironment) -> str | None:
        # Run:ai's API level does not change which kinds exist: every request is one kind.
        return None


TARGET = RunaiTarget()
