"""A Substratus project -> objects at its environment's API level (`project`): which level
writes them, and, one row a rule, what holds at every level (no runtimes to refer to, one
model a server, one replica, names shared by models and fine-tunes, models looked up in the
namespace of what uses them)."""

from __future__ import annotations

import pytest

from manifold.targets.substratus.render import LEVEL_MODULES, project, settings_of
from tests.unit.helpers import lone_catalog
from tests.unit.targets.substratus.inputs import (
    dev,
    instance,
    messages,
    platform,
    platform_catalog,
)

MODEL = "models: [{name: m, source: 'hf://a/b'}]"
DATASET = "datasets: [{name: d, substratus: {image: loader}}]"


def _problems(spec: str) -> list[str]:
    given = instance(spec)
    return messages(project(given, lone_catalog(given)).problems)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            f"{MODEL}\nruntimes: [{{name: r, supports: [{{format: {{name: gguf}},"
            " framework: {name: llama}}], engine: {image: i}}]",
            "runtimes[0]: Substratus has no serving runtimes (a server runs its own image): "
            "runtime 'r' cannot be rendered",
        ),
        (
            f"{MODEL}\n{DATASET}\nfineTunes: [{{name: m, baseModel: m, dataset: d,"
            " training: {image: t}}]",
            "fineTunes[0].name: fine-tune 'm' has the name of a model; on Substratus both are "
            "Models, whose names must differ",
        ),
        (
            f"{MODEL}\n{DATASET}\nfineTunes: [{{name: t, baseModel: m, dataset: d,"
            " source: 'hf://x/y', type: LoRA}]",
            "fineTunes[0].training: Substratus makes a fine-tuned model by training it; "
            "fine-tune 't' has no training",
        ),
        (
            f"{MODEL}\n{DATASET}\nfineTunes: [{{name: t, baseModel: m, dataset: d,"
            " training: {image: t}, disabled: true}]",
            "fineTunes[0].disabled: Substratus cannot express a disabled model, which "
            "fine-tune 't' asks for",
        ),
        (
            "models: [{name: m, source: 'hf://a/b', disabled: true}]",
            "models[0].disabled: Substratus cannot express a disabled model, which model 'm' "
            "asks for",
        ),
        (
            "models: [{name: m, source: 'hf://a/b', scope: cluster}]",
            "models[0].scope: Substratus cannot express cluster-wide models (a Substratus "
            "Model lives in one namespace), which model 'm' asks for",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, image: i, adapters: [a, b]}}]",
            "services[0].adapters: a Substratus server serves one model: service 's' cannot "
            "serve 2 fine-tunes",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, image: i, replicas: {{min: 1, max: 3}}}}]",
            "services[0].replicas: Substratus cannot express replicas other than one, which "
            "service 's' asks for",
        ),
        (
            f"{MODEL}\nservices: [{{name: s, model: m, image: i, runtime: vllm}}]",
            "services[0].runtime: Substratus has no serving runtimes to refer to: a server "
            "runs its own image",
        ),
    ],
)
def test_rules_of_every_level(spec: str, expected: str) -> None:
    assert expected in _problems(spec)


def test_a_replicas_refusal_says_how_to_undo_a_default() -> None:
    given = instance(
        f"{MODEL}\nservices: [{{name: s, model: m, image: i, replicas: {{min: 2, max: 2}}}}]"
    )
    [problem] = project(given, lone_catalog(given)).problems
    assert problem.hint is not None and "`replicas: null`" in problem.hint


def test_a_server_adapting_its_model_serves_the_fine_tune() -> None:
    given = instance(
        f"{MODEL}\n{DATASET}\n"
        "fineTunes: [{name: t, baseModel: m, dataset: d, training: {image: x}}]\n"
        "services: [{name: s, model: m, image: i, adapters: [t]}]"
    )
    context = project(given, lone_catalog(given))
    assert context.problems == []
    [server] = [m for m in context.manifests if m.kind == "Server"]
    assert server.body["spec"]["model"] == {"name": "t"}


@pytest.mark.parametrize(
    ("level", "server_kind"), [(None, "Server"), ("v0.10", "Server"), ("v0.3", "ModelServer")]
)
def test_the_environments_level_writes_the_objects(level: str | None, server_kind: str) -> None:
    given = instance(f"{MODEL}\nservices: [{{name: s, model: m}}]", level)
    context = project(given, lone_catalog(given))
    assert context.level is LEVEL_MODULES[level or "v0.10"]
    assert settings_of(given.environment).api_level == (level or "v0.10")
    assert [m.kind for m in context.manifests] == ["Model", server_kind]
    assert {m.schema_variant for m in context.manifests} == {level or "v0.10"}


def test_a_platform_model_in_another_namespace_cannot_be_found() -> None:
    given = instance("services: [{name: s, model: shared, image: i}]")
    shared = platform(
        "apiVersion: manifold.dev/v1alpha1\nkind: Platform\n"
        "metadata: {name: ml-platform, team: ml}\nspec:\n  platform: substratus\n"
        "  namespace: models\n  models: [{name: shared, source: 'hf://a/b'}]\n",
        dev(),
    )
    problems = project(given, platform_catalog(shared, given)).problems
    assert messages(problems) == [
        f"services[0].model: service 's' uses the platform's model 'shared', which is in "
        f"namespace 'models'; Substratus looks models up in the namespace of what uses them "
        f"({given.namespace!r})"
    ]
