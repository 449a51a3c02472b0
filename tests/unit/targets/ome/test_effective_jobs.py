"""OME's rule for a BenchmarkJob's pod (`manifold.targets.ome.effective_jobs`), following
sgl-project/ome at 17b77edad23b, pkg/controller/v1beta1/benchmark/controller.go: the
controller's default pod (:196-202, :260-298) under the job's `podOverride` (:460-497)."""

from __future__ import annotations

from typing import Any

from manifold.compile.provenance import Named
from manifold.targets.effective import EffectiveWorkload, InputHint, Objects, RenderedObject
from manifold.targets.ome.effective_jobs import benchmarks

GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


def _job(override: dict[str, Any] | None, api_version: str = "ome.io/v1beta1") -> RenderedObject:
    spec: dict[str, Any] = {"endpoint": {"inferenceService": {"name": "chat"}}}
    if override is not None:
        spec["podOverride"] = override
    body = {
        "apiVersion": api_version,
        "kind": "BenchmarkJob",
        "metadata": {"name": "load", "namespace": "demo"},
        "spec": spec,
    }
    return RenderedObject("dev/demo/benchmarkjob-load.yaml", body)


def _workload(override: dict[str, Any] | None) -> EffectiveWorkload:
    (workload,) = benchmarks(Objects("dev", [_job(override)]))
    return workload


def _fields(override: dict[str, Any] | None) -> dict[str, Any]:
    workload = _workload(override)
    return {"unknown": workload.unknown, **workload.roles[0].prefixed("")}


def test_a_benchmark_is_one_benchmark_pod_of_its_project() -> None:
    workload = _workload(None)
    assert (workload.platform, workload.environment, workload.project) == ("ome", "dev", "demo")
    assert (workload.kind, workload.name, workload.object) == (
        "benchmark",
        "load",
        "BenchmarkJob/load",
    )
    assert [role.role for role in workload.roles] == ["benchmark"]


def test_without_override_the_controllers_defaults_run() -> None:
    # controller.go:196-202 (GPU toleration), :260-298 (image, CPU, memory from its config).
    workload = _workload(None)
    assert workload.unknown == {"image", "requests.cpu", "requests.memory"}
    assert workload.notes == (
        "image, command, CPU and memory come from OME's benchmark job configuration",
    )
    role = workload.roles[0]
    assert role.get("tolerations") == [GPU_TOLERATION]
    assert (role.get("replicas.min"), role.get("replicas.max")) == (1, 1)
    assert role.fields["tolerations"].source.object == "default of OME"


def test_the_override_replaces_image_and_tolerations() -> None:
    # controller.go:460-497: a strategic merge; tolerations have no merge key, so replaced.
    mine = [{"key": "dedicated", "operator": "Equal", "value": "bench", "effect": "NoSchedule"}]
    override = {
        "image": "bench:2",
        "tolerations": mine,
        "resources": {"requests": {"cpu": "2", "memory": "4Gi"}},
        "env": [{"name": "RATE", "value": "5"}],
        "nodeSelector": {"pool": "bench"},
    }
    found = _fields(override)
    assert found["unknown"] == frozenset()
    assert (found["image"], found["tolerations"], found["requests.cpu"]) == ("bench:2", mine, "2")
    assert (found["env.RATE"], found["nodeSelector.pool"]) == ("5", "bench")


def test_a_partial_override_leaves_the_rest_to_the_controllers_configuration() -> None:
    found = _fields({"image": "bench:2"})
    assert found["unknown"] == {"requests.cpu", "requests.memory"}
    assert found["tolerations"] == [GPU_TOLERATION]


def test_an_override_value_traces_back_to_the_projects_benchmark() -> None:
    # The benchmark entry's `image` and `env` become podOverride's (targets/ome/jobs.py).
    override = {
        "image": "b:1",
        "env": [{"name": "A", "value": "1"}, {"name": "RATE", "value": "5"}],
    }
    fields = _workload(override).roles[0].fields
    assert fields["image"].source.hint == InputHint("demo", ("benchmarks", Named("load"), "image"))
    source = fields["env.RATE"].source
    assert source.object == "BenchmarkJob/load"
    assert source.path == ("spec", "podOverride", "env", 1)
    assert source.hint == InputHint("demo", ("benchmarks", Named("load"), "env"))


def test_only_omes_benchmark_jobs_are_read() -> None:
    other = _job(None, api_version="example.com/v1")
    assert benchmarks(Objects("dev", [other])) == []
    assert benchmarks(Objects("dev", [])) == []
