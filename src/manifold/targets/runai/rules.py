"""What Run:ai refuses in an inference request that its OpenAPI schema cannot say.

The rules come from the API's field descriptions (v2.22). They run on the request body once
it passes the schema, so a value in the wrong place is reported whether a project or an
environment patch put it there. Paths are paths in the body.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifold.core.diagnostics import Problem

VARIABLE_SOURCES = ("value", "secret", "configMap", "podFieldRef", "userCredential")
SCALE_TO_ZERO_METRICS = ("throughput", "concurrency")
"""The built-in metrics that can wake a workload scaled to zero."""


def request_problems(body: dict[str, Any]) -> Iterator[Problem]:
    spec = body.get("spec") or {}
    if "servingPort" not in spec:
        yield Problem(
            ("spec",), "an inference needs spec.servingPort.container: the port it serves on"
        )
    yield from _autoscaling(spec.get("autoscaling") or {})
    yield from _compute(spec.get("compute") or {})
    yield from _access(("spec", "servingPort"), spec.get("servingPort") or {})
    for index, url in enumerate(spec.get("exposedUrls") or ()):
        # Before 2.24 an exposed URL has no authorizationType: its users and groups alone
        # restrict it.
        yield from _access(("spec", "exposedUrls", index), url, typed="authorizationType" in url)
    for index, variable in enumerate(spec.get("environmentVariables") or ()):
        sources = [s for s in VARIABLE_SOURCES if s in variable]
        if len(sources) != 1:
            yield Problem(
                ("spec", "environmentVariables", index),
                f"environment variable {variable.get('name')!r} needs exactly one of value, "
                f"secret, configMap, podFieldRef or userCredential (it has {len(sources)})",
            )
    for index, toleration in enumerate(spec.get("tolerations") or ()):
        if "seconds" in toleration and toleration.get("effect") != "NoExecute":
            yield Problem(
                ("spec", "tolerations", index, "seconds"),
                "a toleration's seconds apply only to the NoExecute effect",
            )


def _autoscaling(scaling: dict[str, Any]) -> Iterator[Problem]:
    path = ("spec", "autoscaling")
    low = scaling.get("minReplicas", 1)
    high = scaling.get("maxReplicas", low if low > 0 else 1)
    metric = scaling.get("metric")
    if low > high:
        yield Problem(path, f"minReplicas ({low}) is greater than maxReplicas ({high})")
    elif low < high and metric is None and (low, high) != (0, 1):
        yield Problem(
            path,
            f"replicas range from {low} to {high}: Run:ai needs a metric and a metricThreshold "
            "to scale on (only 0 to 1 scales on traffic alone)",
        )
    if metric is not None and "metricThreshold" not in scaling:
        yield Problem(path, f"metric {metric!r} needs a metricThreshold")
    if low == 0 and metric is not None and metric not in SCALE_TO_ZERO_METRICS:
        yield Problem(
            (*path, "metric"),
            f"scale to zero (minReplicas 0) works with {' or '.join(SCALE_TO_ZERO_METRICS)} "
            f"only, not {metric!r}",
        )
    if "scaleToZeroRetentionSeconds" in scaling and low != 0:
        yield Problem((*path, "scaleToZeroRetentionSeconds"), "applies only when minReplicas is 0")
    if "metricThresholdPercentage" in scaling and metric not in SCALE_TO_ZERO_METRICS:
        yield Problem(
            (*path, "metricThresholdPercentage"),
            f"applies only to the {' and '.join(SCALE_TO_ZERO_METRICS)} metrics",
        )


def _compute(compute: dict[str, Any]) -> Iterator[Problem]:
    path = ("spec", "compute")
    kind = compute.get("gpuRequestType")
    for field, needs in (
        ("gpuPortionRequest", "portion"),
        ("gpuPortionLimit", "portion"),
        ("gpuMemoryRequest", "memory"),
        ("gpuMemoryLimit", "memory"),
        ("migProfile", "migProfile"),
    ):
        if field in compute and kind != needs:
            yield Problem((*path, field), f"{field} needs gpuRequestType {needs!r}")
    for needs, field in (
        ("portion", "gpuPortionRequest"),
        ("memory", "gpuMemoryRequest"),
        ("migProfile", "migProfile"),
    ):
        if kind == needs and field not in compute:
            yield Problem(path, f"gpuRequestType {needs!r} needs {field}")
    devices = compute.get("gpuDevicesRequest")
    if kind is not None and devices is None:
        yield Problem(path, "gpuRequestType needs gpuDevicesRequest")
    if kind is not None and devices is not None and devices > 1 and kind != "portion":
        yield Problem(
            (*path, "gpuRequestType"),
            f"{devices} GPU devices can only be shared by portion, not by {kind}",
        )
    portion = compute.get("gpuPortionRequest")
    if portion is not None and not 0 < portion <= 1:
        yield Problem((*path, "gpuPortionRequest"), f"{portion} is not a portion of one GPU")
    for request, limit in (
        ("gpuPortionRequest", "gpuPortionLimit"),
        ("cpuCoreRequest", "cpuCoreLimit"),
    ):
        if request in compute and limit in compute and compute[limit] < compute[request]:
            yield Problem((*path, limit), f"{limit} is below {request}")


def _access(
    path: tuple[str | int, ...], port: dict[str, Any], *, typed: bool = True
) -> Iterator[Problem]:
    """The serving port's or an exposed URL's authorization."""
    if "authorizedUsers" in port and "authorizedGroups" in port:
        yield Problem(path, "authorizedUsers and authorizedGroups exclude each other")
    named = [f for f in ("authorizedUsers", "authorizedGroups") if f in port]
    if named and typed and port.get("authorizationType") != "authorizedUsersOrGroups":
        yield Problem(
            (*path, named[0]), "applies only with authorizationType authorizedUsersOrGroups"
        )
