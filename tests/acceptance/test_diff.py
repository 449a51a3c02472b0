"""`manifold diff` on the repository's example, committed to a throwaway git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from manifold.diff.format import COMMENT_MARKER
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, edit, git, run_cli
from tests.snapshots import JsonSnapshot, MarkdownSnapshot, TextSnapshot

PROJECT = "projects/chat-assistant.yaml"
# The engine's replicas in the prod override (the decoder's, below it, stay as they are).
PROD_OVERRIDE = "replicas: {min: 2, max: 8}\n          autoscaling"
PROD_OVERRIDE_EDITED = "replicas: {min: 2, max: 12}\n          autoscaling"


@pytest.fixture
def one_value_edited(example_git_repo: Path) -> Path:
    """The tour's edit (README.md): prod's chat service may grow to 12 replicas, not 8."""
    edit(example_git_repo / PROJECT, PROD_OVERRIDE, PROD_OVERRIDE_EDITED)
    return example_git_repo


class TestOneValueEdited:
    """Exactly one object and one field differ, in every format."""

    def test_text(self, one_value_edited: Path, snapshot: SnapshotAssertion) -> None:
        result = run_cli("diff", "-C", str(one_value_edited))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == snapshot(extension_class=TextSnapshot)
        assert "1 resource differs from main: 0 added, 1 changed, 0 removed" in result.stderr

    def test_markdown(self, one_value_edited: Path, snapshot: SnapshotAssertion) -> None:
        result = run_cli("diff", "-C", str(one_value_edited), "--format", "markdown")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(COMMENT_MARKER + "\n")
        assert result.stdout == snapshot(extension_class=MarkdownSnapshot)

    def test_json(self, one_value_edited: Path, snapshot: SnapshotAssertion) -> None:
        result = run_cli("diff", "-C", str(one_value_edited), "--format", "json")
        assert result.exit_code == 0, result.stderr
        payload = json.loads(result.stdout)
        assert payload["summary"] == {"added": 0, "changed": 1, "removed": 0}
        [resource] = payload["resources"]
        assert (resource["kind"], resource["namespace"], resource["name"]) == (
            "InferenceService",
            "chat-assistant",
            "chat",
        )
        assert resource["fields"] == [{"path": "spec.engine.maxReplicas", "before": 8, "after": 12}]
        assert result.stdout == snapshot(extension_class=JsonSnapshot)

    def test_the_workflow_page_shows_this_very_comment(self, one_value_edited: Path) -> None:
        comment = run_cli("diff", "-C", str(one_value_edited), "--format", "markdown").stdout
        page = (REPO_ROOT / "docs/workflow.md").read_text()
        assert comment in page, "docs/workflow.md's example diff is stale"

    def test_exit_code(self, one_value_edited: Path) -> None:
        assert run_cli("diff", "-C", str(one_value_edited), "--exit-code").exit_code == 1

    def test_rendered_on_disk(self, one_value_edited: Path) -> None:
        result = run_cli("diff", "-C", str(one_value_edited), "--working-tree", "--exit-code")
        assert result.exit_code == 1
        assert "1 resource differs from rendered/ on disk" in result.stderr
        assert run_cli("render", "-C", str(one_value_edited)).exit_code == 0
        after = run_cli("diff", "-C", str(one_value_edited), "--working-tree", "--exit-code")
        assert after.exit_code == 0
        assert after.stdout == ""
        assert "no differences from rendered/ on disk" in after.stderr
        committed = run_cli("diff", "-C", str(one_value_edited), "--exit-code")
        assert committed.exit_code == 1, "the base is rendered/ as committed, not on disk"


def test_no_differences(example_git_repo: Path) -> None:
    result = run_cli("diff", "-C", str(example_git_repo), "--exit-code", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{COMMENT_MARKER}\n### manifold diff against `main`\n\n" + (
        "No rendered object changes.\n"
    )


def test_formatting_noise_is_not_a_difference(example_git_repo: Path) -> None:
    """A committed file whose keys were reordered and requoted holds the same object."""
    committed = example_git_repo / "rendered/dev/semantic-search/basemodel-bge-large-en-v1-5.yaml"
    text = committed.read_text()
    edit(committed, "spec:\n  vendor: baai\n", "spec:\n")
    edit(
        committed, "  modelParameterSize: 335M\n", "  modelParameterSize: '335M'\n  vendor: baai\n"
    )
    assert committed.read_text() != text
    git(example_git_repo, "commit", "--quiet", "--all", "--message=reformatted")
    assert run_cli("check", "-C", str(example_git_repo)).exit_code == 3
    assert run_cli("diff", "-C", str(example_git_repo), "--exit-code").exit_code == 0


def test_added_and_removed(example_git_repo: Path) -> None:
    project = example_git_repo / PROJECT
    edit(project, "    - name: chat\n      model:", "    - name: talk\n      model:")
    edit(project, "        - name: chat\n", "        - name: talk\n")
    edit(project, "target: {service: chat}", "target: {service: talk}")
    result = run_cli("diff", "-C", str(example_git_repo), "--format", "json")
    assert result.exit_code == 0, result.stderr
    changes = {
        (r["folder"], r["change"], r["kind"], r["name"])
        for r in json.loads(result.stdout)["resources"]
    }
    for environment in ("dev", "staging", "prod"):
        assert (environment, "added", "InferenceService", "talk") in changes
        assert (environment, "removed", "InferenceService", "chat") in changes


def test_secrets_committed_to_rendered_are_masked(example_git_repo: Path) -> None:
    """Inputs cannot carry credentials any more, but an old commit's rendered/ can."""
    runtime = (
        example_git_repo
        / "rendered/dev/chat-assistant/servingruntime-srt-llama-3-1-8b-instruct.yaml"
    )
    edit(
        runtime,
        "      - name: HF_TOKEN\n",
        "      - name: OPENAI_API_KEY\n        value: sk-live-0123456789abcdefghij\n"
        "      - name: HF_TOKEN\n",
    )
    git(example_git_repo, "commit", "--quiet", "--all", "--message=a secret slipped in")
    result = run_cli("diff", "-C", str(example_git_repo), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "sk-live" not in result.stdout
    changes = {
        (r["folder"], r["change"], r["name"]) for r in json.loads(result.stdout)["resources"]
    }
    assert changes == {("dev", "changed", "srt-llama-3-1-8b-instruct")}
    text = run_cli("diff", "-C", str(example_git_repo)).stdout
    assert '-        value: "****"' in text
    assert "sk-live" not in text


def test_base_found_as_remote_tracking_branch(example_git_repo: Path, tmp_path: Path) -> None:
    """A CI checkout has origin/main but no local main."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--branch=main", str(example_git_repo), str(clone))
    git(clone, "checkout", "--quiet", "-b", "feature")
    git(clone, "branch", "--quiet", "-D", "main")
    edit(clone / PROJECT, PROD_OVERRIDE, PROD_OVERRIDE_EDITED)
    result = run_cli("diff", "-C", str(clone), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["base"] == "origin/main"


def test_manifold_repository_below_the_git_root(tmp_path: Path) -> None:
    root = tmp_path / "platform" / "ml"
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, root / folder)
    for name in ("dev", "staging"):  # prod extends staging
        edit(root / f"environments/{name}.yaml", "  sync:\n", "  sync:\n    root: platform/ml\n")
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    assert run_cli("render", "-C", str(root)).exit_code == 0
    git(tmp_path, "add", "--all")
    git(tmp_path, "commit", "--quiet", "--message=example")
    edit(root / PROJECT, PROD_OVERRIDE, PROD_OVERRIDE_EDITED)
    result = run_cli("diff", "-C", str(root), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"] == {"added": 0, "changed": 1, "removed": 0}


class TestProblems:
    def test_unknown_base(self, example_git_repo: Path) -> None:
        result = run_cli("diff", "-C", str(example_git_repo), "--base", "release")
        assert result.exit_code == 2
        assert "git revision 'release' not found (nor origin/release)" in result.stderr

    def test_not_a_git_repository(self, example_repo: Path) -> None:
        result = run_cli("diff", "-C", str(example_repo))
        assert result.exit_code == 2
        assert "not in a git repository" in result.stderr
        assert "--working-tree" in result.stderr
        assert run_cli("diff", "-C", str(example_repo), "--working-tree").exit_code == 0

    def test_base_and_working_tree_exclude_each_other(self, example_git_repo: Path) -> None:
        result = run_cli("diff", "-C", str(example_git_repo), "--base", "main", "--working-tree")
        assert result.exit_code == 2

    def test_invalid_inputs_are_reported_not_diffed(self, example_git_repo: Path) -> None:
        edit(example_git_repo / PROJECT, "model: llama", "model: lama")
        result = run_cli("diff", "-C", str(example_git_repo), "--format", "markdown")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "projects/chat-assistant.yaml" in result.stderr


@pytest.mark.parametrize(("choice", "styled"), [("always", True), ("never", False)])
def test_colour(one_value_edited: Path, choice: str, styled: bool) -> None:
    result = run_cli("diff", "-C", str(one_value_edited), "--color", choice)
    assert ("\x1b[31m    -    maxReplicas: 8\x1b[0m" in result.stdout) is styled
    assert "maxReplicas: 8" in result.stdout
