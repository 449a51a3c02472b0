"""NVIDIA Run:ai projects and the Run:ai platform file.

A project serves one or two models (from Hugging Face, a bucket or a claim) with vLLM
defined inline, with the platform's shared vLLM runtime, or with an image of its own (TGI,
TEI for embeddings). Dev gives each replica a share of a GPU and scales to zero; prod runs
whole GPUs and autoscales. Every manifold project's workloads go to one Run:ai project per
environment, where names must be unique: services are named after their project.
"""

from __future__ import annotations

import random
from typing import Any

from bench.synthetic.catalog import MODELS, CatalogModel, chance, pick

PLATFORM_NAME = "runai-platform"
SHARED_RUNTIME = "vllm-openai"
_VLLM = "docker.io/vllm/vllm-openai:v0.8.5"
_TGI = "ghcr.io/huggingface/text-generation-inference:3.3.0"
_TEI = "ghcr.io/huggingface/text-embeddings-inference:1.6"
_CATALOG = tuple(model for model in MODELS if model.size != "70B")


def spec(
    rng: random.Random, project: str, environments: tuple[str, ...], showcase: bool
) -> dict[str, Any]:
    """A Run:ai project (`showcase` changes nothing: every project shows all of it)."""
    picks = rng.sample(_CATALOG, k=rng.choice((1, 1, 2)))
    models = [_model(rng, choice) for choice in picks]
    services = [_service(rng, project, choice, number) for number, choice in enumerate(picks)]
    result: dict[str, Any] = {"models": models, "services": services}
    overrides = _overrides(rng, services, picks, environments)
    if overrides:
        result["environments"] = overrides
    return result


def _model(rng: random.Random, choice: CatalogModel) -> dict[str, Any]:
    where = pick(rng, ("hf", "s3", "pvc"), (0.6, 0.25, 0.15))
    if where == "hf":
        source = f"hf://{choice.repository}"
    elif where == "s3":
        source = f"s3://models-{rng.choice(['us', 'eu'])}/{choice.vendor}/{choice.name}"
    else:
        source = f"pvc://model-store/{choice.vendor}/{choice.name}"
    return {"name": choice.name, "source": source}


def _service(rng: random.Random, project: str, choice: CatalogModel, number: int) -> dict[str, Any]:
    purpose = "embed" if choice.embedding else rng.choice(("complete", "chat", "answer"))
    name = f"{project}-{purpose}" + (f"-{number}" if number else "")
    service: dict[str, Any] = {"name": name, "model": choice.name}
    form = pick(rng, ("inline", "shared", "image"), (0.45, 0.35, 0.2))
    port = 8000
    if form == "inline":
        runtime: dict[str, Any] = {
            "image": _VLLM,
            "args": [
                "--model=$(MODEL_PATH)",
                f"--port={port}",
                f"--served-model-name={choice.name}",
            ],
            "port": port,
        }
        if choice.embedding:
            runtime["args"].append("--task=embed")
        service["runtime"] = runtime
    elif form == "shared":
        service["runtime"] = SHARED_RUNTIME
    else:
        port = 80
        service["image"] = _TEI if choice.embedding else _TGI
        service["args"] = ["--model-id", "$(MODEL_PATH)", "--port", str(port)]
        service["ports"] = [{"containerPort": port, "name": "http"}]
    if form == "shared" and choice.embedding:
        service["args"] = ["--task=embed"]
    elif form != "image" and not choice.embedding and chance(rng, 0.6):
        service["args"] = [
            f"--max-model-len={rng.choice((4096, 8192, 16384))}",
            "--enable-prefix-caching",
        ]
    if choice.gated:
        service["env"] = [{"name": "HF_TOKEN", "secret": {"name": "hf-token", "key": "token"}}]
    service["readinessProbe"] = {
        "httpGet": {"path": "/health", "port": port},
        "initialDelaySeconds": 60,
        "periodSeconds": 10,
        "failureThreshold": 30,
    }
    service["resources"] = {
        "cpu": "2" if choice.embedding else rng.choice(("4", "8")),
        "memory": "8Gi" if choice.embedding else rng.choice(("24Gi", "32Gi")),
        "gpu": {"count": 1},
    }
    return service


def _overrides(
    rng: random.Random,
    services: list[dict[str, Any]],
    picks: list[CatalogModel],
    environments: tuple[str, ...],
) -> dict[str, Any]:
    """Dev: a share of a GPU per replica, scaled to zero when idle; prod: whole GPUs,
    autoscaled on traffic."""
    overrides: dict[str, Any] = {}
    if "dev" in environments:
        dev = []
        for service, choice in zip(services, picks, strict=True):
            portion = 0.25 if choice.size.endswith("M") else 0.5
            change: dict[str, Any] = {
                "name": service["name"],
                "resources": {"gpu": {"count": 1, "portion": portion}},
                "replicas": {"min": 0, "max": 1},
            }
            if "image" not in service:  # vLLM: keep to its share of the device
                share = f"--gpu-memory-utilization={portion * 0.9:.2f}"
                change["args"] = [*service.get("args", ()), share]
            dev.append(change)
        overrides["dev"] = {"services": dev}
    if "prod" in environments:
        prod = []
        for service in services:
            low = rng.choice((1, 2))
            metric, target = rng.choice((("concurrency", 8), ("concurrency", 16), ("rps", 20)))
            prod.append(
                {
                    "name": service["name"],
                    "replicas": {"min": low, "max": low * rng.choice((3, 4))},
                    "autoscaling": {"metric": metric, "target": target},
                }
            )
        overrides["prod"] = {"services": prod}
    return overrides


def platform_spec() -> dict[str, Any]:
    """The vLLM runtime the platform team keeps for every Run:ai project."""
    return {
        "platform": "runai",
        "servingRuntimes": [
            {
                "name": SHARED_RUNTIME,
                "supports": [
                    {"format": {"name": "safetensors"}, "framework": {"name": "transformers"}}
                ],
                "engine": {
                    "image": _VLLM,
                    "args": ["--model=$(MODEL_PATH)", "--port=8000"],
                    "ports": [{"containerPort": 8000, "name": "http"}],
                },
            }
        ],
    }
