"""Scaling on a Prometheus query (`autoscaling.prometheus`) as OME reads it: with KEDA.

What OME does (sgl-project/ome at 17b77eda, pkg/controller/v1beta1/inferenceservice/):
- a component gets a KEDA ScaledObject when its annotations say `ome.io/autoscalerClass:
  keda` (reconcilers/autoscaler/autoscaler_reconciler.go, getAutoscalerClass and
  createAutoscaler); those are the InferenceService's annotations with the component's own
  `annotations` over them (components/engine.go, processAnnotations: utils.Union; the
  decoder and the router do the same);
- the ScaledObject's trigger comes from the InferenceService's `spec.kedaConfig` and from
  nothing else: every component's deployment is reconciled with `KedaConfig:
  isvc.Spec.KedaConfig` (reconcilers/common/deployment_reconciler.go, ReconcileRawDeployment),
  which is all the KEDA reconciler reads (reconcilers/keda/keda_reconciler.go,
  getScaledObjectTriggers; without it, OME's default query and threshold "10").

OME reads `customPromQuery` as a Go format string: it asks Prometheus for
fmt.Sprintf(customPromQuery, <the component's deployment name>) (reconcilers/keda/
keda_reconciler.go:188-194). The name is the deployment's, `<service>-engine`
(components/engine.go:246-265), not the InferenceService's, which OME's own KEDA sample
seems to expect. A query without one `%s` gets `%!(EXTRA string=<name>)` appended, and a
second verb, or a `%` not doubled, is replaced by an error mark: Prometheus parses none of
them, so such a query is an error at its line.

A component's own `kedaConfig`, or a runtime's, which the CRDs accept (and OME's KEDA
sample writes on its engine), is read by no one: the component would scale on the default
query. So manifold writes the settings once, in `spec.kedaConfig`, and marks the components
that scale with KEDA: the whole InferenceService when all of its components do (OME's
webhook checks the settings only then), else each of those components' annotations, since a
mark on the whole InferenceService would make a decoder or router that asked for other
scaling follow the engine's query. Components that ask for different Prometheus settings
cannot be written for OME, and neither can a runtime's: both are errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.project import Service
from manifold.models.runtimes import ServingRuntime
from manifold.models.workload import Component, PrometheusScaling
from manifold.targets.ome import kinds

AUTOSCALER_CLASS = "ome.io/autoscalerClass"
_READ_WHERE = (
    "OME reads KEDA settings from the InferenceService's spec.kedaConfig alone, one for all "
    "its components"
)


@dataclass(frozen=True)
class KedaScaling:
    """How an InferenceService scales with KEDA: its `spec.kedaConfig`, and which components
    carry the autoscaler class (None: the InferenceService itself)."""

    config: kinds.KedaConfig
    components: tuple[str, ...] | None


def _parts(service: Service) -> dict[str, Component | None]:
    """The components OME makes of a service, by their field in the InferenceService."""
    return {"engine": service, "decoder": service.decoder, "router": service.router}


def _prometheus(part: Component | None) -> PrometheusScaling | None:
    return part.autoscaling.prometheus if part is not None and part.autoscaling else None


_SCALING = ("autoscaling", "prometheus")
"""Where a component writes its Prometheus settings, below the component."""


def keda_scaling(service: Service) -> KedaScaling | None:
    """None when no component of `service` scales on a Prometheus query."""
    parts = _parts(service)
    scaled = [name for name, part in parts.items() if _prometheus(part) is not None]
    if not scaled:
        return None
    first = _prometheus(parts[scaled[0]])
    assert first is not None
    present = [name for name, part in parts.items() if part is not None]
    return KedaScaling(keda_config(first), None if scaled == present else tuple(scaled))


def keda_config(prometheus: PrometheusScaling) -> kinds.KedaConfig:
    config: kinds.KedaConfig = {
        "enableKeda": True,
        "promServerAddress": prometheus.server,
        "customPromQuery": prometheus.query,
        "scalingThreshold": prometheus.threshold,
    }
    if prometheus.operator is not None:
        config["scalingOperator"] = prometheus.operator
    if (authentication := prometheus.authentication) is not None:
        reference: kinds.AuthenticationRef = {"name": authentication.name}
        if authentication.kind is not None:
            reference["kind"] = authentication.kind
        config["authenticationRef"] = reference
        if authentication.modes is not None:
            config["authModes"] = authentication.modes
    return config


def service_keda_problems(service: Service, at: JsonPath) -> Iterator[Problem]:
    """Components of one service that scale on different Prometheus settings."""
    settings = [
        (name, found)
        for name, part in _parts(service).items()
        if (found := _prometheus(part)) is not None
    ]
    for name, found in settings[1:]:
        if found != settings[0][1]:
            below = _SCALING if name == "engine" else (name, *_SCALING)  # the service is its engine
            yield Problem(
                (*at, *below),
                f"the {name} scales on other Prometheus settings than the {settings[0][0]}; "
                f"{_READ_WHERE}",
                hint=f"give the {name} the same autoscaling.prometheus, or scale it on "
                "metric and target",
            )
    yield from _query_problems(service, at)


_FORMAT_MARK = re.compile(r"%(?:%|[-+# 0]*(?:\[\d+\])?[\d*]*(?:\.[\d*]*)?(?:\[\d+\])?.?)")
"""A Go fmt mark: `%%`, or a verb with its flags, width, precision and argument index."""


def query_problem(query: str) -> str | None:
    """Why OME's fmt.Sprintf(query, name) would not give the query with the name in it."""
    verbs = [mark for mark in _FORMAT_MARK.findall(query) if mark != "%%"]
    if verbs == ["%s"] or verbs == ["%v"]:
        return None
    if not verbs:
        return "has no %s, so OME appends %!(EXTRA string=<name>) to it"
    return (
        f"has {', '.join(repr(v) for v in verbs)} where OME expects one %s (a % of its own is %%)"
    )


def _query_problems(service: Service, at: JsonPath) -> Iterator[Problem]:
    for name, part in _parts(service).items():
        prometheus = _prometheus(part)
        if prometheus is None or (why := query_problem(prometheus.query)) is None:
            continue
        below = _SCALING if name == "engine" else (name, *_SCALING)
        yield Problem(
            (*at, *below, "query"),
            f"OME asks Prometheus for fmt.Sprintf(query, <the {name}'s deployment name>), and "
            f"this query {why}: Prometheus would refuse what OME sends",
            hint='write %s where the name goes, for example {pod=~"%s-.*"} (or in a comment '
            "at the end, # %s, to leave it out), and %% for a literal %",
        )


def runtime_keda_problems(runtime: ServingRuntime, at: JsonPath) -> Iterator[Problem]:
    """Prometheus settings on a runtime: no ScaledObject would ever read them."""
    for name, part in runtime.components().items():
        if _prometheus(part) is not None:
            yield Problem(
                (*at, name, *_SCALING),
                f"a runtime's Prometheus scaling is read by no one: {_READ_WHERE}",
                hint="set autoscaling.prometheus on the services that use this runtime",
            )
