"""The Run:ai API's rules that its schema cannot say, on request bodies."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.runai.rules import request_problems


def _messages(spec: dict[str, Any]) -> list[str]:
    body = {"name": "w", "projectId": "1", "clusterId": "c", "spec": spec}
    return [
        f"{'.'.join(map(str, problem.path))}: {problem.message}"
        for problem in request_problems(body)
    ]


def _serving(**spec: Any) -> list[str]:
    return _messages({"servingPort": {"container": 8000}, **spec})


def test_a_valid_request_has_no_problems() -> None:
    assert (
        _serving(
            autoscaling={
                "minReplicas": 0,
                "maxReplicas": 4,
                "metric": "concurrency",
                "metricThreshold": 8,
                "scaleToZeroRetentionSeconds": 60,
            },
            compute={
                "gpuDevicesRequest": 2,
                "gpuRequestType": "portion",
                "gpuPortionRequest": 0.5,
                "gpuPortionLimit": 1.0,
            },
            environmentVariables=[{"name": "A", "value": "1"}],
            tolerations=[{"name": "t", "effect": "NoExecute", "seconds": 5}],
        )
        == []
    )


def test_an_inference_needs_a_serving_port() -> None:
    assert _messages({}) == [
        "spec: an inference needs spec.servingPort.container: the port it serves on"
    ]


@pytest.mark.parametrize(
    ("autoscaling", "expected"),
    [
        ({"minReplicas": 1, "maxReplicas": 3}, "Run:ai needs a metric and a metricThreshold"),
        ({"minReplicas": 2}, ""),
        ({"minReplicas": 0}, ""),
        ({"minReplicas": 0, "maxReplicas": 1}, ""),
        ({"minReplicas": 0, "maxReplicas": 2}, "replicas range from 0 to 2"),
        ({"minReplicas": 3, "maxReplicas": 2}, "minReplicas (3) is greater than maxReplicas (2)"),
        ({"maxReplicas": 2, "metric": "latency"}, "metric 'latency' needs a metricThreshold"),
        (
            {"minReplicas": 0, "maxReplicas": 2, "metric": "latency", "metricThreshold": 9},
            "scale to zero (minReplicas 0) works with throughput or concurrency only",
        ),
        ({"scaleToZeroRetentionSeconds": 30}, "applies only when minReplicas is 0"),
        (
            {
                "maxReplicas": 2,
                "metric": "latency",
                "metricThreshold": 9,
                "metricThresholdPercentage": 50,
            },
            "applies only to the throughput and concurrency metrics",
        ),
    ],
)
def test_autoscaling(autoscaling: dict[str, Any], expected: str) -> None:
    found = _serving(autoscaling=autoscaling)
    if expected:
        assert len(found) == 1 and expected in found[0], found
    else:
        assert found == []


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        (
            {"gpuDevicesRequest": 1, "gpuPortionRequest": 0.5},
            "spec.compute.gpuPortionRequest: gpuPortionRequest needs gpuRequestType 'portion'",
        ),
        (
            {
                "gpuDevicesRequest": 1,
                "gpuRequestType": "memory",
                "gpuMemoryRequest": "8G",
                "gpuPortionLimit": 0.5,
            },
            "spec.compute.gpuPortionLimit: gpuPortionLimit needs gpuRequestType 'portion'",
        ),
        (
            {
                "gpuDevicesRequest": 1,
                "gpuRequestType": "portion",
                "gpuMemoryRequest": "8G",
                "gpuPortionRequest": 0.5,
            },
            "spec.compute.gpuMemoryRequest: gpuMemoryRequest needs gpuRequestType 'memory'",
        ),
        (
            {"gpuDevicesRequest": 1, "gpuRequestType": "portion"},
            "spec.compute: gpuRequestType 'portion' needs gpuPortionRequest",
        ),
        (
            {"gpuDevicesRequest": 1, "gpuRequestType": "memory"},
            "spec.compute: gpuRequestType 'memory' needs gpuMemoryRequest",
        ),
        (
            {"gpuRequestType": "portion", "gpuPortionRequest": 0.5},
            "spec.compute: gpuRequestType needs gpuDevicesRequest",
        ),
        (
            {"gpuDevicesRequest": 2, "gpuRequestType": "memory", "gpuMemoryRequest": "8G"},
            "spec.compute.gpuRequestType: 2 GPU devices can only be shared by portion, "
            "not by memory",
        ),
        (
            {"gpuDevicesRequest": 1, "gpuRequestType": "portion", "gpuPortionRequest": 1.5},
            "spec.compute.gpuPortionRequest: 1.5 is not a portion of one GPU",
        ),
        (
            {
                "gpuDevicesRequest": 1,
                "gpuRequestType": "portion",
                "gpuPortionRequest": 0.5,
                "gpuPortionLimit": 0.25,
            },
            "spec.compute.gpuPortionLimit: gpuPortionLimit is below gpuPortionRequest",
        ),
        (
            {"cpuCoreRequest": 2, "cpuCoreLimit": 1},
            "spec.compute.cpuCoreLimit: cpuCoreLimit is below cpuCoreRequest",
        ),
    ],
)
def test_compute(compute: dict[str, Any], expected: str) -> None:
    assert _serving(compute=compute) == [expected]


def test_environment_variables_take_exactly_one_source() -> None:
    found = _serving(
        environmentVariables=[
            {"name": "NONE"},
            {"name": "TWO", "value": "x", "secret": {"name": "s", "key": "k"}},
            {"name": "CRED", "userCredential": {"name": "c", "key": "k"}},
            {"name": "BOTH", "value": "x", "userCredential": {"name": "c", "key": "k"}},
        ]
    )
    sources = "value, secret, configMap, podFieldRef or userCredential"
    assert found == [
        f"spec.environmentVariables.0: environment variable 'NONE' needs exactly one of "
        f"{sources} (it has 0)",
        f"spec.environmentVariables.1: environment variable 'TWO' needs exactly one of "
        f"{sources} (it has 2)",
        f"spec.environmentVariables.3: environment variable 'BOTH' needs exactly one of "
        f"{sources} (it has 2)",
    ]


MIG_AND_ACCESS = [
    # (spec fields, problems expected)
    (
        {
            "compute": {
                "gpuDevicesRequest": 1,
                "gpuRequestType": "migProfile",
                "migProfile": "1g.5gb",
            }
        },
        [],
    ),
    (
        {"compute": {"gpuDevicesRequest": 1, "migProfile": "1g.5gb"}},
        ["spec.compute.migProfile: migProfile needs gpuRequestType 'migProfile'"],
    ),
    (
        {"compute": {"gpuDevicesRequest": 1, "gpuRequestType": "migProfile"}},
        ["spec.compute: gpuRequestType 'migProfile' needs migProfile"],
    ),
    ({"exposedUrls": [{"container": 9090, "authorizedUsers": ["a"]}]}, []),
    (
        {
            "exposedUrls": [
                {"container": 9090, "authorizationType": "public", "authorizedUsers": ["a"]}
            ]
        },
        [
            "spec.exposedUrls.0.authorizedUsers: applies only with authorizationType "
            "authorizedUsersOrGroups"
        ],
    ),
    (
        {"exposedUrls": [{"container": 1, "authorizedUsers": ["a"], "authorizedGroups": ["g"]}]},
        ["spec.exposedUrls.0: authorizedUsers and authorizedGroups exclude each other"],
    ),
]


@pytest.mark.parametrize(("fields", "expected"), MIG_AND_ACCESS)
def test_mig_profiles_and_url_access(fields: dict[str, Any], expected: list[str]) -> None:
    """2.22's MIG share and the users/groups of exposed URLs (which have no
    authorizationType before 2.24)."""
    assert _serving(**fields) == expected


def test_toleration_seconds_need_no_execute() -> None:
    assert _serving(tolerations=[{"name": "t", "effect": "NoSchedule", "seconds": 5}]) == [
        "spec.tolerations.0.seconds: a toleration's seconds apply only to the NoExecute effect"
    ]


def test_serving_port_access() -> None:
    both = {
        "container": 80,
        "authorizationType": "authorizedUsersOrGroups",
        "authorizedUsers": ["a"],
        "authorizedGroups": ["g"],
    }
    assert _messages({"servingPort": both}) == [
        "spec.servingPort: authorizedUsers and authorizedGroups exclude each other"
    ]
    public = {"container": 80, "authorizationType": "public", "authorizedGroups": ["g"]}
    assert _messages({"servingPort": public}) == [
        "spec.servingPort.authorizedGroups: applies only with authorizationType "
        "authorizedUsersOrGroups"
    ]
