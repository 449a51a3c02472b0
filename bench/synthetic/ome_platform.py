"""What the platform team of the synthetic repository offers OME projects, and its platform
file: accelerator classes, the shared serving runtimes (engines, images, the architectures
and accelerators each serves, which OME auto-selects), the router, and the training runtimes
LoRA fine-tunes run on. bench/synthetic/ome.py writes the projects that use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.synthetic.catalog import MODELS, SHAPES, CatalogModel, Shape

PLATFORM_NAME = "ml-platform"


@dataclass(frozen=True)
class Engine:
    name: str
    image: str
    command: tuple[str, ...]
    model_flag: str
    """How the server is told where the model is."""
    parallel_flag: str
    """How it is told to spread the model over the replica's GPUs."""

    def args(self, gpus: int | None = None) -> list[str]:
        parallel = [f"{self.parallel_flag}={gpus}"] if gpus else []
        return ["--port=8080", f"{self.model_flag}=$(MODEL_PATH)", *parallel]


SGLANG = Engine(
    "sglang", "docker.io/lmsysorg/sglang:v0.4.6.post1-cu124",
    ("python3", "-m", "sglang.launch_server"), "--model-path", "--tp-size",
)  # fmt: skip
VLLM = Engine(
    "vllm", "docker.io/vllm/vllm-openai:v0.8.5",
    ("python3", "-m", "vllm.entrypoints.openai.api_server"), "--model", "--tensor-parallel-size",
)  # fmt: skip
TGI = Engine(
    "tgi", "ghcr.io/huggingface/text-generation-inference:3.3.0",
    ("text-generation-launcher",), "--model-id", "--num-shard",
)  # fmt: skip
ENGINES = (SGLANG, VLLM)
"""What projects run in the runtimes they define themselves."""
ROUTER_IMAGE = "docker.io/lmsysorg/sgl-model-gateway:v0.2.4"
ROUTER_ARGS = ("--service-discovery", "--policy=cache_aware")


def router_container() -> dict[str, Any]:
    """What a router runs: SGLang's model gateway, finding the engines by service discovery
    (a runtime's router configuration, or the router of a service whose runtime has none)."""
    return {"image": ROUTER_IMAGE, "args": list(ROUTER_ARGS)}


@dataclass(frozen=True)
class SharedRuntime:
    """A ClusterServingRuntime of the platform file."""

    name: str
    engine: Engine
    architectures: tuple[str, ...]
    accelerators: tuple[str, ...]
    priority: int | None = None
    """Auto-selected with this priority (None: only by name)."""

    def fits(self, model: CatalogModel, shape: Shape) -> bool:
        return model.architecture in self.architectures and shape.accelerator in self.accelerators


_ALL_ACCELERATORS = tuple(sorted({shape.accelerator for shape in SHAPES}))
_TEXT = tuple(sorted({m.architecture for m in MODELS if m.generates}))
_TEXT_AND_IMAGES = (*_TEXT, *sorted({m.architecture for m in MODELS if m.vision}))
SHARED_RUNTIMES = (
    SharedRuntime(
        "vllm-text-generation", VLLM, _TEXT_AND_IMAGES,
        _ALL_ACCELERATORS, priority=1,
    ),
    SharedRuntime(
        "vllm-embeddings", VLLM, ("BertModel", "MistralModel"),
        ("nvidia-a10g-24gb", "nvidia-l4-24gb"), priority=2,
    ),
    SharedRuntime(
        "srt-default", SGLANG, _TEXT_AND_IMAGES,
        ("nvidia-a100-80gb", "nvidia-h100-80gb"),
    ),
    SharedRuntime(
        "tgi-default", TGI, _TEXT, ("nvidia-a100-80gb", "nvidia-a10g-24gb", "nvidia-l4-24gb")
    ),
)  # fmt: skip
FORMAT = {"name": "safetensors", "version": "1.0.0"}
FRAMEWORK_VERSIONS = ("4.42.3", "4.51.3")


_ACCELERATORS = {
    "nvidia-l4-24gb": ("ada-lovelace", "l4", "NVIDIA-L4", "24Gi", "8.9"),
    "nvidia-a10g-24gb": ("ampere", "a10g", "NVIDIA-A10G", "24Gi", "8.6"),
    "nvidia-a100-80gb": ("ampere", "a100", "NVIDIA-A100-SXM4-80GB", "80Gi", "8.0"),
    "nvidia-h100-80gb": ("hopper", "h100", "NVIDIA-H100-80GB-HBM3", "80Gi", "9.0"),
}


def platform_spec() -> dict[str, Any]:
    """What the platform team offers OME projects: accelerator classes, serving runtimes
    (some auto-selected), and a training runtime for LoRA fine-tunes."""
    return {
        "platform": "ome",
        "namespace": PLATFORM_NAME,
        "acceleratorClasses": [
            {
                "name": name,
                "vendor": "nvidia",
                "family": family,
                "model": model,
                "discovery": {"nodeSelector": {"nvidia.com/gpu.product": product}},
                "capabilities": {"memoryGB": memory, "computeCapability": compute},
                "resources": [{"name": "nvidia.com/gpu", "quantity": 1}],
            }
            for name, (family, model, product, memory, compute) in _ACCELERATORS.items()
        ],
        "servingRuntimes": [_shared_runtime(runtime) for runtime in SHARED_RUNTIMES],
        "trainingRuntimes": [
            _training_runtime(name, gpus, memory) for name, (gpus, memory) in TRAINERS.items()
        ],
    }


TRAINERS = {"peft-lora": (2, "200Gi"), "peft-qlora": (1, "96Gi")}
"""The platform's training runtimes: GPUs and memory of their one node."""


def _training_runtime(name: str, gpus: int, memory: str) -> dict[str, Any]:
    container = {
        "name": "trainer",
        "image": "ghcr.io/example/peft-trainer:0.4.1",
        "args": [f"--method={name.removeprefix('peft-')}"],
        "resources": {"cpu": str(8 * gpus), "memory": memory, "gpu": {"count": gpus}},
    }
    return {
        "name": name,
        "nodes": 1,
        "torch": {"procsPerNode": "auto"},
        "jobs": [{"name": "trainer", "replicas": 1, "containers": [container]}],
    }


def supported(architecture: str) -> dict[str, Any]:
    """A runtime's supported format for the catalog's models of one architecture (whichever
    of FRAMEWORK_VERSIONS they name: OME's GreaterThanOrEqual serves versions up to the
    runtime's, so the runtime states the newest)."""
    return {
        "format": dict(FORMAT),
        "framework": {
            "name": "transformers",
            "version": max(FRAMEWORK_VERSIONS, key=lambda v: tuple(map(int, v.split(".")))),
            "operator": "GreaterThanOrEqual",
        },
        "architecture": architecture,
    }


def _shared_runtime(runtime: SharedRuntime) -> dict[str, Any]:
    supports = []
    for architecture in runtime.architectures:
        entry = supported(architecture)
        if runtime.priority is not None:
            entry.update({"autoSelect": True, "priority": runtime.priority})
        supports.append(entry)
    return {
        "name": runtime.name,
        "supports": supports,
        "protocols": ["openAI"],
        "accelerators": list(runtime.accelerators),
        "engine": {
            "image": runtime.engine.image,
            "command": list(runtime.engine.command),
            "args": runtime.engine.args(),
            "ports": [{"containerPort": 8080, "name": "http1", "protocol": "TCP"}],
        },
        "router": router_container(),
    }
