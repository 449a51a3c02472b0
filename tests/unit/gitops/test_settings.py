"""An environment's `sync` settings (`manifold.gitops.settings`): merged along `extends`,
the defaults filled in, and a problem pointed at the file of the chain that wrote it."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.core.diagnostics import Diagnostic
from manifold.gitops.settings import (
    ArgoCdSettings,
    FluxSettings,
    SyncSettings,
    sync_diagnostic,
    sync_settings,
)
from tests.unit.helpers import env_text, environments

REPOSITORY = "https://git.example.com/ai/platform.git"


def _settings(spec: str, base: str = "") -> SyncSettings | Diagnostic | None:
    texts = {"dev": env_text("dev", spec)}
    if base:
        texts["base"] = env_text("base", base)
    return sync_settings(environments(**texts)["dev"])


def test_an_environment_without_sync_has_no_settings() -> None:
    assert _settings("") is None


def test_the_defaults_fill_what_is_not_written() -> None:
    found = _settings(f"sync:\n  repository: {REPOSITORY}\n  flux: {{}}\n  argocd: {{}}\n")
    assert isinstance(found, SyncSettings)
    assert (found.repository, found.branch, found.root) == (REPOSITORY, "main", None)
    assert (found.cluster, found.name, found.object_name) == (
        "in-cluster",
        "manifold",
        "manifold-dev",
    )
    assert found.flux == FluxSettings("flux-system", "10m", None)
    assert found.argocd == ArgoCdSettings("Application", "argocd", "default")
    assert found.folder == "rendered/dev"


def test_written_settings_are_kept() -> None:
    spec = f"""
    sync:
      repository: {REPOSITORY}
      branch: release
      root: deploy
      name: ml
      flux: {{namespace: gitops, interval: 1m, secret: git-auth}}
    """
    found = _settings(spec)
    assert isinstance(found, SyncSettings)
    assert (found.branch, found.folder, found.object_name) == (
        "release",
        "deploy/rendered/dev",
        "ml-dev",
    )
    assert found.flux == FluxSettings("gitops", "1m", "git-auth")
    assert found.argocd is None


def test_settings_are_merged_along_extends() -> None:
    found = _settings(
        "extends: base\nsync:\n  branch: dev\n",
        f"sync:\n  repository: {REPOSITORY}\n  argocd: {{}}\n",
    )
    assert isinstance(found, SyncSettings)
    assert (found.repository, found.branch, found.flux) == (REPOSITORY, "dev", None)


@pytest.mark.parametrize(
    ("spec", "message", "hint"),
    [
        ("sync:\n  flux: {}\n", "sync has no repository", "set sync.repository"),
        (f"sync:\n  repository: {REPOSITORY}\n", "sync names no controller", "`flux: {}`"),
    ],
)
def test_incomplete_settings_are_a_problem_at_the_sync_block(
    spec: str, message: str, hint: str
) -> None:
    found = _settings(spec)
    assert isinstance(found, Diagnostic)
    assert (found.message, found.file, found.path) == (
        message,
        "environments/dev.yaml",
        ("spec", "sync"),
    )
    assert found.hint is not None and hint in found.hint
    assert found.position is not None and found.position.line == 7  # the block under `sync:`


@pytest.mark.parametrize(
    ("path", "file"),
    [
        (("branch",), "environments/base.yaml"),  # written by base only
        (("repository",), "environments/dev.yaml"),  # dev overrides base
        (("cluster",), "environments/dev.yaml"),  # no one wrote it: the last of the chain
    ],
)
def test_a_problem_points_at_the_last_file_of_the_chain_that_wrote_the_setting(
    path: tuple[Any, ...], file: str
) -> None:
    texts = {
        "dev": env_text("dev", f"extends: base\nsync:\n  repository: {REPOSITORY}\n"),
        "base": env_text("base", f"sync:\n  repository: {REPOSITORY}\n  branch: b\n  flux: {{}}\n"),
    }
    diagnostic = sync_diagnostic(environments(**texts)["dev"], path, "bad")
    assert (diagnostic.file, diagnostic.path) == (file, ("spec", "sync", *path))
