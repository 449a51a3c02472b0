"""Specs at Substratus API level v0.4.0: a ModelServer running `image.name` or an image built
from `image.git`, with a command and resources, serving a model declared elsewhere; every
other kind is refused, since manifold knows only this one of that release."""

from __future__ import annotations

import pytest

from tests.unit.targets.substratus.inputs import (
    TARGET,
    dev,
    instance,
    messages,
    platform,
    platform_catalog,
    problems,
)

LEVEL = "v0.4.0"
MODEL = "models: [{name: m, source: 'hf://a/b'}]"
PLATFORM = """\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {{name: ml-platform, team: ml}}
spec:
  platform: substratus
  namespace: {namespace}
  models:
  - {{name: shared, source: "hf://a/b", external: true}}
  acceleratorClasses:
  - {{name: nvidia-l4, external: true}}
"""


def _server(fields: str) -> str:
    # The served model is the platform's in practice; a project's model is refused at v0.4.0,
    # so the server is checked alone with its refusals filtered to the services.
    return f"{MODEL}\nservices: [{{name: s, model: m, {fields}}}]"


def _service_messages(spec: str) -> list[str]:
    return [m for m in messages(problems(spec, LEVEL)) if m.startswith("services")]


def test_a_model_servers_image_command_and_resources_are_accepted() -> None:
    spec = _server("image: server:1, command: [serve], resources: {cpu: '2', memory: 4Gi}")
    assert _service_messages(spec) == []
    [model_refusal] = messages(problems(spec, LEVEL))
    assert model_refusal.startswith(
        "models[0]: manifold knows only the ModelServer of Substratus API level v0.4.0"
    )


def test_a_server_of_the_platforms_external_model_renders() -> None:
    project = instance(
        "services: [{name: s, model: shared, image: server:1, command: [serve],"
        " resources: {cpu: '2', memory: 4Gi, gpu: {count: 1, type: nvidia-l4}}},"
        " {name: built, model: shared,"
        " substratus: {build: {git: {url: 'https://example.com/s.git', branch: main}}}}]",
        LEVEL,
    )
    shared = platform(PLATFORM.format(namespace=project.namespace), dev(LEVEL))
    found, manifests = TARGET.compile(project, platform_catalog(shared, project))
    assert messages(list(found)) == []
    assert manifests is not None
    specs = {f"{m.kind}/{m.name}": m.body["spec"] for m in manifests}
    assert specs == {
        "ModelServer/s": {
            "command": ["serve"],
            "image": {"name": "server:1"},
            "model": {"name": "shared"},
            "resources": {"cpu": 2, "memory": 4, "gpu": {"type": "nvidia-l4", "count": 1}},
        },
        "ModelServer/built": {
            "image": {"git": {"url": "https://example.com/s.git", "branch": "main"}},
            "model": {"name": "shared"},
        },
    }
    assert {m.schema_variant for m in manifests} == {LEVEL}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "image: i, env: [{name: A, value: '1'}]",
            "services[0].env: a ModelServer of API level v0.4.0 has no variables; service 's' "
            "cannot set env",
        ),
        (
            "image: i, substratus: {params: {a: 1}}",
            "services[0].substratus.params: substratus.params belongs to Substratus API level "
            "v0.10, which this environment does not run",
        ),
        (
            "command: [serve]",
            "services[0]: a ModelServer runs an image: give service 's' an image (its own, or "
            "an inline runtime's) or substratus.build",
        ),
        (
            "substratus: {build: {git: {url: 'https://example.com/s.git', tag: v1}}}",
            "services[0].substratus.build.git.tag: at Substratus API level v0.4.0 a build "
            "checks out a branch, not a tag",
        ),
    ],
)
def test_what_a_v0_4_model_server_refuses(fields: str, expected: str) -> None:
    assert _service_messages(_server(fields)) == [expected]


@pytest.mark.parametrize(
    ("spec", "what"),
    [
        ("datasets: [{name: d, substratus: {image: loader}}]", "dataset 'd'"),
        (MODEL, "model 'm'"),
        (f"{MODEL}\nnotebooks: [{{name: lab, image: j}}]", "notebook 'lab'"),
    ],
)
def test_other_kinds_are_refused(spec: str, what: str) -> None:
    assert (
        f"manifold knows only the ModelServer of Substratus API level v0.4.0, not its other "
        f"kinds: {what} cannot be rendered"
    ) in [m.split(": ", 1)[1] for m in messages(problems(spec, LEVEL))]
