"""A platform file as OME objects (`manifold.targets.ome.platform`): shared models and
runtimes as cluster-scoped objects, what is `external` (installed by other means) left out,
namespaced objects put in the platform's namespace; checked on a small file and on the
repository's example platform file."""

from __future__ import annotations

import pytest

from manifold.core.manifest import Manifest
from manifold.targets.ome.objects import CLUSTER_SCOPED
from manifold.targets.ome.platform import render_platform
from tests.conftest import REPO_ROOT
from tests.unit import helpers

FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
PLATFORM = helpers.platform_text(
    f"""
models:
- {{name: llama, source: "hf://meta/llama", scope: cluster}}
- {{name: installed, source: "hf://meta/other", scope: cluster, external: true}}
servingRuntimes:
- {{name: vllm, engine: {{image: v}}, supports: [{{{FORMAT}}}]}}
- {{name: theirs, external: true, supports: [{{{FORMAT}}}]}}
trainingRuntimes: [{{name: trainer, jobs: [{{name: w, containers: [{{name: c, image: i}}]}}]}}]
"""
)


def test_shared_objects_are_rendered_and_external_ones_left_out() -> None:
    manifests = render_platform(helpers.platform_instance(PLATFORM))
    assert [(m.kind, m.name, m.component, m.spec_path) for m in manifests] == [
        ("ClusterBaseModel", "llama", "model", ("models", 0)),
        ("ClusterServingRuntime", "vllm", "runtime", ("servingRuntimes", 0)),
        ("ClusterTrainingRuntime", "trainer", "runtime", ("trainingRuntimes", 0)),
    ]
    assert all(m.project == "shared" and not m.namespaced for m in manifests)
    assert "namespace" not in manifests[0].body["metadata"]


@pytest.fixture(scope="module")
def example() -> list[Manifest]:
    (path,) = sorted((REPO_ROOT / "platform").glob("*.yaml"))
    return render_platform(helpers.platform_instance(path.read_text(encoding="utf-8")))


def test_the_examples_objects_are_scoped_as_omes_kinds_are(example: list[Manifest]) -> None:
    assert example
    for manifest in example:
        metadata = manifest.body["metadata"]
        assert manifest.namespaced is (manifest.kind not in CLUSTER_SCOPED)
        assert ("namespace" in metadata) is manifest.namespaced, manifest.kind
        assert manifest.body["apiVersion"] == "ome.io/v1beta1"


def test_the_examples_objects_are_named_once_per_kind(example: list[Manifest]) -> None:
    keys = [(m.kind, m.body["metadata"].get("namespace"), m.name) for m in example]
    assert len(keys) == len(set(keys))
