"""The CLI's one place where outcomes and exceptions become exit codes (`cli.running.run`): each
failure its code and message, a bug as 70 with its trace masked, JSON on request; and the
commands the CLI mounts."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from manifold.cli import main, running
from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import DriftFound, OutputProblem, ProblemsFound, UsageProblem
from manifold.core.outcome import Outcome


def _raises(error: BaseException) -> Callable[[], Outcome]:
    def action() -> Outcome:
        raise error

    return action


def _exit(
    action: Callable[[], Outcome], fmt: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        running.run(action, fmt)  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.mark.parametrize(
    ("action", "code", "stderr"),
    [
        (lambda: Outcome("all good"), 0, ""),
        (lambda: Outcome("2 differ", output="diff\n", exit_code=1), 1, "manifold: 2 differ"),
        (_raises(ProblemsFound("problems found", [Diagnostic("bad", file="p.yaml")])), 1, "p.yaml"),
        (_raises(UsageProblem("unknown environment 'x'")), 2, "manifold: unknown environment 'x'"),
        (_raises(DriftFound("rendered/ is out of date")), 3, "manifold: rendered/ is out of date"),
        (_raises(OutputProblem("rendered is a link")), 1, "manifold: rendered is a link"),
        (_raises(KeyboardInterrupt()), 130, "interrupted"),
        (
            _raises(PermissionError(13, "Permission denied", "rendered")),
            1,
            "Permission denied ('rendered')",
        ),
        (_raises(RuntimeError("boom")), 70, "internal error"),
    ],
    ids=[
        "ok",
        "output",
        "problems",
        "usage",
        "drift",
        "output-problem",
        "interrupt",
        "os-error",
        "bug",
    ],
)
def test_each_outcome_has_its_exit_code(
    action: Callable[[], Outcome], code: int, stderr: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, _, err = _exit(action, "text", capsys)
    assert exit_code == code
    assert stderr in err


def test_a_bugs_trace_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    token = "ghp_" + "a" * 36
    _, _, err = _exit(_raises(RuntimeError(f"leaked {token}")), "text", capsys)
    assert "Traceback" in err and token not in err


def test_json_output_says_the_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _exit(_raises(UsageProblem("no such thing")), "json", capsys)
    assert code == 2
    report = json.loads(out)
    assert report["status"] == "UsageProblem" and report["message"] == "no such thing"


def test_the_cli_mounts_every_command() -> None:
    assert {"render", "check", "validate", "diff", "schemas", "init"} <= set(main.main.commands)
