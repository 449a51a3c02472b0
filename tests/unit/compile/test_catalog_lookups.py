"""Names resolved across one environment: a project's own model or runtime first, then its
platform file's (OME looks in the namespace, then the cluster), with `{ref, scope}` choosing
a side; and which platforms are broken. Written against the lookup functions' inputs and
outputs, which survive the Catalog's move to explicit methods."""

from __future__ import annotations

import pytest

from manifold.compile.catalog import (
    BROKEN_PLATFORM_FILE,
    Catalog,
    find_model,
    find_serving_runtime,
    find_training_runtime,
    project_runtimes,
)
from manifold.compile.instances import PlatformFile, ProjectInstance
from manifold.compile.platform_files import expand_platform
from manifold.inputs.decode import decode
from manifold.models.runtimes import RuntimeRef
from tests.unit import helpers

RUNTIME = (
    "{name: %s, engine: {image: i}, supports: [{format: {name: safetensors},"
    " framework: {name: transformers},"
    " architecture: LlamaForCausalLM}]}"
)
PROJECT = f"""
models: [{{name: own, source: "hf://a/b"}}, {{name: both, source: "hf://a/own"}}]
runtimes: [{RUNTIME % "rt"}, {RUNTIME % "both"}]
trainingRuntimes: [{{name: tr, jobs: [{{name: w, containers: [{{name: c, image: i}}]}}]}}]
services:
  - {{name: svc, model: own, runtime: {{image: i}}}}
  - {{name: named-svc, model: own, runtime: {{name: inline-rt, image: i}}}}
"""
PLATFORM = f"""\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {{name: shared, team: platform}}
spec:
  platform: ome
  models: [{{name: shared, source: "hf://p/shared"}}, {{name: both, source: "hf://p/both"}}]
  servingRuntimes: [{RUNTIME % "shared-rt"}, {RUNTIME % "both"}]
  trainingRuntimes: [{{name: shared-tr, jobs: [{{name: w, containers: [{{name: c, image: i}}]}}]}}]
"""


def _with_platform(instance: ProjectInstance) -> Catalog:
    document = helpers.document("platform/shared.yaml", PLATFORM)
    platform, problems = decode(document, "Platform")
    assert platform is not None, problems
    shared, found = expand_platform(PlatformFile(document, platform), instance.environment)
    assert shared is not None, found
    return Catalog(instance.environment, {instance.name: instance}, platforms={"ome": shared})


@pytest.fixture(scope="module")
def instance() -> ProjectInstance:
    return helpers.project_instance("ome", PROJECT)


@pytest.mark.parametrize(
    ("name", "source", "shared"),
    [
        ("own", "hf://a/b", False),
        ("both", "hf://a/own", False),  # the project's hides the platform's
        ("shared", "hf://p/shared", True),
        ("nowhere", None, None),
    ],
)
def test_find_model(
    instance: ProjectInstance, name: str, source: str | None, shared: bool | None
) -> None:
    found = find_model(instance, _with_platform(instance), name)
    if source is None:
        assert found is None
    else:
        assert found is not None
        assert (str(found.item.source), found.shared) == (source, shared)


def test_without_a_platform_file_only_the_project_is_searched(instance: ProjectInstance) -> None:
    catalog = helpers.lone_catalog(instance)
    assert find_model(instance, catalog, "shared") is None
    assert find_serving_runtime(instance, catalog, "shared-rt") is None
    assert find_training_runtime(instance, catalog, "shared-tr") is None
    assert not catalog.describes_platform("ome")
    assert catalog.platform("ome") is None


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("rt", ("rt", False)),
        ("inline-rt", ("inline-rt", False)),
        ("svc", ("svc", False)),  # an inline runtime without a name takes its service's
        ("both", ("both", False)),
        ("shared-rt", ("shared-rt", True)),
        (RuntimeRef(ref="both", scope="cluster"), ("both", True)),
        (RuntimeRef(ref="shared-rt", scope="namespace"), None),
        (RuntimeRef(ref="rt", scope="namespace"), ("rt", False)),
        ("nowhere", None),
    ],
    ids=repr,
)
def test_find_serving_runtime(
    instance: ProjectInstance, reference: str | RuntimeRef, expected: tuple[str, bool] | None
) -> None:
    found = find_serving_runtime(instance, _with_platform(instance), reference)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert ((found.item.name or reference), found.shared) == expected


@pytest.mark.parametrize(
    ("reference", "expected"),
    [("tr", ("tr", False)), ("shared-tr", ("shared-tr", True)), ("nowhere", None)],
)
def test_find_training_runtime(
    instance: ProjectInstance, reference: str, expected: tuple[str, bool] | None
) -> None:
    found = find_training_runtime(instance, _with_platform(instance), reference)
    assert (None if found is None else (found.item.name, found.shared)) == expected


def test_project_runtimes_name_inline_ones_with_their_service(instance: ProjectInstance) -> None:
    assert [(name, index) for name, _, _, index in project_runtimes(instance)] == [
        ("rt", None),
        ("both", None),
        ("svc", 0),
        ("inline-rt", 1),
    ]


@pytest.mark.parametrize(
    ("broken", "ome_broken", "runai_broken"),
    [
        (frozenset(), False, False),
        (frozenset({"platform:ome"}), True, False),
        (frozenset({BROKEN_PLATFORM_FILE}), True, True),
        (frozenset({"ome"}), False, False),  # a project named ome, not the platform
    ],
)
def test_platform_broken(
    instance: ProjectInstance, broken: frozenset[str], ome_broken: bool, runai_broken: bool
) -> None:
    catalog = Catalog(instance.environment, broken=broken)
    assert (catalog.platform_broken("ome"), catalog.platform_broken("runai")) == (
        ome_broken,
        runai_broken,
    )
