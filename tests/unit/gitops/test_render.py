"""Flux and Argo CD objects from the environments' `sync` settings."""

from __future__ import annotations

from pathlib import Path

from manifold.core import yaml as yamlio
from manifold.gitops.render import _only
from tests.conftest import run_cli


def _environment(root: Path, name: str, sync: str, extends: str | None = None) -> None:
    folder = root / "environments"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(
        "apiVersion: manifold.dev/v1alpha1\nkind: Environment\n"
        f"metadata: {{name: {name}}}\nspec:\n"
        + (f"  extends: {extends}\n" if extends else "")
        + f"  sync: {sync}\n"
    )


def test_flux_fetches_only_the_environment_folder() -> None:
    assert _only("rendered/prod") == "/*\n!/rendered/\n/rendered/*\n!/rendered/prod/\n"
    assert _only("a/rendered/dev").splitlines() == [
        "/*",
        "!/a/",
        "/a/*",
        "!/a/rendered/",
        "/a/rendered/*",
        "!/a/rendered/dev/",
    ]


def test_settings_are_inherited_and_defaults_filled_in(tmp_path: Path) -> None:
    _environment(tmp_path, "base", '{repository: "https://git.example.com/p.git", flux: {}}')
    _environment(tmp_path, "dev", "{branch: dev}", extends="base")
    assert run_cli("render", "-C", str(tmp_path)).exit_code == 0
    folder = tmp_path / "rendered/_flux/dev"
    source = yamlio.load_one((folder / "gitrepository-manifold-dev.yaml").read_text())
    assert source["metadata"]["namespace"] == "flux-system"
    assert source["spec"]["interval"] == "10m"
    assert source["spec"]["ref"] == {"branch": "dev"}
    assert source["spec"]["url"] == "https://git.example.com/p.git"


def test_an_environment_without_a_controller_is_an_error(tmp_path: Path) -> None:
    _environment(tmp_path, "dev", '{repository: "https://git.example.com/p.git"}')
    result = run_cli("render", "-C", str(tmp_path))
    assert result.exit_code == 1
    assert "environments/dev.yaml:5:9: spec.sync: sync names no controller" in result.stderr
    assert not (tmp_path / "rendered").exists()


def test_two_environments_cannot_write_the_same_object(tmp_path: Path) -> None:
    repository = 'repository: "https://git.example.com/p.git", argocd: {}'
    _environment(tmp_path, "b-c", f"{{name: a, {repository}}}")
    _environment(tmp_path, "c", f"{{name: a-b, {repository}}}")
    result = run_cli("render", "-C", str(tmp_path))
    assert result.exit_code == 1
    assert "Application argocd/a-b-c is written for environments 'b-c' and 'c'" in result.stderr, (
        result.stderr
    )


def test_rendering_one_environment_rewrites_the_shared_folders(example_repo: Path) -> None:
    """An ApplicationSet lists several environments: its folder is written from all of them."""
    prod = example_repo / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace("interval: 5m", "interval: 7m"))
    result = run_cli("render", "-C", str(example_repo), "--env", "dev")
    assert result.exit_code == 0, result.stderr
    flux = example_repo / "rendered/_flux/prod/kustomization-manifold-prod.yaml"
    assert "interval: 7m" in flux.read_text()
    application_set = example_repo / "rendered/_argocd/applicationset-manifold.yaml"
    assert "path: rendered/staging" in application_set.read_text()
    assert run_cli("check", "-C", str(example_repo)).exit_code == 0


def test_objects_no_longer_wanted_are_removed(example_repo: Path) -> None:
    prod = example_repo / "environments/prod.yaml"
    text = prod.read_text()
    start = text.index("  # The production cluster")
    prod.write_text(text[:start] + "  sync: {flux: null}\n" + text[text.index("  patches:") :])
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    assert not (example_repo / "rendered/_flux").exists()
    application_set = example_repo / "rendered/_argocd/applicationset-manifold.yaml"
    assert "path: rendered/prod" in application_set.read_text()


def test_the_writer_owns_only_its_own_files_there_too(example_repo: Path) -> None:
    notes = example_repo / "rendered/_argocd/NOTES.md"
    notes.write_text("bootstrap with kubectl apply -k rendered/_argocd\n")
    in_the_way = example_repo / "rendered/_flux/prod/gitrepository-manifold-prod.yaml"
    in_the_way.write_text("kind: Mine\n")
    result = run_cli("render", "-C", str(example_repo))
    assert result.exit_code == 1
    assert "rendered/_flux/prod/gitrepository-manifold-prod.yaml" in result.stderr
    in_the_way.unlink()
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    assert notes.read_text().startswith("bootstrap")
    assert run_cli("check", "-C", str(example_repo)).exit_code == 0
