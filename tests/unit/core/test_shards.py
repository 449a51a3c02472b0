"""core.shards: which shard owns which file of rendered/."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from manifold.core.shards import Shard, parse_shard, shard_of, unit_of


@pytest.mark.parametrize(
    ("text", "shard"),
    [
        ("1/1", Shard(1, 1)),
        ("2/4", Shard(2, 4)),
        (" 3/3 ", Shard(3, 3)),
        ("0/2", None),
        ("3/2", None),
        ("1/0", None),
        ("-1/2", None),
        ("1 / 2", None),
        ("01/2", None),
        ("a/b", None),
        ("", None),
    ],
)
def test_parse(text: str, shard: Shard | None) -> None:
    assert parse_shard(text) == shard


@pytest.mark.parametrize(
    ("path", "unit"),
    [
        ("dev/chat-assistant/inferenceservice-chat.yaml", "chat-assistant"),
        ("dev/chat-assistant/kustomization.yaml", "chat-assistant"),
        ("prod/chat-assistant/manifest.yaml", "chat-assistant"),
        ("dev/ml-platform/acceleratorclass-nvidia-l4-24gb.yaml", "ml-platform"),
        ("dev/_shared/namespace-team.yaml", None),
        ("dev/_runai/index.yaml", None),
        ("dev/_runai/kustomization.yaml", None),
        ("dev/_runai/code-assistant/inference-complete.json", "code-assistant"),
        ("dev/_runai/code-assistant/index.yaml", "code-assistant"),
        ("_flux/prod/kustomization.yaml", None),
        ("_argocd/applicationset-manifold.yaml", None),
        ("dev/stray.yaml", None),
    ],
)
def test_units(path: str, unit: str | None) -> None:
    assert unit_of(path) == unit


def test_the_hash_is_sha256_and_does_not_move() -> None:
    # int.from_bytes(sha256(b"chat-assistant")[:8], "big") is 13321986630640230298. Pinned:
    # a change of the hash would move projects to other CI jobs, and should be seen.
    assert [shard_of("chat-assistant", n) for n in (1, 2, 3, 4)] == [1, 1, 2, 3]
    assert 13321986630640230298 % 4 + 1 == 3
    assert shard_of("semantic-search", 4) == 2


def test_the_hash_does_not_depend_on_the_hash_seed() -> None:
    code = "from manifold.core.shards import shard_of; print(shard_of('faq-answers', 7))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_every_file_has_exactly_one_owner(count: int) -> None:
    paths = [
        "dev/a/x.yaml",
        "dev/b/x.yaml",
        "prod/c/manifest.yaml",
        "dev/_shared/namespace-n.yaml",
        "dev/_runai/index.yaml",
        "dev/_runai/b/index.yaml",
        "dev/_runai/b/inference-x.json",
        "_flux/dev/kustomization.yaml",
    ]
    for path in paths:
        owners = [i for i in range(1, count + 1) if Shard(i, count).owns(path)]
        assert len(owners) == 1, path


@pytest.mark.parametrize("count", [2, 3, 5])
def test_a_projects_requests_go_with_its_objects(count: int) -> None:
    """The index and the requests it lists stay together, in the project's shard."""
    for project in ("a", "b", "code-assistant", "faq-answers"):
        files = [f"dev/{project}/x.yaml", f"dev/_runai/{project}/index.yaml"]
        files.append(f"dev/_runai/{project}/inference-x.json")
        owners = {i for path in files for i in range(1, count + 1) if Shard(i, count).owns(path)}
        assert owners == {shard_of(project, count)}
