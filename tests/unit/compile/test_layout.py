from __future__ import annotations

from typing import Any

from manifold.compile.layout import (
    LISTINGS,
    PlacedFile,
    assemble,
    collisions,
    layout,
    manifest_path,
    place_together,
)
from manifold.core import yaml as yamlio
from manifold.core.manifest import Manifest
from manifold.core.memo import Memo
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


def test_layout_writes_one_object_per_file_and_a_kustomization_per_project() -> None:
    files = layout(
        "dev",
        [
            _manifest("InferenceService", "b", "p"),
            _manifest("BaseModel", "a", "p"),
            _manifest("BaseModel", "c", "q"),
        ],
        ("environments/dev.yaml",),
    )
    assert list(files) == [
        "dev/p/basemodel-a.yaml",
        "dev/p/inferenceservice-b.yaml",
        "dev/p/kustomization.yaml",
        "dev/q/basemodel-c.yaml",
        "dev/q/kustomization.yaml",
    ]
    assert all(is_generated(text.encode()) for text in files.values())
    kustomization = yamlio.load_one(files["dev/p/kustomization.yaml"])
    assert kustomization["resources"] == ["basemodel-a.yaml", "inferenceservice-b.yaml"]
    # no environment-level list: a project added beside `p` and `q` edits neither file
    assert "dev/kustomization.yaml" not in files
    assert files["dev/q/kustomization.yaml"].splitlines()[1] == "# Sources: projects/q.yaml"
    assert not is_generated(b"apiVersion: v1\n" + HEADER.encode())


def test_collisions_by_identity_and_by_file() -> None:
    a = _manifest("ClusterBaseModel", "m", "a", None)
    b = _manifest("ClusterBaseModel", "m", "b", None)
    same_file = _manifest("ClusterBaseModel", "m", "a", None)
    assert collisions("dev", [a, b]) == [(b, a)]
    assert collisions("dev", [a, same_file]) == [(same_file, a)]
    other_namespace = _manifest("BaseModel", "m", "b", "other")
    assert collisions("dev", [_manifest("BaseModel", "m", "a"), other_namespace]) == []


def test_file_per_project_joins_each_folders_objects_with_their_own_text() -> None:
    manifests = [
        _manifest("InferenceService", "b", "p"),
        _manifest("BaseModel", "a", "p"),
        _manifest("BaseModel", "c", "q"),
    ]
    apart = layout("dev", manifests, ("environments/dev.yaml",))
    together = layout("dev", manifests, ("environments/dev.yaml",), per_project=True)
    assert list(together) == [
        "dev/p/kustomization.yaml",
        "dev/p/manifest.yaml",
        "dev/q/kustomization.yaml",
        "dev/q/manifest.yaml",
    ]
    body = apart["dev/p/basemodel-a.yaml"].split("\n", 2)[2]
    second = apart["dev/p/inferenceservice-b.yaml"].split("\n", 2)[2]
    assert together["dev/p/manifest.yaml"].split("\n", 2)[2] == body + "---\n" + second
    assert yamlio.load_one(together["dev/p/kustomization.yaml"])["resources"] == ["manifest.yaml"]


def test_files_of_one_folder_placed_apart_are_joined_in_file_order() -> None:
    one, other = _manifest("Namespace", "z", None, None), _manifest("Namespace", "y", None, None)
    placed = [*place_together("dev", [one]), *place_together("dev", [other])]
    files = assemble("dev", placed, ("environments/dev.yaml",))
    joined = files["dev/_shared/manifest.yaml"]
    assert isinstance(joined, str)
    names = [doc["metadata"]["name"] for doc in yamlio.load_all(joined)]
    assert names == ["y", "z"]


def test_a_layout_made_again_gives_each_kustomization_as_made_from_nothing() -> None:
    """The texts kept from the last layout of an environment (`LISTINGS`, in the memo
    the caller passes) are used only for a folder that lists the same files from the same
    sources."""
    sources = ("environments/dev.yaml",)
    memo = Memo()
    before = [_manifest("BaseModel", "a", "p"), _manifest("BaseModel", "c", "q")]
    after = [_manifest("BaseModel", "a", "p"), _manifest("BaseModel", "b", "p")]
    for manifests in (before, after, before):
        again = layout("dev", manifests, sources, memo=memo)
        assert memo.get(LISTINGS, "dev")
        assert again == layout("dev", manifests, sources)
        layout("dev", before, sources, memo=memo)  # what the next one may reuse
    moved = [_manifest("BaseModel", "a", "p"), _manifest("BaseModel", "c", "p")]
    text = layout("dev", moved, sources, memo=memo)["dev/p/kustomization.yaml"]
    assert yamlio.load_one(text)["resources"] == ["basemodel-a.yaml", "basemodel-c.yaml"]
    assert "projects/p.yaml" in text.splitlines()[1]


def test_a_kept_kustomization_is_made_again_when_the_environment_files_change() -> None:
    """A folder of the environment's own (`_shared`) names the environment's files: the same
    objects laid out with other environment files give another text, as from nothing."""
    shared = [_manifest("Namespace", "ns", None, None)]
    memo = Memo()
    layout("dev", shared, ("environments/dev.yaml",), memo=memo)
    moved = ("environments/base.yaml", "environments/dev.yaml")
    again = layout("dev", shared, moved, memo=memo)
    assert again == layout("dev", shared, moved)
    assert "environments/base.yaml" in again["dev/_shared/kustomization.yaml"]


def test_a_kept_request_index_is_made_again_when_a_request_changes() -> None:
    """A request index kept from the last layout (`LISTINGS`) is used only while its folder
    holds the same requests: a request from another source gives the index as from nothing."""

    def requests(source: str) -> list[PlacedFile]:
        return [
            PlacedFile(f"dev/_runai/p/{name}.json", "{}\n", (source,), True, "runai")
            for name in ("a", "b")
        ]

    memo = Memo()
    sources = ("environments/dev.yaml",)
    first = assemble("dev", requests("projects/p.yaml"), sources, memo)
    assert first == assemble("dev", requests("projects/p.yaml"), sources, memo)
    moved = assemble("dev", requests("projects/q.yaml"), sources, memo)
    assert moved == assemble("dev", requests("projects/q.yaml"), sources)
    index = moved["dev/_runai/p/index.yaml"]
    assert isinstance(index, str) and "projects/q.yaml" in index
    assert "projects/p.yaml" not in index
