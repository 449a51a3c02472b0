"""The Substratus target: units and conversions, defaults it fills in, trainers taken from
training runtimes, compute derived at API level v0.3, and the schemas of its levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from manifold.compile.catalog import Catalog
from manifold.compile.expand import expand
from manifold.compile.instances import PlatformFile, ProjectInstance
from manifold.compile.platform_files import expand_platform
from manifold.core.diagnostics import Problem
from manifold.inputs.decode import decode
from manifold.models.common import Resources
from manifold.models.env import EnvFromSecret, EnvValue, EnvVar, SecretKeyRef
from manifold.targets.registry import get_target
from manifold.targets.substratus import convert
from manifold.targets.substratus.v0_3 import parameter_count
from tests.unit import helpers
from tests.unit.helpers import env_text, environments, project_file

TARGET = get_target("substratus")


def _instance(spec: str, level: str | None = None, settings: str = "") -> ProjectInstance:
    text = (
        "apiVersion: manifold.dev/v1alpha1\nkind: Project\n"
        "metadata: {name: demo, team: ai}\nspec:\n  platform: substratus\n"
        + "".join(f"  {line}\n" for line in spec.strip().splitlines())
    )
    platforms = f"platforms:\n  substratus: {{apiLevel: {level}{settings}}}\n" if level else ""
    environment = environments(dev=env_text("dev", platforms))["dev"]
    instance, problems = expand(project_file(text), environment)
    assert instance is not None, problems
    return instance


def _check(spec: str, level: str | None = None) -> list[Problem]:
    instance = _instance(spec, level)
    return list(
        TARGET.compile(instance, Catalog(instance.environment, {instance.name: instance}))[0]
    )


def _render(spec: str, level: str | None = None, settings: str = "") -> dict[str, Any]:
    instance = _instance(spec, level, settings)
    catalog = Catalog(instance.environment, {instance.name: instance})
    problems, manifests = TARGET.compile(instance, catalog)
    assert problems == [] and manifests is not None
    assert {m.schema_variant for m in manifests} == {level or "v0.10"}
    return {f"{m.kind}/{m.name}": m.body["spec"] for m in manifests}


# --------------------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("500m", Decimal("0.5")),
        ("2", Decimal(2)),
        (3, Decimal(3)),
        ("1.5", Decimal("1.5")),
        ("2Gi", Decimal(2 * 2**30)),
        ("100M", Decimal(100_000_000)),
        ("1e3", Decimal(1000)),
        ("1Ei", Decimal(2**60)),
    ],
)
def test_quantities(written: str | int, value: Decimal) -> None:
    assert convert.quantity(written) == value


def test_resources_in_substratus_units() -> None:
    problems: list[Problem] = []
    given = Resources.model_validate(
        {
            "cpu": "8",
            "memory": "16Gi",
            "ephemeralStorage": 107374182400,
            "gpu": {"count": 2, "type": "nvidia-a100"},
        }
    )
    converted = convert.resources(given, ("resources",), problems, "it")
    assert converted == {
        "cpu": 8,
        "memory": 16,
        "disk": 100,
        "gpu": {"type": "nvidia-a100", "count": 2},
    }
    assert problems == []


def test_fractions_of_units_are_refused_with_their_value() -> None:
    problems: list[Problem] = []
    given = Resources.model_validate({"cpu": "1500m", "memory": "1G"})
    assert convert.resources(given, ("r",), problems, "it") == {}
    assert [(p.path, p.message.rsplit(": ", 1)[1]) for p in problems] == [
        (("r", "cpu"), "'1500m' is 1.5 CPUs"),
        (("r", "memory"), "'1G' is 0.93Gi"),
    ]


def test_params_are_integers_or_strings() -> None:
    problems: list[Problem] = []
    values = {"epochs": 3, "rate": 0.0002, "tiny": 1e-05, "shuffle": True, "name": "x"}
    assert convert.params(values, ("p",), problems) == {
        "epochs": 3,
        "rate": "0.0002",
        "tiny": "1e-05",
        "shuffle": "true",
        "name": "x",
    }
    convert.params({"layers": [1, 2]}, ("p",), problems)
    assert [p.path for p in problems] == [("p", "layers")]


def test_a_secret_variable_is_written_for_substratus_to_resolve() -> None:
    problems: list[Problem] = []
    variables: list[EnvVar] = [
        EnvValue(name="A", value="1"),
        EnvFromSecret(name="TOKEN", secret=SecretKeyRef(name="ai", key="HF")),
    ]
    assert convert.env(variables, ("env",), problems) == {
        "A": "1",
        "TOKEN": "${{ secrets.ai.HF }}",
    }


@pytest.mark.parametrize(("size", "count"), [("125M", 125_000_000), ("1.5B", 1_500_000_000)])
def test_parameter_counts(size: str, count: int) -> None:
    assert parameter_count(size) == count


# --------------------------------------------------------------------------- v0.10


def test_hugging_face_models_use_the_environments_loader_and_keep_their_params() -> None:
    spec = """
models:
- name: llama
  source: hf://meta-llama/Llama-2-7b-hf
  substratus: {params: {revision: main}}
"""
    assert _render(spec)["Model/llama"] == {
        "image": "substratusai/model-loader-huggingface",
        "params": {"name": "meta-llama/Llama-2-7b-hf", "revision": "main"},
    }
    mirrored = _render(spec, "v0.10", ', modelLoader: "mirror.example.com/hf-loader:2"')
    assert mirrored["Model/llama"]["image"] == "mirror.example.com/hf-loader:2"


TRAINED = """
models:
- {name: base, source: "hf://a/b"}
datasets:
- name: data
  substratus: {image: loader}
trainingRuntimes:
- name: hf
  jobs:
  - name: train
    containers:
    - name: trainer
      image: trainer:1
      command: [train.sh]
      env: [{name: A, value: runtime}, {name: B, value: runtime}]
fineTunes:
- name: tuned
  baseModel: base
  dataset: data
  hyperParameters: {epochs: 2}
  training:
    runtime: hf
    args: [--fast]
    env: [{name: B, value: fine-tune}]
"""


def test_a_fine_tunes_trainer_is_its_training_runtimes_container() -> None:
    assert _render(TRAINED)["Model/tuned"] == {
        "image": "trainer:1",
        "command": ["train.sh", "--fast"],
        "model": {"name": "base"},
        "dataset": {"name": "data"},
        "env": {"A": "runtime", "B": "fine-tune"},
        "params": {"epochs": 2},
    }


def test_a_training_runtime_of_several_containers_is_refused() -> None:
    last = "      env: [{name: A, value: runtime}, {name: B, value: runtime}]"
    spec = TRAINED.replace(last, f"{last}\n    - {{name: sidecar, image: 'sidecar:1'}}")
    problems = _check(spec)
    assert [(p.path, p.message) for p in problems] == [
        (
            ("trainingRuntimes", 0, "jobs"),
            "Substratus trains in one container; training runtime 'hf' runs 2",
        ),
    ]


def test_an_image_and_a_build_at_once_are_refused() -> None:
    problems = _check(
        """
models:
- {name: m, source: "hf://a/b"}
services:
- name: s
  model: m
  image: server:1
  substratus:
    build:
      git: {url: "https://example.com/server.git"}
"""
    )
    assert [p.path for p in problems] == [("services", 0, "substratus", "build")]


def test_options_of_another_level_are_refused() -> None:
    problems = _check('models:\n- {name: m, source: "hf://a/b", substratus: {compute: [GPU]}}')
    assert [p.path for p in problems] == [("models", 0, "substratus", "compute")]
    assert "API level v0.3" in problems[0].message


# --------------------------------------------------------------------------- v0.3


def test_compute_at_v03_follows_the_gpus_its_servers_ask_for() -> None:
    objects = _render(
        """
datasets:
- name: data
  substratus:
    filename: all.jsonl
models:
- name: big
  source: hf://a/big
  parameterSize: 40B
  substratus:
    build:
      git: {url: "https://example.com/big.git"}
- name: small
  source: hf://a/small
  parameterSize: 125M
  substratus:
    build:
      git: {url: "https://example.com/small.git"}
fineTunes:
- {name: big-tuned, baseModel: big, dataset: data, training: {}}
- {name: small-tuned, baseModel: small, dataset: data, training: {}}
- name: pinned
  baseModel: small
  dataset: data
  training: {}
  substratus: {compute: [CPU, GPU]}
services:
- {name: big, model: big, resources: {gpu: {count: 4}}}
- {name: small, model: small}
- {name: small-tuned, model: small, adapters: [small-tuned], resources: {gpu: {count: 1}}}
""",
        "v0.3",
    )
    compute = {
        name: spec["compute"]["types"] for name, spec in objects.items() if "compute" in spec
    }
    assert compute == {
        "Model/big": ["GPU"],  # its server asks for GPUs
        "Model/small": ["CPU"],
        "Model/big-tuned": ["GPU"],  # its base model's
        "Model/small-tuned": ["GPU"],  # its own server asks for one
        "Model/pinned": ["CPU", "GPU"],  # as given
    }
    assert objects["Model/big-tuned"]["size"] == {"parameterCount": 40_000_000_000}


# --------------------------------------------------------------------------- the platform file


PLATFORM = """\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {name: ml-platform, team: ml}
spec:
  platform: substratus
  namespace: shared
  models:
  - {name: llama, source: "hf://meta-llama/Llama-2-7b-hf"}
  - {name: installed, source: "hf://a/b", external: true}
"""


def test_the_platform_files_models_go_to_its_namespace_unless_external() -> None:
    environment = environments(dev=env_text("dev"))["dev"]
    document = helpers.document("platform/ml.yaml", PLATFORM)
    platform, problems = decode(document, "Platform")
    assert platform is not None, problems
    instance, found = expand_platform(PlatformFile(document, platform), environment)
    assert instance is not None, found
    catalog = Catalog(environment, platforms={"substratus": instance})
    found_problems, manifests = TARGET.compile_platform(instance, catalog)
    assert found_problems == [] and manifests is not None
    assert [(m.kind, m.name, m.namespace, m.body["spec"]["params"]) for m in manifests] == [
        ("Model", "llama", "shared", {"name": "meta-llama/Llama-2-7b-hf"})
    ]


# --------------------------------------------------------------------------- schemas


def test_kinds_that_share_a_name_across_levels_have_a_schema_with_variants() -> None:
    schemas = {kind.kind: kind.schema() for kind in TARGET.output_kinds()}
    variants = {
        kind: [ref["$ref"].rsplit("/", 1)[1] for ref in schema.get("anyOf", [])]
        for kind, schema in schemas.items()
    }
    assert variants == {
        "Dataset": ["v0.10", "v0.3"],
        "Model": ["v0.10", "v0.3"],
        "ModelServer": ["v0.3", "v0.4.0"],
        "Notebook": ["v0.10", "v0.3"],
        "Server": [],
    }
