"""The commands that build rendered/ in memory (`manifold.cli.build`): each turns its
arguments into one options object and makes one call; arguments that do not go together
are a usage error (exit 2) before anything runs. The calls are replaced here by recorders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.commands import explain as explain_command
from manifold.commands import recorded
from manifold.commands.explain import ExplainOptions
from manifold.commands.wakeup import Wakeup
from manifold.core.memo import Memo
from manifold.core.options import CheckOptions, DiffOptions, RenderOptions, ValidateOptions
from manifold.core.outcome import Outcome
from manifold.core.shards import Shard
from manifold.output import idle
from manifold.pipeline import commands as pipeline
from tests.conftest import run_cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The options each command was called with, instead of running it."""
    made: list[Any] = []

    def recorder(options: Any, *_: Any) -> Outcome:
        made.append(options)
        return Outcome("done")

    for module, name in (
        (recorded, "render"),
        (recorded, "check"),
        (pipeline, "validate"),
        (pipeline, "diff"),
        (explain_command, "explain"),
    ):
        monkeypatch.setattr(module, name, recorder)
    monkeypatch.delenv("CI", raising=False)
    return made


def _cases(root: Path) -> list[tuple[list[str], Any]]:
    where = ["-C", str(root)]
    return [
        (["render", *where], RenderOptions(root)),
        (
            ["render", *where, "-e", "dev", "-e", "prod", "--shard", "2/3", "--lock-timeout", "5"],
            RenderOptions(root, ("dev", "prod"), 5.0, Shard(2, 3)),
        ),
        (["check", *where, "-e", "dev"], CheckOptions(root, ("dev",))),
        (["validate", *where], ValidateOptions(root)),
        (["validate", *where, "--no-kubeconform"], ValidateOptions(root, kubeconform="never")),
        (
            ["validate", *where, "m.yaml", "--strict", "--skip", "Secret"],
            ValidateOptions(root, (Path("m.yaml"),), strict=True, skip_kinds=("Secret",)),
        ),
        (["diff", *where], DiffOptions(root)),
        (
            ["diff", *where, "--working-tree", "--format", "markdown", "--exit-code"],
            DiffOptions(root, None, "markdown", exit_code=True),
        ),
        (["diff", *where, "--color", "always"], DiffOptions(root, color=True)),
        (["explain", *where, "-e", "dev", "chat/svc"], ExplainOptions(root, "dev", "chat/svc")),
    ]


@pytest.mark.parametrize("index", range(10))
def test_arguments_become_one_options_object(tmp_path: Path, calls: list[Any], index: int) -> None:
    arguments, expected = _cases(tmp_path)[index]
    result = run_cli(*arguments)
    assert (result.exit_code, calls) == (0, [expected]), result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["validate", "--strict"], "--strict: only for manifests given as PATHS"),
        (["validate", "--kubeconform", "m.yaml"], "only for the repository's own rendered files"),
        (
            ["diff", "--base", "v1", "--working-tree"],
            "--base and --working-tree exclude each other",
        ),
        (["render", "--shard", "4/3"], "is not I/N"),
        (["render", "--lock-timeout", "nan"], "is not a number of seconds"),
        (["render", "--interval", "0.5"], "--interval goes with --watch"),
        (["render", "--watch", "--interval", "0"], "is not a number of seconds above 0"),
        (["render", "--watch", "--interval", "7200"], "is more than 3600 seconds"),
        (["explain", "chat"], "Missing option '-e'"),
    ],
)
def test_arguments_that_do_not_go_together_are_a_usage_error(
    tmp_path: Path, calls: list[Any], arguments: list[str], message: str
) -> None:
    result = run_cli(*arguments, "-C", str(tmp_path))
    assert result.exit_code == 2 and message in result.stderr
    assert calls == []


def test_render_watch_renders_with_the_same_options_until_ctrl_c(
    tmp_path: Path, calls: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(seconds: float) -> None:
        assert seconds == 0.1  # the default interval
        raise KeyboardInterrupt

    monkeypatch.setattr(Wakeup, "wait", lambda _, seconds: interrupted(seconds))
    result = run_cli("render", "--watch", "-C", str(tmp_path), "-e", "dev")
    assert (result.exit_code, calls) == (0, [RenderOptions(tmp_path, ("dev",))]), result.stderr
    assert result.stderr.endswith("manifold: stopped watching\n")


@pytest.mark.parametrize("command", ["render", "check", "validate", "diff"])
def test_a_root_that_is_not_a_folder_is_a_usage_error(
    tmp_path: Path, calls: list[Any], command: str
) -> None:
    result = run_cli(command, "-C", str(tmp_path / "missing"))
    assert result.exit_code == 2 and "is not a folder" in result.stderr
    assert calls == []


def test_a_watching_render_keeps_one_memo_for_its_renders_and_its_idle_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command makes the memo (`core.memo`): one per run from the shell, one for all
    the renders of `render --watch` and the work it does while it waits."""
    memos: list[tuple[str, Memo]] = []

    def rendering(*arguments: Any) -> Outcome:
        memos.append(("render", arguments[-1]))
        return Outcome("done")

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(recorded, "render", rendering)
    monkeypatch.setattr(idle, "between_renders", lambda _, memo: memos.append(("idle", memo)))
    monkeypatch.setattr(Wakeup, "wait", lambda _, seconds: interrupted(seconds))
    assert run_cli("render", "-C", str(tmp_path)).exit_code == 0
    assert run_cli("render", "--watch", "-C", str(tmp_path)).exit_code == 0
    (_, alone), *watching = memos
    assert [kind for kind, _ in watching] == ["render", "idle"]
    assert watching[0][1] is watching[1][1] and watching[0][1].waits
    assert alone is not watching[0][1] and not alone.waits
