"""The CLI on the repository's own example: render, check, validate, init, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from manifold import __version__
from manifold.core import yaml as yamlio
from manifold.core.outcome import Outcome
from manifold.output import exchange, writer
from manifold.output.header import HEADER
from manifold.pipeline import commands as pipeline
from manifold.schemas.store import generated_files
from tests.conftest import REPO_ROOT, git, run_cli, tree_bytes


def test_the_repository_passes_its_own_gate() -> None:
    result = run_cli("check", "-C", str(REPO_ROOT))
    assert result.exit_code == 0, result.stderr
    assert "up to date" in result.stdout


def test_committed_schemas_are_what_generate_writes() -> None:
    committed = {
        path.relative_to(REPO_ROOT / "schemas").as_posix(): path.read_text()
        for path in (REPO_ROOT / "schemas").rglob("*")
        if path.is_file()
    }
    assert committed == generated_files(), "schemas/ is stale: run `manifold schemas generate`"


def test_render_reproduces_the_committed_tree_byte_for_byte(example_repo: Path) -> None:
    before = tree_bytes(example_repo / "rendered")
    result = run_cli("render", "-C", str(example_repo))
    assert result.exit_code == 0, result.stderr
    assert "up to date" in result.stdout
    assert tree_bytes(example_repo / "rendered") == before


def test_render_from_scratch_gives_the_committed_tree(example_repo: Path) -> None:
    committed = tree_bytes(example_repo / "rendered")
    for path in sorted((example_repo / "rendered").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    assert tree_bytes(example_repo / "rendered") == committed


def test_render_counts_objects_and_files_apart(example_repo: Path) -> None:
    rendered = example_repo / "rendered"
    files = sorted(p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file())
    # Every file holds one object but the lists of objects: kustomizations and Run:ai's indexes.
    lists = [
        f for f in files if f.endswith(("kustomization.yaml", "/_runai/code-assistant/index.yaml"))
    ]
    assert lists and len(lists) < len(files)
    for path in sorted(rendered.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    result = run_cli("render", "-C", str(example_repo))
    assert result.exit_code == 0, result.stderr
    objects = len(files) - len(lists)
    assert result.stdout == (
        f"rendered 3 environments, {objects} objects in {len(files)} files: "
        f"{len(files)} added, 0 changed, 0 removed\n"
    )
    again = run_cli("render", "-C", str(example_repo))
    tally = f"3 environments, {objects} objects in {len(files)} files"
    assert again.stdout == f"rendered/ is up to date ({tally})\n"
    checked = run_cli("check", "-C", str(example_repo))
    assert checked.stdout == f"rendered/ and schemas/ are up to date ({tally})\n"


class TestDrift:
    def test_edited_rendered_file(self, example_repo: Path) -> None:
        target = example_repo / "rendered/prod/chat-assistant/inferenceservice-chat.yaml"
        target.write_text(target.read_text().replace("maxReplicas: 8", "maxReplicas: 9"))
        result = run_cli("check", "-C", str(example_repo))
        assert result.exit_code == 3
        assert "rendered/prod/chat-assistant/inferenceservice-chat.yaml" in result.stderr

    def test_edited_project_without_rendering(self, example_repo: Path) -> None:
        project = example_repo / "projects/semantic-search.yaml"
        project.write_text(project.read_text().replace("target: 70", "target: 75"))
        result = run_cli("check", "-C", str(example_repo), "--format", "json")
        assert result.exit_code == 3
        files = {d["file"] for d in json.loads(result.stdout)["diagnostics"]}
        assert files == {
            "rendered/prod/semantic-search/inferenceservice-embed.yaml",
            "rendered/staging/semantic-search/inferenceservice-embed.yaml",
        }

    def test_deleted_and_stale_files(self, example_repo: Path) -> None:
        (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").unlink()
        stale = example_repo / "rendered/dev/chat-assistant/inferenceservice-old.yaml"
        stale.write_text(f"{HEADER}\n# Sources: projects/old.yaml\nkind: X\n")
        result = run_cli("check", "-C", str(example_repo))
        assert result.exit_code == 3
        assert "rendered/dev/chat-assistant/kustomization.yaml: missing" in result.stderr
        assert "inferenceservice-old.yaml: no longer produced" in result.stderr

    def test_stale_schema(self, example_repo: Path) -> None:
        (example_repo / "schemas/ome.io/inferenceservice_v1beta1.json").write_text("{}\n")
        result = run_cli("check", "-C", str(example_repo))
        assert result.exit_code == 3
        assert "schemas/ome.io/inferenceservice_v1beta1.json: stale" in result.stderr

    def test_render_fixes_drift(self, example_repo: Path) -> None:
        (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").unlink()
        assert run_cli("render", "-C", str(example_repo)).exit_code == 0
        assert run_cli("check", "-C", str(example_repo)).exit_code == 0


class TestWriting:
    def test_errors_leave_rendered_untouched(self, example_repo: Path) -> None:
        before = tree_bytes(example_repo / "rendered")
        project = example_repo / "projects/chat-assistant.yaml"
        project.write_text(project.read_text().replace("model: llama", "model: lama"))
        result = run_cli("render", "-C", str(example_repo))
        assert result.exit_code == 1
        assert "nothing was written" in result.stderr
        assert tree_bytes(example_repo / "rendered") == before

    def test_objects_that_disappear_lose_their_files(self, example_repo: Path) -> None:
        project = example_repo / "projects/chat-assistant.yaml"
        text = project.read_text()
        project.write_text(
            text.replace("    - name: chat\n      model:", "    - name: talk\n      model:")
        )
        project.write_text(
            project.read_text()
            .replace("        - name: chat\n", "        - name: talk\n")
            .replace("target: {service: chat}", "target: {service: talk}")
        )
        assert run_cli("render", "-C", str(example_repo)).exit_code == 0
        folder = example_repo / "rendered/dev/chat-assistant"
        assert not (folder / "inferenceservice-chat.yaml").exists()
        assert (folder / "inferenceservice-talk.yaml").exists()
        kustomization = (
            example_repo / "rendered/dev/chat-assistant/kustomization.yaml"
        ).read_text()
        assert "inferenceservice-talk.yaml" in kustomization
        assert "inferenceservice-chat.yaml" not in kustomization

    def test_files_manifold_did_not_write_are_kept(self, example_repo: Path) -> None:
        notes = example_repo / "rendered/dev/chat-assistant/NOTES.md"
        notes.write_text("hand-written\n")
        (example_repo / "projects/semantic-search.yaml").unlink()
        assert run_cli("render", "-C", str(example_repo)).exit_code == 0
        assert notes.read_text() == "hand-written\n"
        assert not (example_repo / "rendered/dev/semantic-search").exists()

    def test_a_foreign_file_in_the_way_stops_the_render(self, example_repo: Path) -> None:
        in_the_way = example_repo / "rendered/dev/semantic-search/inferenceservice-embed.yaml"
        in_the_way.write_text("kind: Mine\n")
        (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").unlink()
        before = tree_bytes(example_repo / "rendered")
        result = run_cli("render", "-C", str(example_repo))
        assert result.exit_code == 1
        assert "files it did not write" in result.stderr
        assert tree_bytes(example_repo / "rendered") == before

    def test_one_environment_only(self, example_repo: Path) -> None:
        (example_repo / "rendered/prod/chat-assistant/kustomization.yaml").unlink()
        project = example_repo / "projects/semantic-search.yaml"
        project.write_text(project.read_text().replace('cpu: "4"', 'cpu: "6"'))
        result = run_cli("render", "-C", str(example_repo), "--env", "dev")
        assert result.exit_code == 0, result.stderr
        assert not (example_repo / "rendered/prod/chat-assistant/kustomization.yaml").exists()
        staging = example_repo / "rendered/staging/semantic-search/inferenceservice-embed.yaml"
        assert 'cpu: "4"' in staging.read_text()
        dev = example_repo / "rendered/dev/semantic-search/inferenceservice-embed.yaml"
        assert 'cpu: "6"' in dev.read_text()

    def test_unknown_environment_is_a_usage_error(self, example_repo: Path) -> None:
        result = run_cli("render", "-C", str(example_repo), "--env", "prd")
        assert result.exit_code == 2
        assert "did you mean 'prod'" in result.stderr

    def test_without_atomic_exchange_the_fallback_swap_works(
        self, example_repo: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(exchange, "exchange", lambda a, b: False)
        (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").unlink()
        assert run_cli("render", "-C", str(example_repo)).exit_code == 0
        assert run_cli("check", "-C", str(example_repo)).exit_code == 0
        assert not list((example_repo / writer.WORK_DIR).glob("previous-*"))

    def test_a_tree_parked_by_a_killed_run_is_put_back(self, example_repo: Path) -> None:
        rendered = example_repo / "rendered"
        parked = example_repo / writer.WORK_DIR / "previous-0"
        parked.parent.mkdir()
        rendered.rename(parked)
        (example_repo / writer.WORK_DIR / "staging-0").mkdir()
        assert run_cli("render", "-C", str(example_repo)).exit_code == 0
        assert run_cli("check", "-C", str(example_repo)).exit_code == 0
        assert not _leftovers(example_repo)

    def test_a_held_lock_makes_render_wait_then_give_up(self, example_repo: Path) -> None:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import fcntl, pathlib, sys, time\n"
                "p = pathlib.Path(sys.argv[1]); p.parent.mkdir(exist_ok=True)\n"
                "h = p.open('a+'); fcntl.flock(h, fcntl.LOCK_EX); h.write('pid test'); h.flush()\n"
                "print('locked', flush=True); time.sleep(30)\n",
                str(example_repo / writer.WORK_DIR / "lock"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").unlink()
            result = run_cli("render", "-C", str(example_repo), "--lock-timeout", "0.3")
        finally:
            holder.kill()
            holder.wait()
        assert result.exit_code == 1
        assert "waiting for another manifold run" in result.stderr
        assert "gave up" in result.stderr
        assert not (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").exists()


def test_output_is_identical_across_hash_seeds(example_repo: Path, tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        rendered = example_repo / "rendered"
        for path in sorted(rendered.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "manifold", "render", "-C", str(example_repo)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(tree_bytes(rendered))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0] == tree_bytes(REPO_ROOT / "rendered")


def test_validate_writes_nothing(example_repo: Path) -> None:
    (example_repo / "rendered/dev/chat-assistant/kustomization.yaml").unlink()
    before = tree_bytes(example_repo / "rendered")
    result = run_cli("validate", "-C", str(example_repo))
    assert result.exit_code == 0, result.stderr
    assert "valid" in result.stdout
    assert tree_bytes(example_repo / "rendered") == before


def test_json_format(example_repo: Path) -> None:
    result = run_cli("render", "-C", str(example_repo), "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["status"] == "ok"
    assert payload["diagnostics"] == []


class TestInit:
    def test_a_new_repository_renders_and_passes_check(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for role in ("AUTHOR", "COMMITTER"):
            monkeypatch.setenv(f"GIT_{role}_NAME", "manifold tests")
            monkeypatch.setenv(f"GIT_{role}_EMAIL", "tests@manifold.invalid")
        target = tmp_path / "platform"
        result = run_cli("init", str(target))
        assert result.exit_code == 0, result.stderr
        assert (target / "rendered/dev/example/kustomization.yaml").is_file()
        assert (target / "schemas/manifold.dev/project_v1alpha1.json").is_file()
        assert run_cli("check", "-C", str(target)).exit_code == 0
        assert git(target, "log", "--format=%s") == "manifold init\n"
        diff = run_cli("diff", "-C", str(target))
        assert diff.exit_code == 0, diff.stderr
        assert "no differences from main" in diff.stderr
        # .manifold/ (written by render and check) is ignored: nothing is left to commit
        assert git(target, "status", "--porcelain") == ""

    def test_a_new_repository_has_git_ci_hooks_and_editor_settings(self, tmp_path: Path) -> None:
        target = tmp_path / "platform"
        assert run_cli("init", str(target)).exit_code == 0
        assert (target / ".git").is_dir()
        assert ".manifold/" in (target / ".gitignore").read_text().splitlines()
        workflow = (target / ".github/workflows/manifold.yml").read_text()
        assert f'manifold=={__version__}"' in workflow and "@VERSION@" not in workflow
        hooks = yamlio.load_one((target / ".pre-commit-config.yaml").read_text())
        assert hooks["repos"][0]["hooks"][0]["entry"] == "manifold check"
        settings = json.loads((target / ".vscode/settings.json").read_text())
        for schema, pattern in settings["yaml.schemas"].items():
            assert (target / schema).is_file(), schema
            assert list(target.glob(pattern)), pattern
        for path in target.glob("*/*.yaml"):
            first = path.read_text().splitlines()[0]
            if path.parts[-2] in ("projects", "platform", "environments"):
                schema = first.removeprefix("# yaml-language-server: $schema=")
                assert (path.parent / schema).is_file(), path

    def test_inside_a_git_repository_no_new_one_is_made(self, tmp_path: Path) -> None:
        git(tmp_path, "init", "--quiet")
        target = tmp_path / "deploy" / "ml"
        result = run_cli("init", str(target))
        assert result.exit_code == 0, result.stderr
        assert not (target / ".git").exists()
        assert "inside an existing git repository" in result.stdout
        assert run_cli("check", "-C", str(target)).exit_code == 0

    def test_refuses_a_folder_that_is_not_empty(self, tmp_path: Path) -> None:
        (tmp_path / "something").write_text("x")
        result = run_cli("init", str(tmp_path))
        assert result.exit_code == 2
        assert "not empty" in result.stderr


def test_internal_errors_say_so_and_exit_70(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> Outcome:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "render", broken)
    result = run_cli("render", "-C", str(example_repo))
    assert result.exit_code == 70
    assert "internal error" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_help_and_version() -> None:
    assert "render" in run_cli("--help").stdout
    assert "manifold, version" in run_cli("--version").stdout


def test_missing_root_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("render", "-C", str(tmp_path / "absent"))
    assert result.exit_code == 2


class TestValidateManifests:
    def test_the_rendered_tree_is_valid_as_manifests(self) -> None:
        rendered = str(REPO_ROOT / "rendered")
        result = run_cli("validate", "-C", str(REPO_ROOT), rendered, "--skip", "Kustomization")
        assert result.exit_code == 0, result.stderr
        assert re.match(
            r"(\d+) resources in \1 files - valid: \d+, invalid: 0, errors: 0", result.stdout
        )

    def test_project_files_are_manifests_of_manifolds_kinds(self) -> None:
        result = run_cli("validate", str(REPO_ROOT / "projects"), "--strict", "--format", "json")
        assert result.exit_code == 0
        statuses = {r["kind"]: r["status"] for r in json.loads(result.stdout)["resources"]}
        assert statuses == {"Project": "valid"}

    def test_problems_point_into_the_file(self, tmp_path: Path) -> None:
        manifest = tmp_path / "service.yaml"
        manifest.write_text(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
            "spec:\n  ports:\n  - port: http\n"
        )
        result = run_cli("validate", "-C", str(tmp_path), str(manifest))
        assert result.exit_code == 1
        assert f"{manifest}:6:11: spec.ports[0].port: Service web is invalid" in result.stderr

    def test_manifest_options_need_paths(self) -> None:
        result = run_cli("validate", "-C", str(REPO_ROOT), "--strict", "--skip", "X")
        assert result.exit_code == 2
        assert "--strict, --skip: only for manifests given as PATHS" in result.stderr


def _leftovers(repo: Path) -> list[str]:
    """What killed runs leave in .manifold/: parked trees and staging folders (the shadow
    tree, the record and the lock belong there)."""
    work = repo / writer.WORK_DIR
    return sorted(p.name for p in work.iterdir() if p.name.startswith(("previous-", "staging-")))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("render", "--lock-timeout", "nan"), "'nan' is not a number of seconds 0 or more"),
        (("render", "--lock-timeout", "inf"), "'inf' is not a number of seconds 0 or more"),
        (("render", "--lock-timeout", "-1"), "'-1' is not a number of seconds 0 or more"),
        (("render", "--lock-timeout", "1e9"), "'1e9' is more than 604800 seconds"),
        (
            ("runai", "apply", "-e", "dev", "--timeout", "0"),
            "'0' is not a number of seconds above 0",
        ),
        (("runai", "apply", "-e", "dev", "--wait", "nan"), "'nan' is not a number of seconds"),
    ],
)
def test_durations_must_be_finite(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    """A wait of `nan` seconds never ends: every duration is a finite number in a range."""
    result = run_cli(*args, "-C", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr
