from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.compile import expand as expanding
from manifold.compile import overlay
from manifold.compile.expand import expand, included, includes, includes_platform_file
from manifold.core.diagnostics import Position, Problem
from tests.unit.helpers import env_text, environments, project_file

PROJECT = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: demo, team: ai}
spec:
  platform: ome
  models:
    - {name: m, source: "hf://a/b"}
  services:
    - name: chat
      model: m
      args: [--base]
      resources: {cpu: "2"}
  environments:
    staging:
      services:
        - name: chat
          args: [--staging]
    prod:
      services:
        - name: chat
          replicas: {min: 2, max: 9}
"""


def test_layers_apply_in_order() -> None:
    envs = environments(
        staging=env_text(
            "staging",
            "defaults:\n  services:\n    replicas: {min: 1, max: 3}\n"
            "    resources: {cpu: '1', memory: 1Gi}\n",
        ),
        prod=env_text("prod", "extends: staging\nnamespace: '{{ team }}-{{ project }}'"),
    )
    instance, problems = expand(project_file(PROJECT), envs["prod"])
    assert problems == [] and instance is not None
    service = instance.spec.services[0]
    assert service.args == ["--staging"]  # the staging override reaches prod
    assert (service.replicas.min, service.replicas.max) == (2, 9)  # type: ignore[union-attr]
    assert (service.resources.cpu, service.resources.memory) == ("2", "1Gi")  # type: ignore[union-attr]
    assert instance.namespace == "ai-demo"
    assert instance.sources == (
        "projects/demo.yaml",
        "environments/prod.yaml",
        "environments/staging.yaml",
    )


def test_platform_defaults_are_the_weakest_layer() -> None:
    envs = environments(dev=env_text("dev"))
    instance, _ = expand(project_file(PROJECT), envs["dev"])
    assert instance is not None
    replicas = instance.spec.services[0].replicas
    assert replicas is not None and (replicas.min, replicas.max) == (1, 1)
    assert instance.namespace == "demo-dev"


def test_problems_in_merged_values_point_at_the_layer_that_set_them() -> None:
    envs = environments(dev=env_text("dev"), prod=env_text("prod"))
    broken = PROJECT.replace("replicas: {min: 2, max: 9}", "replicas: {min: 2, mx: 9}")
    instance, problems = expand(project_file(broken), envs["prod"])
    assert instance is None
    assert [(p.file, p.position, p.json_path) for p in problems] == [
        ("projects/demo.yaml", Position(21, 30), "spec.environments.prod.services[0].replicas.mx")
    ]


def test_instance_diagnostics_are_traced_too() -> None:
    envs = environments(prod=env_text("prod"))
    instance, _ = expand(project_file(PROJECT), envs["prod"])
    assert instance is not None
    diagnostic = instance.diagnostic(Problem(("services", 0, "replicas", "max"), "too many"))
    assert diagnostic.json_path == "spec.environments.prod.services[0].replicas.max"
    assert diagnostic.position == Position(21, 35)


def test_namespace_template_problems_point_at_the_template() -> None:
    envs = environments(dev=env_text("dev", "namespace: '{{ project }}_x'"))
    instance, problems = expand(project_file(PROJECT), envs["dev"])
    assert instance is None
    assert problems[0].file == "environments/dev.yaml"
    assert problems[0].json_path == "spec.namespace"
    assert "'demo_x' is not a DNS-1123 label" in problems[0].message


def test_includes() -> None:
    envs = environments(
        all=env_text("all"),
        some=env_text("some", "projects: {include: ['chat-*', exact], exclude: ['*-old']}"),
    )
    assert includes(envs["all"], "anything")
    assert includes(envs["some"], "chat-new") and includes(envs["some"], "exact")
    assert not includes(envs["some"], "chat-old") and not includes(envs["some"], "other")


@pytest.mark.parametrize(
    "selection",
    [
        "",
        "projects: {include: ['*']}",
        "projects: {include: ['chat-*', exact], exclude: ['*-old']}",
        "projects: {include: ['*'], exclude: ['[a-c]*', '*?x']}",
        "projects: {include: ['a*', '*a', 'CHAT-*']}",
        "projects: {include: []}",
    ],
)
def test_included_is_each_name_includes_takes(selection: str) -> None:
    """A differential test: the environment's projects picked all at once are those picked
    one by one, in order."""
    env = environments(e=env_text("e", selection))["e"]
    names = ["chat-new", "chat-old", "CHAT-x", "exact", "exactly", "a", "ba", "abx", "z*", ""]
    assert included(env, names) == sorted(n for n in names if includes(env, n))


PLATFORM_FILE_SELECTIONS = [
    ("", "ml-platform", True),
    ("platformFiles: {exclude: [ml-platform]}", "ml-platform", False),
    ("platformFiles: {exclude: [ml-platform]}", "other", True),
    ("platformFiles: {include: ['ml-*']}", "ml-platform", True),
    ("platformFiles: {include: ['ml-*']}", "substratus", False),
    ("platformFiles: {include: ['*'], exclude: ['ml-*']}", "ml-platform", False),
]


@pytest.mark.parametrize(("spec", "name", "rendered"), PLATFORM_FILE_SELECTIONS)
def test_includes_platform_file(spec: str, name: str, rendered: bool) -> None:
    envs = environments(dev=env_text("dev", spec))
    assert includes_platform_file(envs["dev"], name) is rendered


def test_platform_file_selection_is_inherited_and_replaced_along_extends() -> None:
    envs = environments(
        base=env_text("base", "platformFiles: {exclude: [ml-platform]}"),
        child=env_text("child", "extends: base"),
        again=env_text("again", "extends: child\nplatformFiles: {exclude: []}"),
    )
    assert not includes_platform_file(envs["child"], "ml-platform")
    assert includes_platform_file(envs["again"], "ml-platform")


_NAMES = st.sampled_from(["a", "b", "c"])
_SERVICES = st.none() | st.lists(
    st.fixed_dictionaries({"name": _NAMES}, optional={"port": st.none() | st.integers(0, 9)}),
    max_size=3,
)
_LAYERS = st.lists(
    st.dictionaries(st.sampled_from(["services", "models", "x"]), _SERVICES, max_size=3)
    | _SERVICES,
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(_LAYERS)
def test_service_names_from_the_services_alone_are_those_of_the_whole_merge(
    layers: list[Any],
) -> None:
    """`expand` merges only each layer's `services` to name the services: the same names as
    merging the whole layers, whatever the layers hold (a layer that is no map included)."""
    whole = expanding._service_names(overlay.merge_all(layers))
    cut = [expanding._services(layer) for layer in layers]
    assert expanding._service_names(overlay.merge_all(cut)) == whole
