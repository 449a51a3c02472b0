"""OME's rule for a BenchmarkJob: the controller's default pod, under the job's podOverride.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d,
pkg/controller/v1beta1/benchmark/controller.go: the default container (:260-298) takes its
image and CPU and memory from the controller's own configuration, which is not in rendered/;
the default pod tolerates GPU nodes (:196-202, :403-407); `podOverride` is then
strategic-merged over the container (image, env, resources, volume mounts: :460-477) and
over the pod (node selector, tolerations, volumes: :480-497). A benchmark runs once, as one
Job pod.
"""

from __future__ import annotations

from typing import Any

from manifold.compile.provenance import Named
from manifold.core.jsonpath import JsonPath
from manifold.targets.effective import (
    EffectiveWorkload,
    Fields,
    InputHint,
    Objects,
    PodRole,
    RenderedObject,
    Source,
    Value,
    container_fields,
    overlay,
    pod_fields,
)

_DEFAULT_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
_FROM_CONFIG = frozenset({"image", "requests.cpu", "requests.memory"})


def benchmarks(objects: Objects) -> list[EffectiveWorkload]:
    return [
        _benchmark(job, objects.environment)
        for job in objects.of_kind("BenchmarkJob")
        if str(job.body.get("apiVersion", "")).startswith("ome.io/")
    ]


def _benchmark(job: RenderedObject, environment: str) -> EffectiveWorkload:
    override: dict[str, Any] = (job.body.get("spec") or {}).get("podOverride") or {}

    def source(path: JsonPath) -> Source:
        # After ("spec", "podOverride"): the entry's own field (`image`, `env`...).
        inner = [step for step in path[2:] if not isinstance(step, int)]
        hint = InputHint(job.project, ("benchmarks", Named(job.name), *inner))
        return Source(f"BenchmarkJob/{job.name}", path, hint)

    at: JsonPath = ("spec", "podOverride")
    defaults: Fields = {
        "tolerations": Value([_DEFAULT_TOLERATION], Source("default of OME")),
        "replicas.min": Value(1, Source("default of OME")),
        "replicas.max": Value(1, Source("default of OME")),
    }
    fields = overlay(defaults, pod_fields(override, source, at))
    fields.update(container_fields(override, source, at))
    unknown = frozenset(name for name in _FROM_CONFIG if name not in fields)
    notes = ("image, command, CPU and memory come from OME's benchmark job configuration",)
    return EffectiveWorkload(
        "ome",
        environment,
        job.project,
        "benchmark",
        job.name,
        f"BenchmarkJob/{job.name}",
        (PodRole("benchmark", dict(sorted(fields.items()))),),
        notes if unknown else (),
        unknown,
    )
