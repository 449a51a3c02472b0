"""Run:ai's effective workload: the request's `spec` read back as one container in
Kubernetes' words. Requests rendered from a project are read back and compared with what the
project asked for, so the two translations (render, effective) must agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.compile.provenance import Named
from manifold.targets.effective import Objects, PodRole, RenderedObject
from manifold.targets.runai.effective import workloads
from manifold.targets.runai.render import render
from tests.unit.helpers import lone_catalog
from tests.unit.targets.runai.inputs import MODEL, instance


def _role(service: str) -> PodRole:
    project = instance(f"{MODEL}\nservices: [{{name: s, model: m, image: i, {service}}}]")
    [manifest] = render(project, lone_catalog(project))
    rendered = RenderedObject("dev/_runai/demo/inference-s.json", manifest.body)
    [workload] = workloads(Objects("dev", [rendered]))
    assert (workload.platform, workload.project, workload.kind, workload.name) == (
        "runai",
        "demo",
        "service",
        "s",
    )
    [role] = workload.roles
    return role


def _values(role: PodRole) -> dict[str, Any]:
    return {name: value.value for name, value in role.fields.items()}


@settings(max_examples=25, deadline=None)
@given(
    cpu=st.integers(min_value=1, max_value=64),
    memory=st.integers(min_value=1, max_value=512),
    gpus=st.integers(min_value=1, max_value=8),
    replicas=st.tuples(st.integers(0, 3), st.integers(3, 6)),
)
def test_what_the_service_asks_for_reads_back(
    cpu: int, memory: int, gpus: int, replicas: tuple[int, int]
) -> None:
    role = _role(
        f"resources: {{cpu: '{cpu}', memory: {memory}Gi, gpu: {{count: {gpus}}}}},"
        f" replicas: {{min: {replicas[0]}, max: {replicas[1]}}},"
        " autoscaling: {metric: concurrency, target: 4}"
    )
    values = _values(role)
    assert (values["requests.cpu"], values["limits.cpu"]) == (cpu, cpu)
    assert (values["requests.memory"], values["limits.memory"]) == (f"{memory}Gi", f"{memory}Gi")
    assert values["limits.nvidia.com/gpu"] == gpus
    assert (values["replicas.min"], values["replicas.max"]) == replicas


def test_every_field_names_the_request_and_the_input_it_came_from() -> None:
    role = _role("env: [{name: A, value: '1'}], nodeSelector: {pool: a100}")
    source = role.fields["env.A"].source
    assert source.object == "InferenceWorkload/s"
    assert source.path == ("spec", "environmentVariables", 0)
    assert source.hint is not None
    assert source.hint.path == ("services", Named("s"), "env", Named("A"))
    selector = role.fields["nodeSelector.pool"]
    assert selector.value == "a100"
    assert selector.source.path[:3] == ("spec", "nodeAffinityRequired", "nodeSelectorTerms")


def test_a_share_of_a_gpu_is_a_fraction_of_the_devices() -> None:
    assert _values(_role("resources: {gpu: {count: 2, portion: 0.25}}"))[
        "limits.nvidia.com/gpu"
    ] == pytest.approx(0.5)


def _spec(spec: dict[str, Any], **body: Any) -> dict[str, Any]:
    rendered = RenderedObject(
        "dev/_runai/demo/inference-s.json", {"name": "s", "spec": spec, **body}
    )
    [workload] = workloads(Objects("dev", [rendered]))
    return _values(workload.roles[0])


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, {"replicas.min": 1, "replicas.max": 1}),
        ({"replicas": 3}, {"replicas.min": 3, "replicas.max": 3}),
        (
            {"autoscaling": {"minReplicas": 0, "maxReplicas": 2}},
            {"replicas.min": 0, "replicas.max": 2},
        ),
        ({"preemptibility": "preemptible"}, {"preemptibility": "preemptible"}),
        ({"compute": {"migProfile": "1g.10gb"}}, {"migProfile": "1g.10gb"}),
        ({"nodePools": ["a", "b"]}, {"nodePools": ["a", "b"]}),
        (
            {"tolerations": [{"name": "gpu", "key": "g", "operator": "Exists"}]},
            {"tolerations": [{"key": "g", "operator": "Exists"}]},
        ),
        # Terms other than one `In` of one value are no node selector.
        (
            {
                "nodeAffinityRequired": {
                    "nodeSelectorTerms": [
                        {"matchExpressions": [{"key": "k", "operator": "In", "values": ["a", "b"]}]}
                    ]
                }
            },
            {},
        ),
    ],
)
def test_run_ai_words_read_back(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    values = _spec(spec)
    replicas = {"replicas.min": 1, "replicas.max": 1} if "replicas.min" not in expected else {}
    assert values == {**replicas, **expected}


def test_a_template_shows_under_its_own_name() -> None:
    assert _spec({}, templateId="t-1")["templateId"] == "t-1"


def test_only_requests_of_runai_are_workloads() -> None:
    others = [
        RenderedObject("dev/demo/deployment-s.yaml", {"kind": "Deployment", "spec": {}}),
        RenderedObject("dev/_runai/index.json", {"requests": []}),
        RenderedObject("dev/_runai/demo/inference-s.yaml", {"name": "s", "spec": {}}),
    ]
    assert workloads(Objects("dev", others)) == []
