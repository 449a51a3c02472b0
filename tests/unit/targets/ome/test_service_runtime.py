"""The runtime a service runs with (`manifold.targets.ome.service_runtime`): the one it names,
the inline one it defines, or the one OME's selector would auto-select, decided offline only
when a platform file says which runtimes the cluster has."""

from __future__ import annotations

import pytest

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.models.project import InlineRuntime, Service
from manifold.targets.ome.service_runtime import (
    accelerators,
    auto_selectable,
    candidates,
    multi_node_images,
    runtime_used,
)
from tests.unit import helpers

FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
RUNTIME = "{name: %s, engine: {image: i}, supports: [{" + FORMAT + ", autoSelect: true}]}"
PLATFORM = helpers.platform_text(f"servingRuntimes: [{RUNTIME % 'shared-rt'}]")
PROJECT = f"""
models: [{{name: m, source: "hf://a/b", {FORMAT}}}, {{name: bare, source: "hf://a/c"}}]
runtimes: [{RUNTIME % "own-rt"}]
services:
  - {{name: named, model: m, runtime: own-rt}}
  - {{name: inline, model: m, runtime: {{image: i}}}}
  - {{name: auto, model: m}}
  - {{name: own-image, model: m, image: mine}}
  - {{name: no-format, model: bare}}
"""


def _catalog(instance: ProjectInstance, with_platform: bool) -> Catalog:
    if not with_platform:
        return helpers.lone_catalog(instance)
    return helpers.catalog_with_platform(instance, PLATFORM)


@pytest.fixture(scope="module")
def instance() -> ProjectInstance:
    return helpers.project_instance("ome", PROJECT)


def _service(instance: ProjectInstance, name: str) -> Service:
    return next(s for s in instance.spec.services if s.name == name)


@pytest.mark.parametrize(
    ("service", "with_platform", "expected"),
    [
        ("named", False, "own-rt"),
        ("inline", False, InlineRuntime),
        ("auto", False, None),  # the cluster's runtimes are unknown without a platform file
        ("auto", True, "own-rt"),  # the project's runtime comes first among equals
        ("own-image", True, None),  # OME runs the service's own runner
        ("no-format", True, None),  # OME fills the format in after download
    ],
)
def test_the_runtime_used(
    instance: ProjectInstance, service: str, with_platform: bool, expected: object
) -> None:
    used = runtime_used(instance, _catalog(instance, with_platform), _service(instance, service))
    if expected is None or isinstance(expected, type):
        assert used is None if expected is None else isinstance(used, expected)
    else:
        assert used is not None and not isinstance(used, InlineRuntime)
        assert used.name == expected


def test_the_candidates_are_the_projects_then_the_platforms(instance: ProjectInstance) -> None:
    names = [c.name for c in candidates(instance, _catalog(instance, with_platform=True))]
    assert names[0] == "own-rt" and names[-1] == "shared-rt"
    assert "shared-rt" not in [c.name for c in candidates(instance, _catalog(instance, False))]


def test_auto_selection_is_decided_offline_only_with_a_platform_file_and_a_format(
    instance: ProjectInstance,
) -> None:
    with_platform, without = _catalog(instance, True), _catalog(instance, False)
    model, bare = instance.spec.models
    assert auto_selectable(instance, with_platform, model)
    assert not auto_selectable(instance, without, model)
    assert not auto_selectable(instance, with_platform, bare)


@pytest.mark.parametrize(
    ("service", "classes", "multi_node"),
    [
        ("{name: s, model: m}", (), False),
        (
            "{name: s, model: m, resources: {gpu: {count: 1, type: l4}},"
            " decoder: {resources: {gpu: {count: 1, type: a100}}}}",
            ("a100", "l4"),
            False,
        ),
        ("{name: s, model: m, leader: {image: a}, worker: {size: 1, image: b}}", (), True),
        ("{name: s, model: m, leader: {image: a}, worker: {size: 1}}", (), False),
    ],
)
def test_accelerators_and_multi_node_images(
    service: str, classes: tuple[str, ...], multi_node: bool
) -> None:
    instance = helpers.project_instance(
        "ome", f'models: [{{name: m, source: "hf://a/b"}}]\nservices: [{service}]'
    )
    (parsed,) = instance.spec.services
    assert accelerators(parsed) == classes
    assert multi_node_images(parsed) is multi_node
