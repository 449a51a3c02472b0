"""`manifold runai ...`: Run:ai's own commands, which the CLI mounts from the target registry.

`group(run)` builds the group; `run` is the CLI's one place where outcomes and exceptions become
exit codes, so these commands end like every other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from manifold.cli.params import Seconds, existing_root, format_option, root_option
from manifold.core.options import OutputFormat
from manifold.targets.runai.command_options import RunaiApplyOptions, RunaiStatusOptions

if TYPE_CHECKING:
    from manifold.core.outcome import Outcome

Run = Callable[[Callable[[], "Outcome"], OutputFormat], NoReturn]


env_option = click.option(
    "-e", "--env", "environment", required=True, help="The environment whose workloads to use."
)
state_option = click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="State file recording the workloads manifold created "
    "[default: .manifold/runai/<env>.json under the root].",
)
timeout_option = click.option(
    "--timeout",
    type=Seconds(positive=True),
    default=30.0,
    show_default=True,
    help="Seconds one request to the API may take.",
)


def _show(fmt: OutputFormat) -> Callable[[str], None] | None:
    return (lambda text: click.echo(text)) if fmt == "text" else None


_HELP = """NVIDIA Run:ai: send rendered/<env>/_runai/ to the control plane, and watch it.

The base URL comes from the environment file (spec.platforms.runai.baseUrl); the bearer
token from the variable it names (RUNAI_TOKEN unless tokenVariable says otherwise).
"""


def group(run: Run) -> click.Group:
    """A new `runai` group, its commands ending through `run` (a new group per call, so
    that two CLIs built with different `run`s never share commands)."""
    runai = click.Group("runai", help=_HELP)
    runai.add_command(_apply(run))
    runai.add_command(_status(run))
    return runai


def _apply(run: Run) -> click.Command:
    @click.command("apply")
    @root_option
    @env_option
    @click.option("--dry-run", is_flag=True, help="Print the plan and change nothing.")
    @state_option
    @timeout_option
    @click.option(
        "--wait",
        type=Seconds(positive=False),
        default=600.0,
        show_default=True,
        help="Seconds to wait for a replaced workload to be deleted before creating it again.",
    )
    @format_option
    def runai_apply(
        root: Path,
        environment: str,
        dry_run: bool,
        state: Path | None,
        timeout: float,
        wait: float,
        fmt: OutputFormat,
    ) -> None:
        """Make the Run:ai control plane match rendered/<env>/_runai/ (the plan is printed
        first)."""
        options = RunaiApplyOptions(existing_root(root), environment, dry_run, state, timeout, wait)

        def action() -> Outcome:
            from manifold.targets.runai import reconcile

            return reconcile.apply(options, _show(fmt))

        run(action, fmt)

    return runai_apply


def _status(run: Run) -> click.Command:
    @click.command("status")
    @root_option
    @env_option
    @state_option
    @timeout_option
    @format_option
    def runai_status(
        root: Path, environment: str, state: Path | None, timeout: float, fmt: OutputFormat
    ) -> None:
        """Each workload's phase, whether it matches rendered/, and its throughput and latency."""
        options = RunaiStatusOptions(existing_root(root), environment, state, timeout)

        def action() -> Outcome:
            from manifold.targets.runai import status

            return status.status(options)

        run(action, fmt)

    return runai_status
