from __future__ import annotations

from typing import Any

from manifold.compile.layout import collisions, layout, manifest_path
from manifold.core import yaml as yamlio
from manifold.core.manifest import Manifest
from manifold.output.header import HEADER, is_generated


def _manifest(kind: str, name: str, project: str | None, namespace: str | None = "ns") -> Manifest:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    body = {"apiVersion": "ome.io/v1beta1", "kind": kind, "metadata": metadata}
    return Manifest(body, namespace is not None, project, (f"projects/{project}.yaml",))


def test_paths() -> None:
    assert manifest_path("dev", _manifest("InferenceService", "chat", "p")) == (
        "dev/p/inferenceservice-chat.yaml"
    )
    assert manifest_path("dev", _manifest("Namespace", "ns", None, None)) == (
        "dev/_shared/namespace-ns.yaml"
    )


def test_layout_writes_one_object_per_file_and_a_kustomization() -> None:
    files = layout(
        "dev",
        [_manifest("InferenceService", "b", "p"), _manifest("BaseModel", "a", "p")],
        ("environments/dev.yaml",),
    )
    assert list(files) == [
        "dev/kustomization.yaml",
        "dev/p/basemodel-a.yaml",
        "dev/p/inferenceservice-b.yaml",
    ]
    assert all(is_generated(text.encode()) for text in files.values())
    kustomization = yamlio.load_one(files["dev/kustomization.yaml"])
    assert kustomization["resources"] == ["p/basemodel-a.yaml", "p/inferenceservice-b.yaml"]
    # the environment's files only: a list of projects would make every addition conflict
    assert files["dev/kustomization.yaml"].splitlines()[1] == "# Sources: environments/dev.yaml"
    assert not is_generated(b"apiVersion: v1\n" + HEADER.encode())


def test_collisions_by_identity_and_by_file() -> None:
    a = _manifest("ClusterBaseModel", "m", "a", None)
    b = _manifest("ClusterBaseModel", "m", "b", None)
    same_file = _manifest("ClusterBaseModel", "m", "a", None)
    assert collisions("dev", [a, b]) == [(b, a)]
    assert collisions("dev", [a, same_file]) == [(same_file, a)]
    other_namespace = _manifest("BaseModel", "m", "b", "other")
    assert collisions("dev", [_manifest("BaseModel", "m", "a"), other_namespace]) == []
