"""The GitHub workflows and the pre-commit hooks: valid for GitHub and pre-commit, and every
manifold command line in them one that this manifold accepts."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from manifold.cli.main import main
from manifold.core import yaml as yamlio
from manifold.diff.format import COMMENT_MARKER
from tests.conftest import REPO_ROOT
from tests.tools import find_tool

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
TESTS_MANIFOLD = WORKFLOWS / "ci.yml"
GATE = WORKFLOWS / "render-and-validate.yml"
LOCK_UPGRADE = WORKFLOWS / "lock-upgrade.yml"
ALL_WORKFLOWS = (TESTS_MANIFOLD, GATE, LOCK_UPGRADE)
SKELETON = REPO_ROOT / "src" / "manifold" / "skeleton" / "dot-github" / "workflows" / "manifold.yml"
"""What `manifold init` writes as .github/workflows/manifold.yml."""
ACTIONLINT = find_tool("actionlint")
MATRIX_VALUES = {"$ENVIRONMENT": "dev", "$SHARD": "1/2"}
"""What the matrix jobs' variables hold in one job, to parse their command lines."""
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"


def _load(path: Path) -> Any:
    return yamlio.load_one(path.read_text())


def _steps(workflow: Path) -> list[dict[str, Any]]:
    return [step for job in _load(workflow)["jobs"].values() for step in job["steps"]]


def _scripts(workflow: Path) -> str:
    return "\n".join(step.get("run", "") for step in _steps(workflow))


def _command_lines(script: str) -> list[list[str]]:
    """Each shell command that runs manifold, as its arguments (redirections cut off)."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        if not line.strip().startswith("manifold "):
            continue
        words = shlex.split(line, comments=True)
        if words:
            cut = next((i for i, w in enumerate(words) if w in (">", ">>", "|", "&&")), None)
            commands.append([MATRIX_VALUES.get(w, w) for w in words[1:cut]])
    return commands


def _parse(args: list[str]) -> dict[str, Any]:
    """The options manifold's CLI makes of `args`; raises click.UsageError if it refuses them."""
    context = main.make_context("manifold", list(args))
    command: click.Command = main
    rest = [*context._protected_args, *context.args]
    while isinstance(command, click.Group):
        name, found, rest = command.resolve_command(context, rest)
        assert name is not None and found is not None
        command = found
        context = command.make_context(name, rest, parent=context)
        rest = [*context._protected_args, *context.args]
    return context.params


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with a schema it ships (offline)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema]
    return subprocess.run([*command, *map(str, files)], capture_output=True, text=True)


def test_every_workflow_matches_the_github_workflow_schema() -> None:
    workflows = sorted(WORKFLOWS.glob("*.y*ml"))
    assert workflows == sorted(ALL_WORKFLOWS)
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        checked = _check_jsonschema(schema, *workflows)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_jsonschema_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(GATE.read_text().replace("runs-on:", "run-on:"))
    assert _check_jsonschema("vendor.github-workflows", broken).returncode == 1


def test_the_first_workflow_tests_manifold_itself() -> None:
    workflow = _load(TESTS_MANIFOLD)
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert "bash .ci/run" in _scripts(TESTS_MANIFOLD)


class TestTheGate:
    def test_runs_on_every_pull_request_so_it_can_be_a_required_check(self) -> None:
        triggers = _load(GATE)["on"]
        assert set(triggers) == {"pull_request", "push"}
        assert triggers["pull_request"] is None, "no filter: a skipped required check never passes"
        assert triggers["push"] == {"branches": ["main"]}

    def test_installs_the_locked_environment_and_uses_its_kubectl(self) -> None:
        script = _scripts(GATE)
        assert "make .venv/.installed" in script
        assert '.venv/bin" >> "$GITHUB_PATH"' in script
        assert "pip install" not in script, "installs exactly the lock, through the Makefile"
        assert script.index("make .venv/.installed") < script.index("kubectl kustomize")

    def test_steps_in_order(self) -> None:
        commands = [" ".join(words) for words in _command_lines(_scripts(GATE))]
        assert commands == [
            "check -e dev --shard 1/2",
            "validate --kubeconform",
            "diff --base origin/$BASE_REF --format markdown",
        ]

    def test_installs_a_pinned_checked_kubeconform(self) -> None:
        workflow = _load(GATE)
        assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", workflow["env"]["KUBECONFORM_VERSION"])
        assert re.fullmatch(r"[0-9a-f]{64}", workflow["env"]["KUBECONFORM_SHA256"])
        script = _scripts(GATE)
        assert "github.com/yannh/kubeconform/releases/download/" in script
        assert "sha256sum --check" in script
        assert script.index("sha256sum --check") < script.index("sudo install kubeconform")

    def test_posts_or_updates_one_comment(self) -> None:
        job = _load(GATE)["jobs"]["gate"]
        assert job["permissions"]["pull-requests"] == "write"
        comment = _steps(GATE)[-1]
        assert "diff.md" in comment["run"]
        assert "--method PATCH" in comment["run"] and "--method POST" in comment["run"]
        assert comment["run"].index("--method PATCH") < comment["run"].index("--method POST")
        assert "head -n 1 diff.md" in comment["run"], "finds its comment by the first line"
        assert COMMENT_MARKER.startswith("<!--"), "the marker must stay invisible"


@pytest.mark.parametrize(
    ("workflow", "environments"),
    [(GATE, REPO_ROOT / "environments"), (SKELETON, SKELETON.parents[2] / "environments")],
    ids=["gate", "init"],
)
class TestTheShardMatrix:
    """One `check` job per environment and shard, and one `verdict` that joins their
    results: the check a repository requires (docs/performance.md, "Past one machine")."""

    def test_one_job_per_environment_and_shard(self, workflow: Path, environments: Path) -> None:
        job = _load(workflow)["jobs"]["check"]
        matrix = job["strategy"]["matrix"]
        assert job["strategy"]["fail-fast"] is False, "every shard reports, not only the first"
        assert sorted(matrix["environment"]) == sorted(p.stem for p in environments.glob("*.yaml"))
        (shards,) = matrix["shards"]
        assert matrix["shard"] == list(range(1, shards + 1)), "every shard 1..shards, once"
        step = next(s for s in job["steps"] if "manifold check" in s.get("run", ""))
        assert step["run"] == 'manifold check -e "$ENVIRONMENT" --shard "$SHARD"'
        assert step["env"] == {
            "ENVIRONMENT": "${{ matrix.environment }}",
            "SHARD": "${{ matrix.shard }}/${{ matrix.shards }}",
        }

    def test_the_verdict_joins_nothing_but_results(
        self, workflow: Path, environments: Path
    ) -> None:
        jobs = _load(workflow)["jobs"]
        verdict = jobs["verdict"]
        assert "check" in verdict["needs"]
        assert verdict["if"] == "${{ always() }}", "a skipped required check never passes"
        assert "strategy" not in verdict and "uses" not in str(verdict["steps"])
        (step,) = verdict["steps"]
        assert sorted(step["env"].values()) == sorted(
            f"${{{{ needs.{needed}.result }}}}" for needed in verdict["needs"]
        )
        tests = [f'test "${variable}" = success' for variable in step["env"]]
        assert step["run"] == " && ".join(tests), "passes only when every needed job passed"

    def test_matches_the_github_workflow_schema(self, workflow: Path, environments: Path) -> None:
        checked = _check_jsonschema("vendor.github-workflows", workflow)
        assert checked.returncode == 0, checked.stdout + checked.stderr

    def test_every_manifold_command_is_accepted(self, workflow: Path, environments: Path) -> None:
        for args in _command_lines(_scripts(workflow)):
            _parse(args)


class TestTheLockUpgrade:
    def test_runs_weekly_and_on_demand(self) -> None:
        triggers = _load(LOCK_UPGRADE)["on"]
        assert set(triggers) == {"schedule", "workflow_dispatch"}
        assert len(triggers["schedule"]) == 1

    def test_tests_the_upgraded_lock_before_proposing_it(self) -> None:
        script = _scripts(LOCK_UPGRADE)
        upgrade = script.index("make lock LOCK_FLAGS=--upgrade")
        assert upgrade < script.index("bash .ci/run") < script.index("gh pr create")

    def test_the_upgrade_command_is_the_makefile_s(self) -> None:
        makefile = (REPO_ROOT / "Makefile").read_text()
        assert re.search(r"^lock:$", makefile, re.MULTILINE)
        assert "$(LOCK_FLAGS)" in makefile


@pytest.mark.skipif(
    ACTIONLINT is None, reason="actionlint is neither in the environment nor on PATH"
)
class TestActionlint:
    def test_accepts_every_workflow(self) -> None:
        result = _actionlint(*ALL_WORKFLOWS)
        assert result.returncode == 0, result.stdout + result.stderr

    def test_would_catch_a_broken_workflow(self, tmp_path: Path) -> None:
        broken = tmp_path / "broken.yml"
        broken.write_text(GATE.read_text().replace("${{ github.base_ref }}", "${{ github.bse }}"))
        assert _actionlint(broken).returncode != 0


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT is not None
    command = [ACTIONLINT, *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_manifold_command_in_the_workflows_is_accepted(workflow: Path) -> None:
    for args in _command_lines(_scripts(workflow)):
        _parse(args)


def test_an_unknown_option_is_refused() -> None:
    with pytest.raises(click.UsageError):
        _parse(["diff", "--bse", "main"])


class TestPreCommitHooks:
    def test_hooks_are_complete(self) -> None:
        hooks = _load(HOOKS)
        assert [hook["id"] for hook in hooks] == ["manifold-check", "manifold-render"]
        for hook in hooks:
            assert {"id", "name", "entry", "language"} <= set(hook), hook
            assert hook["language"] == "python", "pre-commit installs this repository"
            assert hook["pass_filenames"] is False, "manifold reads the whole repository"
            args = shlex.split(hook["entry"])
            assert args[0] == "manifold"
            _parse(args[1:])

    @pytest.mark.parametrize(
        ("path", "runs"),
        [
            ("projects/chat-assistant.yaml", True),
            ("environments/prod.yaml", True),
            ("platform/ml-platform.yaml", True),
            ("rendered/prod/kustomization.yaml", True),
            ("rendered/dev/_runai/code-assistant/inference-complete.json", True),
            ("schemas/ome.io/inferenceservice_v1beta1.json", True),
            ("schemas/imported.txt", True),
            ("README.md", False),
            ("src/manifold/cli/main.py", False),
            ("docs/platform/index.md", False),
        ],
    )
    def test_both_run_when_any_file_manifold_reads_or_guards_changes(
        self, path: str, runs: bool
    ) -> None:
        for hook in _load(HOOKS):
            assert bool(re.search(hook["files"], path)) is runs, hook["id"]

    def test_the_entry_point_is_installed_by_the_package(self) -> None:
        pyproject = (REPO_ROOT / "pyproject.toml").read_text()
        assert 'manifold = "manifold.cli.launch:entry"' in pyproject
