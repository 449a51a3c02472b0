"""What every platform's projects draw from: the teams, the models a platform team would
serve, the GPU shapes of the clusters, and small helpers for seeded choices."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

DOMAINS = (
    "ads", "catalog", "checkout", "claims", "docs", "fraud", "growth", "hr", "legal", "logistics",
    "maps", "media", "payments", "pricing", "risk", "search", "security", "support", "trust",
)  # fmt: skip
PURPOSES = (
    "assistant", "chat", "classify", "embed", "extract", "moderate", "rerank", "summarize",
    "translate", "vision",
)  # fmt: skip
TEAMS = (
    "applied-ml", "conversational-ai", "data-platform", "discovery", "ml-infra", "nlp-core",
    "personalization", "risk-ml", "search", "vision-lab",
)  # fmt: skip


@dataclass(frozen=True)
class CatalogModel:
    name: str
    repository: str
    """On Hugging Face."""
    architecture: str
    size: str
    capabilities: tuple[str, ...]
    vendor: str
    embedding: bool = False
    vision: bool = False

    @property
    def gated(self) -> bool:
        """Meta's repositories need a Hugging Face token."""
        return self.vendor == "meta"

    @property
    def generates(self) -> bool:
        return not self.embedding and not self.vision


MODELS = (
    CatalogModel(
        "llama-3-1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct", "LlamaForCausalLM", "8B",
        ("TEXT_TO_TEXT",), "meta",
    ),
    CatalogModel(
        "llama-3-1-70b-instruct", "meta-llama/Llama-3.1-70B-Instruct", "LlamaForCausalLM", "70B",
        ("TEXT_TO_TEXT",), "meta",
    ),
    CatalogModel(
        "mistral-7b-instruct-v0-3", "mistralai/Mistral-7B-Instruct-v0.3", "MistralForCausalLM",
        "7B", ("TEXT_TO_TEXT",), "mistralai",
    ),
    CatalogModel(
        "qwen2-5-7b-instruct", "Qwen/Qwen2.5-7B-Instruct", "Qwen2ForCausalLM", "7B",
        ("TEXT_TO_TEXT",), "qwen",
    ),
    CatalogModel(
        "qwen2-5-vl-7b-instruct", "Qwen/Qwen2.5-VL-7B-Instruct",
        "Qwen2_5_VLForConditionalGeneration", "7B", ("IMAGE_TEXT_TO_TEXT",), "qwen", vision=True,
    ),
    CatalogModel(
        "bge-large-en-v1-5", "BAAI/bge-large-en-v1.5", "BertModel", "335M", ("EMBEDDING",),
        "baai", embedding=True,
    ),
    CatalogModel(
        "e5-mistral-7b-instruct", "intfloat/e5-mistral-7b-instruct", "MistralModel", "7B",
        ("EMBEDDING",), "intfloat", embedding=True,
    ),
)  # fmt: skip
SMALL_MODELS = (
    CatalogModel(
        "opt-125m", "facebook/opt-125m", "OPTForCausalLM", "125M", ("TEXT_TO_TEXT",), "facebook"
    ),
    CatalogModel(
        "falcon-7b-instruct", "tiiuae/falcon-7b-instruct", "FalconForCausalLM", "7B",
        ("TEXT_TO_TEXT",), "tiiuae",
    ),
    CatalogModel(
        "phi-2", "microsoft/phi-2", "PhiForCausalLM", "2.7B", ("TEXT_TO_TEXT",), "microsoft"
    ),
)  # fmt: skip
"""What teams fine-tune and try out in notebooks on Substratus."""


def generation_models(models: Sequence[CatalogModel]) -> tuple[CatalogModel, ...]:
    return tuple(model for model in models if model.generates)


@dataclass(frozen=True)
class Shape:
    """A replica's share of a node: accelerator class, GPUs, CPU and memory."""

    accelerator: str
    gpus: int
    cpu: str
    memory: str


SHAPES = (
    Shape("nvidia-l4-24gb", 1, "4", "16Gi"),
    Shape("nvidia-a10g-24gb", 1, "6", "24Gi"),
    Shape("nvidia-a100-80gb", 1, "10", "30Gi"),
    Shape("nvidia-a100-80gb", 2, "16", "64Gi"),
    Shape("nvidia-h100-80gb", 4, "32", "128Gi"),
    Shape("nvidia-h100-80gb", 8, "64", "256Gi"),
)
SMALL_SHAPES = SHAPES[:2]
"""Enough for embedding models and for 7B models with a short context."""


def shape_for(rng: random.Random, model: CatalogModel) -> Shape:
    """A shape the model fits: 70B models on four GPUs or more, embeddings on one small GPU."""
    if model.embedding:
        return rng.choice(SMALL_SHAPES)
    if model.size == "70B":
        return rng.choice(SHAPES[4:])
    return rng.choice(SHAPES[:4])


def pick(rng: random.Random, choices: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(choices, weights)[0]


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability
