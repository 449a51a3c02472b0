"""Substratus projects and the Substratus platform file.

A project loads one or two models from Hugging Face (or from a bucket, with a loader image
of its own) and serves each on a Server; some load a dataset, fine-tune a model on it
(with the platform's trainer or an image of their own) and serve the fine-tuned model, and
some keep a notebook to try it in dev, suspended in staging and prod. Substratus places
pods by GPU type, so services drop the node pool and tolerations the environments' defaults
give every service.
"""

from __future__ import annotations

import random
from typing import Any

from bench.synthetic.catalog import MODELS, SMALL_MODELS, CatalogModel, chance, pick

PLATFORM_NAME = "substratus-platform"
GPU_TYPES = ("nvidia-a100", "nvidia-l4", "nvidia-t4")
"""The GPU types Substratus's controller knows."""
TRAINER = "substratusai/model-trainer-huggingface"
TRAINING_RUNTIME = "hf-trainer"
_CATALOG = (*SMALL_MODELS, *(model for model in MODELS if model.generates and model.size != "70B"))
_SERVERS = (
    ("substratusai/model-server-basaran", [{"name": "MODEL_LOAD_IN_8BIT", "value": "true"}]),
    ("substratusai/model-server-llama-cpp", [{"name": "N_CTX", "value": "4096"}]),
)
_CORPORA = ("faq", "tickets", "manuals", "chats", "reviews")


def spec(
    rng: random.Random, project: str, environments: tuple[str, ...], showcase: bool
) -> dict[str, Any]:
    """A Substratus project; `showcase`: with a fine-tune and a notebook, whatever the draw."""
    picks = rng.sample(_CATALOG, k=rng.choice((1, 1, 2)))
    models = [_model(rng, project, choice) for choice in picks]
    result: dict[str, Any] = {"models": models}
    corpus = rng.choice(_CORPORA)
    dataset = f"{corpus}-data"
    fine_tune = None
    if showcase or chance(rng, 0.5):
        base = rng.choice(picks)
        fine_tune = _fine_tune(rng, base, dataset, corpus)
        result["fineTunes"] = [fine_tune]
    notebook = None
    if showcase or chance(rng, 0.4):
        notebook = _notebook(rng, fine_tune["name"] if fine_tune else picks[0].name, dataset)
        result["notebooks"] = [notebook]
    if fine_tune or notebook:
        result["datasets"] = [_dataset(rng, project, dataset, corpus)]
    result["services"] = [
        _service(rng, choice, fine_tune, number) for number, choice in enumerate(picks)
    ]
    overrides = _overrides(rng, result, environments)
    if overrides:
        result["environments"] = overrides
    return result


def _model(rng: random.Random, project: str, choice: CatalogModel) -> dict[str, Any]:
    model: dict[str, Any] = {"name": choice.name}
    if chance(rng, 0.8):
        model["source"] = f"hf://{choice.repository}"  # Substratus's Hugging Face loader
        if choice.gated:
            secret = {"name": "hf-token", "key": "token"}
            model["substratus"] = {"env": [{"name": "HUGGING_FACE_HUB_TOKEN", "secret": secret}]}
    else:
        bucket = f"gs://{project}-models"
        model["source"] = f"{bucket}/{choice.name}"
        model["substratus"] = {
            "image": "ghcr.io/acme/model-loader-gcs:0.3.1",
            "params": {"bucket": bucket, "prefix": choice.name},
        }
    model["parameterSize"] = choice.size
    return model


def _dataset(rng: random.Random, project: str, name: str, corpus: str) -> dict[str, Any]:
    if chance(rng, 0.8):
        loader: dict[str, Any] = {
            "image": "ghcr.io/acme/dataset-loader-http:1.2.0",
            "params": {"url": f"https://data.acme.example/{project}/{corpus}.jsonl"},
        }
    else:
        loader = {
            "build": {"git": {"url": f"https://github.com/acme/{project}-data", "branch": "main"}}
        }
    return {"name": name, "substratus": loader}


def _fine_tune(rng: random.Random, base: CatalogModel, dataset: str, corpus: str) -> dict[str, Any]:
    training: dict[str, Any]
    if chance(rng, 0.5):
        training = {"runtime": TRAINING_RUNTIME}  # the platform's trainer
    else:
        training = {
            "image": TRAINER,
            "resources": {
                "cpu": rng.choice((4, 8)),
                "memory": rng.choice(("16Gi", "32Gi")),
                "gpu": {"count": 1, "type": rng.choice(("nvidia-l4", "nvidia-a100"))},
            },
        }
    return {
        "name": f"{base.name}-{corpus}",
        "baseModel": base.name,
        "dataset": dataset,
        "hyperParameters": {"epochs": 1, "batchSize": rng.choice((4, 8, 16))},
        "training": training,
    }


def _notebook(rng: random.Random, model: str, dataset: str) -> dict[str, Any]:
    return {
        "name": "explore",
        "model": model,
        "dataset": dataset,
        "image": "substratusai/base:latest",
        "resources": {"gpu": {"count": 1, "type": rng.choice(("nvidia-t4", "nvidia-l4"))}},
        "suspend": False,
    }


def _service(
    rng: random.Random, choice: CatalogModel, fine_tune: dict[str, Any] | None, number: int
) -> dict[str, Any]:
    purpose = rng.choice(("answers", "chat", "complete", "draft"))
    service: dict[str, Any] = {
        "name": purpose if number == 0 else f"{purpose}-{number}",
        "model": choice.name,
    }
    if fine_tune is not None and fine_tune["baseModel"] == choice.name:
        service["adapters"] = [fine_tune["name"]]  # serves the fine-tuned model
    if chance(rng, 0.15):
        url = f"https://github.com/acme/{choice.name}-server"
        service["substratus"] = {"build": {"git": {"url": url, "tag": "v1.4.0"}}}
    else:
        image, env = rng.choice(_SERVERS)
        service["image"] = image
        service["env"] = [dict(variable) for variable in env]
    small = choice.size.endswith("M")
    gpu: dict[str, Any] = {"count": 1}
    kind = pick(rng, ("nvidia-l4", "nvidia-a100", "any"), (0.5, 0.3, 0.2))
    if kind != "any":
        gpu["type"] = kind
    service["resources"] = {
        "cpu": 2 if small else rng.choice((4, 8)),
        "memory": "8Gi" if small else rng.choice(("16Gi", "32Gi")),
        "gpu": gpu,
    }
    # The environments' defaults place services on GPU node pools: Substratus does it itself.
    service["nodeSelector"] = None
    service["tolerations"] = None
    return service


def _overrides(
    rng: random.Random, result: dict[str, Any], environments: tuple[str, ...]
) -> dict[str, Any]:
    """Dev serves on cheaper GPUs; staging (and prod, which extends it) trains longer and
    suspends the notebooks."""
    overrides: dict[str, Any] = {}
    if "dev" in environments and chance(rng, 0.5):
        overrides["dev"] = {
            "services": [
                {"name": service["name"], "resources": {"gpu": {"type": "nvidia-t4"}}}
                for service in result["services"]
            ]
        }
    staging: dict[str, Any] = {}
    if "fineTunes" in result:
        epochs = rng.choice((2, 3))
        staging["fineTunes"] = [
            {"name": fine_tune["name"], "hyperParameters": {"epochs": epochs}}
            for fine_tune in result["fineTunes"]
        ]
    if "notebooks" in result:
        staging["notebooks"] = [
            {"name": notebook["name"], "suspend": True} for notebook in result["notebooks"]
        ]
    if "staging" in environments and staging:
        overrides["staging"] = staging
    return overrides


def platform_spec() -> dict[str, Any]:
    """The GPU types of the cluster (built into Substratus) and the trainer fine-tunes use."""
    return {
        "platform": "substratus",
        "namespace": PLATFORM_NAME,
        "acceleratorClasses": [{"name": name, "external": True} for name in GPU_TYPES],
        "trainingRuntimes": [
            {
                "name": TRAINING_RUNTIME,
                "jobs": [
                    {
                        "name": "trainer",
                        "containers": [
                            {
                                "name": "trainer",
                                "image": TRAINER,
                                "resources": {
                                    "cpu": 8,
                                    "memory": "32Gi",
                                    "gpu": {"count": 1, "type": "nvidia-a100"},
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }
