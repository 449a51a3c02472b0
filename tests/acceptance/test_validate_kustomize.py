"""`manifold validate` on a tree with kustomize configuration files: those are skipped, told
apart by content, and a Flux `Kustomization` (a real object) is still validated, whatever the
files are called."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO_ROOT, run_cli

FLUX_BROKEN = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 5m
  prune: "yes"
  sourceRef:
    kind: GitRepository
    name: apps
"""
KUSTOMIZE_CONFIG = (
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"
)
KUSTOMIZE_BARE = "resources:\n- deployment.yaml\n"


def _statuses(folder: Path) -> tuple[int, dict[str, str]]:
    result = run_cli("validate", "-C", str(REPO_ROOT), str(folder), "--format", "json")
    statuses = {Path(r["file"]).name: r["status"] for r in json.loads(result.stdout)["resources"]}
    return result.exit_code, statuses


def test_kustomize_files_are_skipped_and_flux_kustomizations_checked(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(FLUX_BROKEN)
    (tmp_path / "base.yaml").write_text(KUSTOMIZE_CONFIG)
    (tmp_path / "overlay.yaml").write_text(KUSTOMIZE_BARE)
    exit_code, statuses = _statuses(tmp_path)
    assert statuses == {
        "kustomization.yaml": "invalid",
        "base.yaml": "skipped",
        "overlay.yaml": "skipped",
    }
    assert exit_code == 1


def test_the_example_rendered_tree_validates() -> None:
    rendered = REPO_ROOT / "rendered"
    result = run_cli("validate", "-C", str(REPO_ROOT), str(rendered), "--format", "json")
    assert result.exit_code == 0, result.stdout
    statuses = {
        Path(r["file"]).relative_to(rendered).as_posix(): r["status"]
        for r in json.loads(result.stdout)["resources"]
    }
    assert statuses["_flux/prod/kustomization-manifold-prod.yaml"] == "valid"
    assert statuses["_flux/prod/kustomization.yaml"] == "skipped"
    assert statuses["dev/chat-assistant/kustomization.yaml"] == "skipped"
