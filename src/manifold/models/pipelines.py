"""Pipelines: requests flowing through several services of a project (OME InferenceGraph).

A pipeline is a graph of nodes, each routing to services, URLs or other nodes; it has no
life cycle of its own, unlike the datasets and fine-tunes of `manifold.models.lifecycle`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from manifold.models.common import (
    Replicas,
    ResourceName,
    Resources,
    ServiceName,
    Strict,
    Toleration,
)
from manifold.models.workload import KubernetesObject


class PipelineStep(Strict):
    name: str = Field(min_length=1, description="Step name, unique in its node.")
    service: ServiceName | None = Field(
        default=None, description="A service of this project to send requests to."
    )
    url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="An http(s) endpoint outside the project to send requests to.",
    )
    node: str | None = Field(
        default=None, description="Another node of this pipeline to hand the request to."
    )
    condition: str | None = Field(
        default=None,
        description=("Switch nodes: the GJSON condition on the request that selects this step."),
    )
    data: str | None = Field(
        default=None,
        description=(
            "What the step receives: $request (the original request) or $response "
            "(the previous step's answer)."
        ),
    )
    dependency: Literal["Soft", "Hard"] | None = Field(
        default=None, description="Hard: the pipeline fails when this step fails; Soft: it goes on."
    )
    weight: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description=("Splitter nodes: the percentage of requests this step gets (0 to 100)."),
    )

    @model_validator(mode="after")
    def _one_destination(self) -> PipelineStep:
        given = [f for f in ("service", "url", "node") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError("a step goes to exactly one of service, url or node")
        return self


class PipelineNode(Strict):
    router: Literal["Sequence", "Splitter", "Ensemble", "Switch"] = Field(
        description=(
            "How the steps are used: Sequence (one after another), Splitter (by "
            "weight), Ensemble (all, combined) or Switch (first matching "
            "condition)."
        )
    )
    steps: list[PipelineStep] = Field(
        min_length=1, description="The services, URLs or other nodes this node sends requests to."
    )


class PipelineScaling(Strict):
    metric: Literal["cpu", "memory", "concurrency", "rps"] = Field(
        description="Metric to scale on: cpu, memory, concurrency or rps."
    )
    target: int = Field(
        ge=1, description="Target value of the metric per replica (percent for cpu and memory)."
    )


class Pipeline(Strict):
    """Requests flowing through several services (OME: InferenceGraph)."""

    name: ResourceName = Field(
        description=(
            "Pipeline name, unique in the project; names its endpoint (OME: InferenceGraph)."
        )
    )
    nodes: dict[str, PipelineNode] = Field(description="Must include `root`, where it starts.")
    replicas: Replicas | None = Field(
        default=None, description="Replica bounds of the pipeline's router."
    )
    autoscaling: PipelineScaling | None = Field(
        default=None, description="Scale the pipeline's router on a built-in metric."
    )
    timeout: int | None = Field(
        default=None,
        ge=1,
        description="Longest a request may take through the whole pipeline, in seconds.",
    )
    resources: Resources | None = Field(
        default=None, description="CPU and memory of each router pod."
    )
    node_selector: dict[str, str] | None = Field(
        default=None, description="Node labels the pipeline's router pods must run on."
    )
    tolerations: list[Toleration] | None = Field(
        default=None, description="Taints the pipeline's router pods tolerate."
    )
    affinity: KubernetesObject | None = Field(
        default=None,
        description=(
            "Kubernetes affinity of the pipeline's router pods, passed through unchanged."
        ),
    )
    service_account_name: str | None = Field(
        default=None, description="Kubernetes ServiceAccount the router pods run as."
    )
