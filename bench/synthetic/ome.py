"""OME projects and the OME platform file.

A project serves one to three catalog models, each on its own service, with one of four
runtime forms: an inline runtime, a runtime the project defines, a runtime of the platform
file by name, or none (OME auto-selects one of the platform's). Some projects fine-tune a
LoRA adapter of one of their models on a dataset (a TrainingJob on the platform's training
runtime, and a FineTunedWeight the service serves), and some benchmark one of their
services in staging (a BenchmarkJob). The platform file defines every runtime, training
runtime and accelerator class the projects name, so the references are checked.
"""

from __future__ import annotations

import random
from typing import Any

from bench.synthetic.catalog import (
    MODELS,
    CatalogModel,
    chance,
    generation_models,
    pick,
    shape_for,
)
from bench.synthetic.ome_platform import (
    ENGINES,
    FORMAT,
    FRAMEWORK_VERSIONS,
    SHARED_RUNTIMES,
    TRAINERS,
    router_container,
    supported,
)


def spec(
    rng: random.Random, project: str, environments: tuple[str, ...], showcase: bool
) -> dict[str, Any]:
    """An OME project; `showcase`: with a fine-tune and a benchmark, whatever the draw."""
    picks = rng.sample(MODELS, k=rng.choice((1, 1, 1, 2, 2, 3)))
    fine_tuned = showcase or chance(rng, 0.3)
    generating = generation_models(picks)
    if fine_tuned and not generating:
        picks[0] = rng.choice(generation_models(MODELS))
        generating = (picks[0],)
    models = [_model(rng, project, choice) for choice in picks]
    services = [
        _service(rng, project, choice, model, number)
        for number, (choice, model) in enumerate(zip(picks, models, strict=True))
    ]
    result: dict[str, Any] = {"models": models, "services": services}
    runtime = _project_runtime(rng, services, picks)
    if runtime is not None:
        result["runtimes"] = [runtime]
    if fine_tuned:
        base = rng.choice(generating)
        served = [s for s, choice in zip(services, picks, strict=True) if choice is base]
        _fine_tune(rng, project, result, models[picks.index(base)]["name"], served, showcase)
    overrides = _overrides(rng, services, environments)
    if showcase or chance(rng, 0.35):
        _benchmark(rng, project, result, overrides, services, picks, environments)
    if overrides:
        result["environments"] = overrides
    return result


def _model(rng: random.Random, project: str, choice: CatalogModel) -> dict[str, Any]:
    scope = "cluster" if chance(rng, 0.2) else "namespace"
    # Cluster-scoped objects share one name space across projects: prefix the project.
    name = f"{project}-{choice.name}" if scope == "cluster" else choice.name
    where = rng.random()
    if where < 0.6:
        source = f"hf://{choice.repository}"
    elif where < 0.85:
        source = f"s3://models-{rng.choice(['us', 'eu'])}/{choice.vendor}/{choice.name}"
    elif scope == "cluster":
        source = f"pvc://model-cache:weights/{choice.name}"
    else:
        source = f"pvc://weights/{choice.name}"
    model: dict[str, Any] = {"name": name, "source": source}
    if scope == "cluster":
        model["scope"] = "cluster"
    model.update(
        {
            "vendor": choice.vendor,
            "format": dict(FORMAT),
            "framework": {"name": "transformers", "version": rng.choice(FRAMEWORK_VERSIONS)},
            "architecture": choice.architecture,
            "parameterSize": choice.size,
            "capabilities": list(choice.capabilities),
        }
    )
    storage: dict[str, Any] = {"path": f"/raid/models/{choice.vendor}/{choice.name}"}
    if source.startswith("hf://") and choice.gated:
        storage["credentialsSecret"] = "hf-token"
    elif source.startswith("s3://"):
        storage["credentialsSecret"] = "s3-model-reader"
    if chance(rng, 0.3):
        storage["downloadPolicy"] = "ReuseIfExists"
    model["storage"] = storage
    return model


def _service(
    rng: random.Random,
    project: str,
    choice: CatalogModel,
    model: dict[str, Any],
    number: int,
) -> dict[str, Any]:
    if choice.embedding:
        purpose = "embed"
    elif choice.vision:
        purpose = "describe"
    else:
        purpose = rng.choice(["chat", "complete", "generate", "serve"])
    name = purpose if number == 0 else f"{purpose}-{number}"
    shape = shape_for(rng, choice)
    service: dict[str, Any] = {"name": name, "model": model["name"]}
    shared = [runtime for runtime in SHARED_RUNTIMES if runtime.fits(choice, shape)]
    form = pick(rng, ("inline", "project", "shared", "auto"), (0.35, 0.2, 0.3, 0.15))
    if form == "inline":
        service["runtime"] = _inline_runtime(rng, project, name, shape.gpus)
    elif form == "project":
        service["runtime"] = {"ref": _PROJECT_RUNTIME, "scope": "namespace"}
    elif form == "shared":
        service["runtime"] = rng.choice(shared).name
    # else: no runtime, OME auto-selects the platform's that fits the model
    if form == "shared" and chance(rng, 0.5):
        service["args"] = [f"--max-model-len={rng.choice([512, 4096, 8192, 32768])}"]
    service["env"] = [{"name": "LOG_LEVEL", "value": rng.choice(["info", "warning"])}]
    if choice.gated:
        service["env"].append({"name": "HF_TOKEN", "secret": {"name": "hf-token", "key": "token"}})
    service["resources"] = {
        "cpu": shape.cpu,
        "memory": shape.memory,
        "gpu": {"count": shape.gpus, "type": shape.accelerator},
    }
    low = rng.choice((1, 1, 2))
    service["replicas"] = {"min": low, "max": low * rng.choice((1, 2, 4))}
    if service["replicas"]["max"] > low:
        # OME scales a Deployment with an HPA on a resource (targets/ome/scaling.py): cpu or
        # memory; three choices keep the generator's random stream as it was
        metric = rng.choice(["cpu", "memory", "cpu"])
        target = {"memory": 80, "cpu": 70}[metric]
        service["autoscaling"] = {"metric": metric, "target": target}
    if not choice.embedding and chance(rng, 0.4):
        service["router"] = {"replicas": {"min": 1, "max": rng.choice((1, 2))}}
        if form == "inline":  # an inline runtime has no router: the service says what runs
            service["router"].update(router_container())
    return service


def _inline_runtime(rng: random.Random, project: str, service: str, gpus: int) -> dict[str, Any]:
    engine = rng.choice(ENGINES)
    scope = "cluster" if chance(rng, 0.15) else "namespace"
    name = f"{engine.name}-{service}"
    runtime: dict[str, Any] = {
        "name": f"{project}-{name}" if scope == "cluster" else name,
        "image": engine.image,
        "command": list(engine.command),
        "args": ["--host=0.0.0.0", *engine.args(gpus)],
        "port": 8080,
    }
    if scope == "cluster":
        runtime["scope"] = "cluster"
    if chance(rng, 0.5):
        runtime["env"] = [{"name": "NCCL_DEBUG", "value": "WARN"}]
    return runtime


_PROJECT_RUNTIME = "team-serving"
"""The runtime a project defines for those of its services that refer to it."""


def _project_runtime(
    rng: random.Random, services: list[dict[str, Any]], picks: list[CatalogModel]
) -> dict[str, Any] | None:
    """The project's own runtime, if a service refers to it: it supports the models and runs
    on the accelerator classes of the services that do."""
    users = [
        (service, choice)
        for service, choice in zip(services, picks, strict=True)
        if service.get("runtime") == {"ref": _PROJECT_RUNTIME, "scope": "namespace"}
    ]
    if not users:
        return None
    engine = rng.choice(ENGINES)
    architectures = sorted({choice.architecture for _, choice in users})
    accelerators = sorted({service["resources"]["gpu"]["type"] for service, _ in users})
    return {
        "name": _PROJECT_RUNTIME,
        "supports": [supported(architecture) for architecture in architectures],
        "protocols": ["openAI"],
        "accelerators": accelerators,
        "engine": {
            "image": engine.image,
            "command": list(engine.command),
            "args": ["--host=0.0.0.0", *engine.args()],
        },
        "router": router_container(),
    }


_CORPORA = ("tickets", "transcripts", "documents", "qa-pairs", "reviews")


def _fine_tune(
    rng: random.Random,
    project: str,
    result: dict[str, Any],
    base: str,
    served: list[dict[str, Any]],
    showcase: bool,
) -> None:
    """A LoRA adapter of `base` trained on a dataset of the project, served by the services
    of `base` (most of the time)."""
    domain = project.split("-")[0]
    corpus = rng.choice(_CORPORA)
    region = rng.choice(["us", "eu"])
    dataset = f"{domain}-{corpus}"
    name = f"{project}-{corpus}-lora"  # FineTunedWeights are cluster-wide: prefix the project
    rank = rng.choice((8, 16, 32))
    epochs = rng.choice((1, 2, 3))
    result["datasets"] = [
        {
            "name": dataset,
            "source": f"s3://ml-data-{region}/{project}/{corpus}.jsonl",
            "storage": {"credentialsSecret": "data-reader"},
        }
    ]
    result["fineTunes"] = [
        {
            "name": name,
            "baseModel": base,
            "dataset": dataset,
            "type": "LoRA",
            "source": f"s3://ml-models-{region}/adapters/{project}/{name}",
            "hyperParameters": {"learning_rate": 0.0002, "epochs": epochs, "lora_r": rank},
            "training": {
                "runtime": rng.choice(list(TRAINERS)),
                "args": [f"--epochs={epochs}", f"--lora-r={rank}"],
            },
        }
    ]
    if showcase or chance(rng, 0.8):
        for service in served:
            service["adapters"] = [name]


_SCENARIOS = {
    "text-to-text": ("D(100,100)", "D(2000,200)", "N(480,240)/(300,150)", "U(50,100)"),
    "text-to-embeddings": ("E(64,1)", "E(512,8)"),
    "image-to-text": ("I(512,512)", "I(1024,512,2)"),
}


def _benchmark(
    rng: random.Random,
    project: str,
    result: dict[str, Any],
    overrides: dict[str, Any],
    services: list[dict[str, Any]],
    picks: list[CatalogModel],
    environments: tuple[str, ...],
) -> None:
    """A load test of one service, in staging (which prod extends: not there)."""
    number = rng.randrange(len(services))
    choice = picks[number]
    task = _task(choice)
    scenarios = _SCENARIOS[task]
    benchmark = {
        "name": f"{services[number]['name']}-load",
        "target": {"service": services[number]["name"]},
        "task": task,
        "trafficScenarios": sorted(rng.sample(scenarios, k=rng.randint(1, len(scenarios)))),
        "concurrency": rng.choice(([1, 4, 16], [1, 4, 16, 64], [8, 32])),
        "maxTimePerIteration": rng.choice((5, 10, 15)),
        "maxRequestsPerIteration": rng.choice((200, 500, 1000)),
        "output": {"uri": f"s3://ml-results/benchmarks/{project}"},
    }
    if "staging" not in environments:
        result["benchmarks"] = [benchmark]
        return
    overrides.setdefault("staging", {})["benchmarks"] = [benchmark]
    if "prod" in environments:
        overrides.setdefault("prod", {})["benchmarks"] = None


def _task(model: CatalogModel) -> str:
    if model.embedding:
        return "text-to-embeddings"
    return "image-to-text" if model.vision else "text-to-text"


def _overrides(
    rng: random.Random, services: list[dict[str, Any]], environments: tuple[str, ...]
) -> dict[str, Any]:
    """Small per-environment differences: dev scaled down, prod scaled up."""
    overrides: dict[str, Any] = {}
    if "dev" in environments:
        dev = []
        for service in services:
            change: dict[str, Any] = {"name": service["name"], "replicas": {"min": 1, "max": 1}}
            if "autoscaling" in service:
                change["autoscaling"] = None
            if "router" in service:
                change["router"] = None
            dev.append(change)
        overrides["dev"] = {"services": dev}
    if "prod" in environments and chance(rng, 0.7):
        prod = []
        for service in services:
            low = service["replicas"]["min"] * 2
            change = {"name": service["name"], "replicas": {"min": low, "max": low * 4}}
            if "autoscaling" not in service:
                change["autoscaling"] = {"metric": "cpu", "target": 80}
            if "router" in service:
                change["router"] = {"replicas": {"min": 2, "max": 2}}
            prod.append(change)
        overrides["prod"] = {"services": prod}
    return overrides
