"""Benchmarks: load tests of a served model (OME BenchmarkJob, genai-bench).

Apart from `manifold.models.lifecycle` because a benchmark measures a service or any
OpenAI-style endpoint rather than producing an artifact; what it needs is traffic shapes,
concurrency and where the results go.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from manifold.models.blocks import PlatformBlock
from manifold.models.common import (
    DnsLabel,
    ResourceName,
    Resources,
    ServiceName,
    Strict,
    Toleration,
)
from manifold.models.env import EnvVar
from manifold.models.labels import ObjectMetadata, entry_metadata
from manifold.models.storage import StorageLocation
from manifold.models.workload import KubernetesObject, Volume, VolumeMount

OmeBenchmarkOptions = Annotated[dict[str, Any], PlatformBlock("ome", "benchmark")]
"""A benchmark's `ome:` block, checked by the OME target with its own model."""

BENCHMARK_TASKS = ("text-to-text", "image-to-text", "text-to-embeddings", "image-to-embeddings")


class ServiceTarget(Strict):
    service: ServiceName = Field(description="Name of the service to measure.")
    project: DnsLabel | None = Field(
        default=None, description="Project that owns the service; defaults to this project."
    )


class UrlTarget(Strict):
    url: str = Field(
        pattern=r"^https?://", description="The http(s) address of the endpoint to measure."
    )
    api_format: Literal["openai", "oci-cohere", "cohere"] = Field(
        description="API the endpoint speaks: openai, oci-cohere or cohere."
    )
    model_name: str | None = Field(
        default=None, description="Model name sent in requests, when the endpoint serves several."
    )


def _target_form(value: Any) -> str | None:
    if isinstance(value, dict):
        forms = [form for form in ("service", "url") if form in value]
        return forms[0] if len(forms) == 1 else None
    return None


BenchmarkTarget = Annotated[
    Annotated[ServiceTarget, Tag("service")] | Annotated[UrlTarget, Tag("url")],
    Discriminator(
        _target_form,
        custom_error_type="benchmark_target",
        custom_error_message="a benchmark targets a service ({service, project}) or a url",
    ),
]


class Benchmark(Strict):
    name: ResourceName = Field(
        description=(
            "Benchmark name, unique in the project; names the rendered BenchmarkJob (OME)."
        )
    )
    target: BenchmarkTarget = Field(
        description=(
            "What is measured: a service ({service, project}) or an endpoint ({url, apiFormat})."
        )
    )
    task: Literal["text-to-text", "image-to-text", "text-to-embeddings", "image-to-embeddings"] = (
        Field(
            description=(
                "Kind of requests sent: text-to-text, image-to-text, text-to-embeddings"
                " or image-to-embeddings."
            )
        )
    )
    traffic_scenarios: list[str] | None = Field(
        default=None, description='For example "D(100,100)", "N(480,240)/(300,150)".'
    )
    concurrency: list[int] | None = Field(
        default=None,
        description=(
            "Numbers of concurrent users to measure at, one iteration each, for example [1, 4, 16]."
        ),
    )
    max_time_per_iteration: int = Field(
        ge=1, description="Longest an iteration may run, in minutes."
    )
    max_requests_per_iteration: int = Field(
        ge=1,
        description=("Most requests sent in each iteration (one scenario at one concurrency)."),
    )
    request_params: dict[str, str] | None = Field(
        default=None, description='Added to every request, for example temperature: "0.0".'
    )
    dataset: ResourceName | None = Field(
        default=None,
        description=(
            "One of this project's datasets to draw prompts from; without it the "
            "tool generates them."
        ),
    )
    output: StorageLocation = Field(
        description=("Where the results are written, for example s3://bucket/benchmarks/name.")
    )
    image: str | None = Field(
        default=None,
        description="Image of the benchmark tool; omit for the platform's own (OME: genai-bench).",
    )
    env: list[EnvVar] | None = Field(
        default=None, description="Extra environment variables of the benchmark container."
    )
    resources: Resources | None = Field(
        default=None, description="CPU, memory and GPUs of the benchmark container."
    )
    node_selector: dict[str, str] | None = Field(
        default=None, description="Node labels the benchmark pod must run on."
    )
    tolerations: list[Toleration] | None = Field(
        default=None, description="Taints the benchmark pod tolerates."
    )
    affinity: KubernetesObject | None = Field(
        default=None,
        description="Kubernetes affinity of the benchmark pod, passed through unchanged.",
    )
    volumes: list[Volume] | None = Field(
        default=None,
        description="Kubernetes volumes of the benchmark pod, passed through unchanged.",
    )
    volume_mounts: list[VolumeMount] | None = Field(
        default=None, description="Where the benchmark container mounts `volumes`."
    )
    ome: OmeBenchmarkOptions | None = Field(
        default=None, description="Options only OME has (BenchmarkJob)."
    )
    metadata: ObjectMetadata | None = entry_metadata("BenchmarkJob")
