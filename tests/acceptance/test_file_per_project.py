"""`spec.files: perProject`: each folder of rendered/<env>/ holds one multi-document
manifest.yaml (as Argo CD's source hydrator writes one per application), beside the default
one object per file. Both layouts hold the same objects with byte-identical text; `check`,
`diff`, ownership and pruning work the same; cached and uncached renders agree."""

from __future__ import annotations

import shutil
from pathlib import Path

from manifold.core import yaml as yamlio
from manifold.output.header import HEADER
from tests.conftest import edit, git, run_cli, tree_bytes


def _per_project(repo: Path, environment: str = "staging") -> None:
    path = repo / f"environments/{environment}.yaml"
    text = path.read_text()
    anchor = next(line for line in text.splitlines(keepends=True) if line.startswith("spec:"))
    path.write_text(text.replace(anchor, anchor + "  files: perProject\n", 1))


def _render(repo: Path) -> None:
    result = run_cli("render", "-C", str(repo))
    assert result.exit_code == 0, result.stderr


def _documents(text: str) -> list[str]:
    """Each object's text, without manifold's header."""
    lines = text.splitlines(keepends=True)
    assert lines[0].rstrip("\n") == HEADER and lines[1].startswith("# Sources: ")
    return "".join(lines[2:]).split("---\n")


def _objects_by_folder(rendered: Path, environment: str) -> dict[str, list[str]]:
    """Each folder's object texts, sorted, from whichever layout the folder has."""
    folders: dict[str, list[str]] = {}
    for folder in sorted(p for p in (rendered / environment).iterdir() if p.is_dir()):
        if any(folder.rglob("index.yaml")):  # API requests
            continue
        texts = [
            document
            for path in sorted(folder.glob("*.yaml"))
            if path.name != "kustomization.yaml"
            for document in _documents(path.read_text())
        ]
        folders[folder.name] = texts
    return folders


def test_both_layouts_hold_the_same_objects_with_the_same_text(example_repo: Path) -> None:
    before = tree_bytes(example_repo / "rendered")
    _per_project(example_repo)
    _render(example_repo)
    rendered = example_repo / "rendered"
    for environment in ("staging", "prod"):  # prod extends staging: the setting is inherited
        folders = [p for p in (rendered / environment).iterdir() if p.is_dir()]
        for folder in folders:
            if any(folder.rglob("index.yaml")):  # API requests
                continue
            assert sorted(p.name for p in folder.iterdir()) == [
                "kustomization.yaml",
                "manifest.yaml",
            ]
            listed = yamlio.load_one((folder / "kustomization.yaml").read_text())["resources"]
            assert listed == ["manifest.yaml"]
    after = tree_bytes(rendered)
    for environment in ("staging", "prod"):
        original = example_repo / "original"
        for relative, data in before.items():
            (original / relative).parent.mkdir(parents=True, exist_ok=True)
            (original / relative).write_bytes(data)
        assert _objects_by_folder(rendered, environment) == _objects_by_folder(
            original, environment
        )
    # dev keeps one object per file, byte for byte; so do the request files everywhere
    for relative, data in before.items():
        if relative.startswith("dev/") or relative.endswith(".json"):
            assert after[relative] == data, relative


def test_switching_back_restores_every_byte_and_keeps_foreign_files(example_repo: Path) -> None:
    before = tree_bytes(example_repo / "rendered")
    staging = example_repo / "environments/staging.yaml"
    original = staging.read_text()
    notes = example_repo / "rendered/staging/semantic-search/NOTES.md"
    notes.write_text("hand-written\n")
    _per_project(example_repo)
    _render(example_repo)
    assert not (
        example_repo / "rendered/staging/semantic-search/inferenceservice-embed.yaml"
    ).exists()
    assert notes.read_text() == "hand-written\n"
    staging.write_text(original)
    _render(example_repo)
    assert not (example_repo / "rendered/staging/semantic-search/manifest.yaml").exists()
    notes.unlink()
    assert tree_bytes(example_repo / "rendered") == before


def test_check_sees_drift_in_the_joined_file(example_repo: Path) -> None:
    _per_project(example_repo)
    _render(example_repo)
    assert run_cli("check", "-C", str(example_repo)).exit_code == 0
    manifest = example_repo / "rendered/prod/semantic-search/manifest.yaml"
    edit(manifest, "kind: InferenceService\n", "kind: InferenceService\n# edited\n")
    result = run_cli("check", "-C", str(example_repo))
    assert result.exit_code == 3
    assert "rendered/prod/semantic-search/manifest.yaml" in result.stderr
    _render(example_repo)
    assert run_cli("check", "-C", str(example_repo)).exit_code == 0


def test_cached_and_uncached_renders_write_the_same_bytes(example_repo: Path) -> None:
    _per_project(example_repo)
    _render(example_repo)
    project = example_repo / "projects/semantic-search.yaml"
    edit(project, 'cpu: "4"', 'cpu: "6"')
    _render(example_repo)  # with the cache: only semantic-search is rendered again
    cached = tree_bytes(example_repo / "rendered")
    shutil.rmtree(example_repo / ".manifold")
    shutil.rmtree(example_repo / "rendered")
    _render(example_repo)
    assert tree_bytes(example_repo / "rendered") == cached


def test_diff_across_a_layout_switch_shows_no_object_changed(example_git_repo: Path) -> None:
    _per_project(example_git_repo)
    _render(example_git_repo)
    git(example_git_repo, "add", "--all")
    result = run_cli("diff", "-C", str(example_git_repo))
    assert result.exit_code == 0, result.stderr
    assert "no differences from main" in result.stderr
    edit(example_git_repo / "projects/semantic-search.yaml", 'cpu: "4"', 'cpu: "6"')
    _render(example_git_repo)
    result = run_cli("diff", "-C", str(example_git_repo))
    assert result.exit_code == 0, result.stderr
    assert "InferenceService" in result.stdout + result.stderr
