"""A synthetic manifold repository: N projects that look like a platform team's, and environments.

Every project is drawn from its own seeded random generator, so project i is the same whatever
N is, on every machine and Python version; the repository for N=100 is the first hundred
projects of the one for N=1,000.

Platforms: a project's platform is taken in turn from those manifold's registry knows *and*
`project_spec` can build. Today that is OME alone; when Substratus or Run:ai (or OME's
fine-tuning and benchmark kinds) land, adding a branch to `project_spec` is all it takes for
the benchmark to cover them.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from manifold.targets.registry import platform_names

API_VERSION = "manifold.dev/v1alpha1"
SEED = "manifold-bench-1"
GENERATED_PLATFORMS = ("ome",)
"""Platforms `project_spec` can build a project for."""

_DOMAINS = (
    "ads", "catalog", "checkout", "claims", "docs", "fraud", "growth", "hr", "legal", "logistics",
    "maps", "media", "payments", "pricing", "risk", "search", "security", "support", "trust",
)  # fmt: skip
_PURPOSES = (
    "assistant", "chat", "classify", "embed", "extract", "moderate", "rerank", "summarize",
    "translate", "vision",
)  # fmt: skip
_TEAMS = (
    "applied-ml", "conversational-ai", "data-platform", "discovery", "ml-infra", "nlp-core",
    "personalization", "risk-ml", "search", "vision-lab",
)  # fmt: skip


@dataclass(frozen=True)
class CatalogModel:
    name: str
    repository: str
    architecture: str
    size: str
    capabilities: tuple[str, ...]
    vendor: str
    embedding: bool = False


_CATALOG = (
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
        "Qwen2_5_VLForConditionalGeneration", "7B", ("IMAGE_TEXT_TO_TEXT",), "qwen",
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

# (accelerator class, GPUs per replica, CPU, memory)
_SHAPES = (
    ("nvidia-l4-24gb", 1, "4", "16Gi"),
    ("nvidia-a10g-24gb", 1, "6", "24Gi"),
    ("nvidia-a100-80gb", 1, "10", "30Gi"),
    ("nvidia-a100-80gb", 2, "16", "64Gi"),
    ("nvidia-h100-80gb", 4, "32", "128Gi"),
    ("nvidia-h100-80gb", 8, "64", "256Gi"),
)
_ENGINE_IMAGES = (
    (
        "sglang",
        "docker.io/lmsysorg/sglang:v0.4.6.post1-cu124",
        ["python3", "-m", "sglang.launch_server"],
    ),
    (
        "vllm",
        "docker.io/vllm/vllm-openai:v0.8.5",
        ["python3", "-m", "vllm.entrypoints.openai.api_server"],
    ),
)
_SHARED_RUNTIMES = ("vllm-text-generation", "vllm-embeddings", "srt-default", "tgi-default")


@dataclass(frozen=True)
class Repository:
    """What `write_repository` wrote: its folder and the names in it."""

    root: Path
    projects: tuple[str, ...]
    environments: tuple[str, ...]


def platforms() -> tuple[str, ...]:
    """The platforms projects are spread over: known to manifold and buildable here."""
    known = set(platform_names())
    return tuple(name for name in GENERATED_PLATFORMS if name in known)


def project_name(index: int) -> str:
    rng = random.Random(f"{SEED}:name:{index}")
    return f"{rng.choice(_DOMAINS)}-{rng.choice(_PURPOSES)}-{index:04d}"


def project_document(
    index: int, environments: tuple[str, ...], revision: int = 0
) -> dict[str, Any]:
    """Project `index` as the plain data of its file. A different `revision` changes one label
    (on every object the project renders), as a small pull request would."""
    rng = random.Random(f"{SEED}:project:{index}")
    name = project_name(index)
    available = platforms()
    platform = available[index % len(available)]
    labels = {"cost-center": f"cc-{rng.randrange(1000, 9999)}"}
    if rng.random() < 0.3:
        labels["data-classification"] = rng.choice(["internal", "confidential", "public"])
    if revision:
        labels["revision"] = f"r{revision}"
    return {
        "apiVersion": API_VERSION,
        "kind": "Project",
        "metadata": {"name": name, "team": rng.choice(_TEAMS), "labels": labels},
        "spec": {"platform": platform, **project_spec(platform, rng, name, environments)},
    }


def project_spec(
    platform: str, rng: random.Random, project: str, environments: tuple[str, ...]
) -> dict[str, Any]:
    """The spec of one project on `platform` (without `platform` itself).

    Extend this function, and GENERATED_PLATFORMS, when a platform or workload kind lands.
    """
    if platform == "ome":
        return _ome_spec(rng, project, environments)
    raise ValueError(f"the benchmark cannot generate projects for platform {platform!r} yet")


# --------------------------------------------------------------------------- OME


def _ome_spec(rng: random.Random, project: str, environments: tuple[str, ...]) -> dict[str, Any]:
    picks = rng.sample(_CATALOG, k=rng.choice((1, 1, 1, 2, 2, 3)))
    models = [_ome_model(rng, project, pick) for pick in picks]
    services = []
    for number, (pick, model) in enumerate(zip(picks, models, strict=True)):
        services.append(_ome_service(rng, project, pick, model, number))
    spec: dict[str, Any] = {"models": models, "services": services}
    overrides = _overrides(rng, services, environments)
    if overrides:
        spec["environments"] = overrides
    return spec


def _ome_model(rng: random.Random, project: str, pick: CatalogModel) -> dict[str, Any]:
    scope = "cluster" if rng.random() < 0.2 else "namespace"
    # Cluster-scoped objects share one name space across projects: prefix the project.
    name = f"{project}-{pick.name}" if scope == "cluster" else pick.name
    where = rng.random()
    if where < 0.6:
        source = f"hf://{pick.repository}"
    elif where < 0.85:
        source = f"s3://models-{rng.choice(['us', 'eu'])}/{pick.vendor}/{pick.name}"
    elif scope == "cluster":
        source = f"pvc://model-cache:weights/{pick.name}"
    else:
        source = f"pvc://weights/{pick.name}"
    model: dict[str, Any] = {"name": name, "source": source}
    if scope == "cluster":
        model["scope"] = "cluster"
    model.update(
        {
            "vendor": pick.vendor,
            "format": {"name": "safetensors", "version": "1.0.0"},
            "framework": {"name": "transformers", "version": rng.choice(["4.42.3", "4.51.3"])},
            "architecture": pick.architecture,
            "parameterSize": pick.size,
            "capabilities": list(pick.capabilities),
        }
    )
    storage: dict[str, Any] = {"path": f"/raid/models/{pick.vendor}/{pick.name}"}
    if source.startswith("hf://") and pick.vendor == "meta":
        storage["credentialsSecret"] = "hf-token"
    elif source.startswith("s3://"):
        storage["credentialsSecret"] = "s3-model-reader"
    if rng.random() < 0.3:
        storage["downloadPolicy"] = "ReuseIfExists"
    model["storage"] = storage
    return model


def _ome_service(
    rng: random.Random, project: str, pick: CatalogModel, model: dict[str, Any], number: int
) -> dict[str, Any]:
    purpose = "embed" if pick.embedding else rng.choice(["chat", "complete", "generate", "serve"])
    name = purpose if number == 0 else f"{purpose}-{number}"
    accelerator, gpus, cpu, memory = rng.choice(_SHAPES[:2] if pick.embedding else _SHAPES)
    service: dict[str, Any] = {"name": name, "model": model["name"]}
    form = rng.random()
    if form < 0.35:
        service["runtime"] = _inline_runtime(rng, project, name, gpus)
    elif form < 0.55:
        service["runtime"] = {"ref": f"{project}-runtime", "scope": "namespace"}
    elif form < 0.85:
        service["runtime"] = rng.choice(_SHARED_RUNTIMES)
    # else: no runtime, OME picks one that fits the model
    if "runtime" in service and not isinstance(service["runtime"], dict) and rng.random() < 0.5:
        service["args"] = [f"--max-model-len={rng.choice([512, 4096, 8192, 32768])}"]
    service["env"] = [{"name": "LOG_LEVEL", "value": rng.choice(["info", "warning"])}]
    if pick.vendor == "meta":
        service["env"].append({"name": "HF_TOKEN", "secret": {"name": "hf-token", "key": "token"}})
    service["resources"] = {
        "cpu": cpu,
        "memory": memory,
        "gpu": {"count": gpus, "type": accelerator},
    }
    low = rng.choice((1, 1, 2))
    service["replicas"] = {"min": low, "max": low * rng.choice((1, 2, 4))}
    if service["replicas"]["max"] > low:
        metric = rng.choice(["concurrency", "rps", "cpu"])
        target = {"concurrency": 16, "rps": 200, "cpu": 70}[metric]
        service["autoscaling"] = {"metric": metric, "target": target}
    if not pick.embedding and rng.random() < 0.4:
        service["router"] = {"replicas": {"min": 1, "max": rng.choice((1, 2))}}
    return service


def _inline_runtime(rng: random.Random, project: str, service: str, gpus: int) -> dict[str, Any]:
    engine, image, command = rng.choice(_ENGINE_IMAGES)
    scope = "cluster" if rng.random() < 0.15 else "namespace"
    runtime: dict[str, Any] = {
        "name": f"{project}-{engine}-{service}" if scope == "cluster" else f"{engine}-{service}",
        "image": image,
        "command": list(command),
        "args": ["--host=0.0.0.0", "--port=8080", f"--tensor-parallel-size={gpus}"],
        "port": 8080,
    }
    if scope == "cluster":
        runtime["scope"] = "cluster"
    if rng.random() < 0.5:
        runtime["env"] = [{"name": "NCCL_DEBUG", "value": "WARN"}]
    return runtime


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
    if "prod" in environments and rng.random() < 0.7:
        prod = []
        for service in services:
            low = service["replicas"]["min"] * 2
            change = {"name": service["name"], "replicas": {"min": low, "max": low * 4}}
            if "autoscaling" not in service:
                change["autoscaling"] = {"metric": "concurrency", "target": 32}
            if "router" in service:
                change["router"] = {"replicas": {"min": 2, "max": 2}}
            prod.append(change)
        overrides["prod"] = {"services": prod}
    return overrides


# --------------------------------------------------------------------------- environments


def environment_names(count: int) -> tuple[str, ...]:
    """dev, staging, prod, then regional production environments extending prod."""
    names = ("dev", "staging", "prod")[:count]
    return names + tuple(f"prod-region-{n}" for n in range(1, count - len(names) + 1))


_ENVIRONMENT_SPECS = {
    "dev": """
        namespace: "{{ project }}-dev"
        kubernetesVersion: "1.31"
        labels: {environment-tier: development}
        defaults:
          services:
            nodeSelector: {node-pool: gpu-spot}
            tolerations:
              - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
              - {key: cloud.example.com/spot, operator: Exists, effect: NoSchedule}
    """,
    "staging": """
        namespace: "{{ project }}-staging"
        kubernetesVersion: "1.31"
        labels: {environment-tier: pre-production}
        annotations: {manifold.dev/owner-contact: "#ml-platform"}
        defaults:
          services:
            nodeSelector: {node-pool: gpu-on-demand}
            tolerations:
              - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
        patches:
          - target: {kind: InferenceService}
            mergePatch:
              spec:
                engine:
                  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080"}
    """,
    "prod": """
        extends: staging
        namespace: "{{ project }}"
        labels: {environment-tier: production}
        defaults:
          services:
            nodeSelector: {node-pool: gpu-reserved}
        patches:
          - target: {kind: InferenceService, project: "payments-*"}
            jsonPatch:
              - {op: add, path: /spec/engine/nodeSelector/pci-zone, value: restricted}
    """,
}
_REGION_SPEC = """
    extends: prod
    namespace: "{{ project }}-REGION"
    labels: {region: REGION}
"""


def environment_document(name: str) -> dict[str, Any]:
    if name in _ENVIRONMENT_SPECS:
        text = _ENVIRONMENT_SPECS[name]
    else:
        text = _REGION_SPEC.replace("REGION", name.removeprefix("prod-"))
    return {
        "apiVersion": API_VERSION,
        "kind": "Environment",
        "metadata": {"name": name},
        "spec": yaml.safe_load(textwrap.dedent(text)),
    }


# --------------------------------------------------------------------------- files


def to_yaml(data: Any, schema: str | None = None) -> str:
    header = f"# yaml-language-server: $schema=../schemas/manifold.dev/{schema}\n" if schema else ""
    return header + yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=100)


def write_project(root: Path, index: int, environments: tuple[str, ...], revision: int) -> Path:
    document = project_document(index, environments, revision)
    path = root / "projects" / f"{document['metadata']['name']}.yaml"
    path.write_text(to_yaml(document, "project_v1alpha1.json"), encoding="utf-8")
    return path


def write_repository(root: Path, projects: int, environments: int) -> Repository:
    """A manifold repository in `root` (created; must not hold projects/ or environments/)."""
    names = environment_names(environments)
    (root / "projects").mkdir(parents=True)
    (root / "environments").mkdir()
    for name in names:
        text = to_yaml(environment_document(name), "environment_v1alpha1.json")
        (root / "environments" / f"{name}.yaml").write_text(text, encoding="utf-8")
    written = [write_project(root, index, names, 0).stem for index in range(projects)]
    return Repository(root, tuple(written), names)
