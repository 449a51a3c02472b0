"""`run`, the one place where outcomes and exceptions become exit codes and output
(`manifold.cli.running`), and the `--shard I/N` parameter."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator

import click
import pytest
from click.testing import CliRunner

from manifold.cli.running import ShardParameter, run
from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import DriftFound, ProblemsFound, UsageProblem
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


def _raising(error: BaseException) -> Callable[[], Outcome]:
    def action() -> Outcome:
        raise error

    return action


@pytest.mark.parametrize(
    ("error", "exit_code", "stderr"),
    [
        (ProblemsFound("problems found", [PROBLEM]), 1, "manifold: problems found (1 error)"),
        (UsageProblem("unknown environment 'x'"), 2, "manifold: unknown environment 'x'"),
        (DriftFound("rendered/ is out of date", [PROBLEM]), 3, "manifold: rendered/ is out of"),
        (KeyboardInterrupt(), 130, "manifold: interrupted; rendered/ was left as it was"),
        (
            PermissionError(13, "Permission denied", "rendered/x.yaml"),
            1,
            "manifold: Permission denied ('rendered/x.yaml'); fix that and run again",
        ),
        (RuntimeError("boom"), 70, "manifold: internal error (this is a bug in manifold"),
    ],
)
def test_each_kind_of_failure_has_its_exit_code(
    error: BaseException, exit_code: int, stderr: str
) -> None:
    result = _invoke(_raising(error))
    assert result.exit_code == exit_code
    assert stderr in result.stderr
    assert result.stdout == ""


def test_an_internal_error_shows_the_trace_with_credentials_masked() -> None:
    key = "AKIA" + "ABCDEFGHIJKLMNOP"
    result = _invoke(_raising(RuntimeError(f"leaked {key}")))
    assert "Traceback" in result.stderr and "RuntimeError: leaked" in result.stderr
    assert key not in result.stderr


def test_problems_are_shown_with_where_they_are() -> None:
    result = _invoke(_raising(ProblemsFound("problems found", [PROBLEM])))
    assert "projects/a.yaml" in result.stderr and "a problem" in result.stderr


def test_success_prints_the_summary_and_exits_0() -> None:
    result = _invoke(lambda: Outcome("rendered/ is up to date"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "rendered/ is up to date\n", "")


def test_a_command_that_produces_output_keeps_stdout_for_it() -> None:
    result = _invoke(lambda: Outcome("2 differences", output="--- a\n+++ b\n", exit_code=1))
    assert (result.exit_code, result.stdout) == (1, "--- a\n+++ b\n")
    assert result.stderr == "manifold: 2 differences\n"


def test_json_reports_go_to_stdout_whatever_the_outcome() -> None:
    ok = json.loads(_invoke(lambda: Outcome("done"), "json").stdout)
    failed = _invoke(_raising(UsageProblem("bad")), "json")
    assert ok["status"] == "ok"
    assert failed.exit_code == 2
    assert json.loads(failed.stdout)["status"] == "UsageProblem"


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
