"""A platform file as OME objects (`manifold.targets.ome.platform`): shared models and
runtimes as cluster-scoped objects, what is `external` (installed by other means) left out,
namespaced objects put in the platform's namespace; checked on a small file and on the
repository's example platform file."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.compile.instances import PlatformFile, PlatformInstance
from manifold.compile.platform_files import expand_platform
from manifold.core.manifest import Manifest
from manifold.inputs.decode import decode
from manifold.targets.ome.objects import CLUSTER_SCOPED
from manifold.targets.ome.platform import render_platform
from tests.conftest import REPO_ROOT
from tests.unit import helpers

FORMAT = "format: {name: safetensors}, framework: {name: transformers}"
PLATFORM = f"""\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {{name: shared, team: platform}}
spec:
  platform: ome
  models:
  - {{name: llama, source: "hf://meta/llama", scope: cluster}}
  - {{name: installed, source: "hf://meta/other", scope: cluster, external: true}}
  servingRuntimes:
  - {{name: vllm, engine: {{image: v}}, supports: [{{{FORMAT}}}]}}
  - {{name: theirs, external: true, supports: [{{{FORMAT}}}]}}
  trainingRuntimes: [{{name: trainer, jobs: [{{name: w, containers: [{{name: c, image: i}}]}}]}}]
"""


def _platform(path: str, text: str) -> PlatformInstance:
    document = helpers.document(path, text)
    platform, problems = decode(document, "Platform")
    assert platform is not None, problems
    environment = helpers.environments(dev=helpers.env_text("dev"))["dev"]
    instance, found = expand_platform(PlatformFile(document, platform), environment)
    assert instance is not None, found
    return instance


def test_shared_objects_are_rendered_and_external_ones_left_out() -> None:
    manifests = render_platform(_platform("platform/shared.yaml", PLATFORM))
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
    relative = path.relative_to(REPO_ROOT).as_posix()
    return render_platform(_platform(relative, Path(path).read_text(encoding="utf-8")))


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
