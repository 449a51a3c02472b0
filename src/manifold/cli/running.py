"""What every command shares: how outcomes and exceptions become exit codes (`run`, the one
place), how problems are shown; and `--shard` (the other shared parameters are in `params`).

Exit codes: 0 ok, 1 problems found (nothing written) or `diff --exit-code` found
differences, 2 usage error, 3 drift (check), 70 internal error (a bug in manifold: please
report it), 130 interrupted. docs/commands.md lists them for users.

Heavy modules are imported inside the commands so that `manifold --help` stays fast.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click

from manifold.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PROBLEMS, ManifoldError
from manifold.core.options import OutputFormat
from manifold.core.shards import Shard, parse_shard

if TYPE_CHECKING:
    from manifold.core.diagnostics import Diagnostic
    from manifold.core.outcome import Outcome
    from manifold.pipeline.commands import Progress

    _ShardParameter = click.ParamType[Shard]
else:  # click made ParamType generic in 8.5; older releases cannot be subscripted
    _ShardParameter = click.ParamType


class ShardParameter(_ShardParameter):
    """`I/N`: shard I (from 1) of N."""

    name = "shard"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Shard:
        if isinstance(value, Shard):
            return value
        shard = parse_shard(str(value))
        if shard is None:
            self.fail(f"{value!r} is not I/N with 1 <= I <= N (such as 1/4)", param, ctx)
        return shard


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress() -> Progress | None:
    if not interactive():
        return None

    def show(environment: str, done: int, total: int) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r  {environment}: {done}/{total} projects", nl=False, err=True)
        if end:
            click.echo("\r\x1b[2K", nl=False, err=True)

    return show


def emit(
    diagnostics: list[Diagnostic],
    status: str,
    message: str,
    fmt: OutputFormat,
    details: dict[str, Any] | None = None,
) -> None:
    from manifold.cli import report

    if fmt == "json":
        click.echo(report.format_json(diagnostics, status=status, message=message, details=details))
        return
    problems, line = report.finished(diagnostics, message)
    if problems:
        click.echo(problems, err=True)
    if status == "ok":
        click.echo(line)
    else:
        click.echo(f"manifold: {line}", err=True)


ENDS_AT_ONCE = False
"""Set by the console script (`cli.main.entry`): `run` ends the process as soon as it knows
the exit code (`end_process`). Raised as SystemExit instead, the exit would first unwind the
frames that hold the command's heap, freeing it object by object only for the kernel to drop
the pages anyway: 56 ms of a render of one changed project at N = 1,000 x 3 (what the
command keeps between renders, `core.memo`, lives in its frame). In-process callers (the
tests) get the SystemExit."""


def end_process(code: int) -> NoReturn:
    """End the process with `code` at once, output flushed: nothing of manifold's is left to
    clean up by then (files are written and closed, workers and temporary folders closed by
    their `with` blocks)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(action: Callable[[], Outcome], fmt: OutputFormat) -> NoReturn:
    """The one place where outcomes and exceptions become exit codes."""
    # A command runs once and ends, and what it drops is freed by reference counting: with
    # the cycle collector off, a cold check of the benchmark repository (one process) took
    # 4.65 s instead of 4.93 s, 0.29 s of which the collector spent traversing the heap, at
    # the same peak memory (199 MB). A watching process collects (`perform` alone).
    gc.disable()
    try:
        code = perform(action, fmt)
    finally:
        gc.enable()  # for in-process callers (the tests); the CLI exits next
    if ENDS_AT_ONCE:
        end_process(code)
    sys.exit(code)


def perform(action: Callable[[], Outcome], fmt: OutputFormat) -> int:
    """Run `action`, report its outcome or the error that ended it, and return the exit code
    (`run` exits with it; `render --watch` goes on watching after most)."""
    # Where the collector runs (a watching process; `run` turns it off): a render builds a
    # large heap of short-lived objects and leaves little cyclic garbage, and the default
    # thresholds spent a fifth of a small re-render scanning it.
    gc.set_threshold(100_000, 50, 50)
    try:
        outcome = action()
    except ManifoldError as error:
        emit(error.diagnostics, type(error).__name__, error.message, fmt, error.details)
        return error.exit_code
    except KeyboardInterrupt:
        click.echo("manifold: interrupted; rendered/ was left as it was", err=True)
        return EXIT_INTERRUPTED
    except OSError as error:  # the machine's fault (a full disk, a read-only folder), not a bug
        where = f" ({os.fsdecode(error.filename)!r})" if error.filename else ""
        message = f"{error.strerror or error}{where}; fix that and run again"
        emit([], "OSError", message, fmt, {})
        return EXIT_PROBLEMS
    except Exception:
        from manifold.core import secrets

        click.echo(
            "manifold: internal error (this is a bug in manifold; please report it with the "
            "trace below)\n" + secrets.mask_text(traceback.format_exc()),
            err=True,
        )
        return EXIT_INTERNAL
    if outcome.output is None:
        emit(outcome.diagnostics, "ok", outcome.summary, fmt, outcome.details)
    else:
        emit_beside(outcome)
    return outcome.exit_code


def emit_beside(outcome: Outcome) -> None:
    """stdout holds what the command produced; warnings and the summary go to stderr."""
    from manifold.cli import report

    click.echo(outcome.output, nl=False, color=True)  # styled only when the command chose to
    if outcome.diagnostics:
        click.echo(report.format_text(outcome.diagnostics, color=report.use_color()), err=True)
    click.echo(f"manifold: {report.clean(outcome.summary)}", err=True)


def waiting(message: str) -> None:
    click.echo(f"manifold: {message}", err=True)
