"""`run`, the one place where outcomes and exceptions become exit codes and output
(`manifold.cli.running`): each failure its code and message, a bug as 70 with its trace
masked, JSON on request, a command's own output on stdout; and the `--shard I/N` parameter.
(The exit-code tests were in test_main.py, which now tests only what `cli.main` holds.)"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterator

import click
import pytest
from click.testing import CliRunner

from manifold.cli import running
from manifold.cli.running import ShardParameter, run
from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import DriftFound, OutputProblem, ProblemsFound, UsageProblem
from manifold.core.options import OutputFormat
from manifold.core.outcome import Outcome
from manifold.core.shards import Shard

PROBLEM = Diagnostic("a problem", file="projects/a.yaml")


@pytest.fixture(autouse=True)
def _collector_thresholds() -> Iterator[None]:
    """`run` tunes the garbage collector for a short process; not for the test session."""
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)


def _invoke(action: Callable[[], Outcome], fmt: OutputFormat = "text") -> click.testing.Result:
    @click.command()
    def command() -> None:
        run(action, fmt)

    return CliRunner().invoke(command, [])


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


def test_problems_are_shown_with_where_they_are() -> None:
    result = _invoke(_raises(ProblemsFound("problems found", [PROBLEM])))
    assert "projects/a.yaml" in result.stderr and "a problem" in result.stderr


def test_success_prints_the_summary_and_exits_0() -> None:
    result = _invoke(lambda: Outcome("rendered/ is up to date"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "rendered/ is up to date\n", "")


def test_a_command_that_produces_output_keeps_stdout_for_it() -> None:
    result = _invoke(lambda: Outcome("2 differences", output="--- a\n+++ b\n", exit_code=1))
    assert (result.exit_code, result.stdout) == (1, "--- a\n+++ b\n")
    assert result.stderr == "manifold: 2 differences\n"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1/4", Shard(1, 4)), (" 4/4 ", Shard(4, 4)), (Shard(2, 3), Shard(2, 3))],
)
def test_a_shard_is_i_of_n(given: object, expected: Shard) -> None:
    assert ShardParameter().convert(given, None, None) == expected


@pytest.mark.parametrize("given", ["0/4", "5/4", "1/0", "1-4", "", "a/b"])
def test_other_shards_are_refused(given: str) -> None:
    with pytest.raises(click.BadParameter, match="is not I/N with 1 <= I <= N"):
        ShardParameter().convert(given, None, None)


@pytest.mark.parametrize("outcome", [lambda: Outcome("done"), _raises(RuntimeError("boom"))])
def test_a_command_runs_without_the_cycle_collector_and_gives_it_back(
    outcome: Callable[[], Outcome],
) -> None:
    seen: list[bool] = []

    def action() -> Outcome:
        seen.append(gc.isenabled())
        return outcome()

    with pytest.raises(SystemExit):
        run(action, "text")
    assert seen == [False]
    assert gc.isenabled()  # in-process callers keep theirs


class _Ended(Exception):
    """What the patched `os._exit` raises here instead of ending the test session."""


def test_the_console_script_ends_where_run_knows_the_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Set by `cli.main.entry`, `run` ends the process itself (output flushed), so that the
    frames holding the command's heap are never unwound; in-process callers get SystemExit."""
    ended: list[int] = []

    def exit_at_once(code: int) -> None:
        ended.append(code)
        raise _Ended

    monkeypatch.setattr(os, "_exit", exit_at_once)
    monkeypatch.setattr(running, "ENDS_AT_ONCE", True)
    with pytest.raises(_Ended):
        run(_raises(DriftFound("rendered/ is out of date")), "text")
    assert ended == [3]
    assert "out of date" in capsys.readouterr().err
    monkeypatch.setattr(running, "ENDS_AT_ONCE", False)
    with pytest.raises(SystemExit):
        run(lambda: Outcome("all good"), "text")
    assert ended == [3]


def test_the_console_script_sets_the_ending_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from manifold.cli import main as cli_main

    seen: list[bool] = []

    def exit_at_once(code: int) -> None:
        seen.append(running.ENDS_AT_ONCE)
        raise _Ended

    monkeypatch.setattr(running, "ENDS_AT_ONCE", False)
    monkeypatch.setattr(os, "_exit", exit_at_once)
    monkeypatch.setattr(sys, "argv", ["manifold", "--version"])
    with pytest.raises(_Ended):
        cli_main.entry()
    assert seen == [True]
