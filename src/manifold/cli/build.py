"""The commands that build rendered/ in memory: `render`, `check`, `validate`, `diff` and
`explain`. Each turns its options into one frozen options object and makes one call."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from manifold.cli.params import Seconds, existing_root, format_option, root_option
from manifold.cli.running import (
    ShardParameter,
    perform,
    progress,
    run,
    waiting,
)
from manifold.core.memo import Memo
from manifold.core.options import (
    CheckOptions,
    DiffFormat,
    DiffOptions,
    KubeconformMode,
    OutputFormat,
    RenderOptions,
    ValidateOptions,
)

if TYPE_CHECKING:
    from manifold.core.outcome import Outcome
    from manifold.core.shards import Shard
    from manifold.reuse.fastpath import InputsDigest


WATCH_INTERVAL = 0.1
"""Seconds between two looks at the inputs with `render --watch`; each look at 1,000 project
files costs about 5 ms (a twentieth of one CPU while nothing changes; `commands.watch` waits
longer when looks cost more). On Linux a saved file ends the wait at once
(`commands.wakeup`); elsewhere a change waits 0.05 s on average before its render starts."""

environments_option = click.option(
    "-e",
    "--env",
    "environments",
    multiple=True,
    help="Only this environment (repeatable). Others are left as they are.",
)
shard_option = click.option(
    "--shard",
    type=ShardParameter(),
    default=None,
    metavar="I/N",
    help="Only the files of shard I of N: projects split by a stable hash of their names "
    "(shard 1 also owns what is shared). For one CI job per shard.",
)


@click.command()
@root_option
@environments_option
@shard_option
@click.option(
    "--lock-timeout",
    type=Seconds(positive=False),
    default=120.0,
    show_default=True,
    help="Seconds to wait for another manifold run writing rendered/.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Stay, and render again each time a file of projects/, environments/, platform/ "
    "or schemas/ changes, until Ctrl-C.",
)
@click.option(
    "--interval",
    type=Seconds(positive=True, most=3600),
    default=None,
    help="With --watch: seconds between two looks at the input files (default 0.1).",
)
@format_option
def render(
    root: Path,
    environments: tuple[str, ...],
    shard: Shard | None,
    lock_timeout: float,
    watch: bool,
    interval: float | None,
    fmt: OutputFormat,
) -> None:
    """Render every environment into rendered/<env>/ (atomically; nothing on error)."""
    if interval is not None and not watch:
        raise click.UsageError("--interval goes with --watch")
    options = RenderOptions(existing_root(root), environments, lock_timeout, shard)
    # What the command keeps between renders (`core.memo`): a watching process keeps one
    # for all of them, and what it writes is worth keeping while it waits.
    memo = Memo(waits=watch)

    def action(looked: Callable[[InputsDigest], None] | None = None) -> Outcome:
        from manifold.commands import recorded

        return recorded.render(options, waiting, progress(), looked, memo)

    if not watch:
        run(action, fmt)
    from manifold.commands import watch as watching
    from manifold.output.idle import between_renders

    looks = WATCH_INTERVAL if interval is None else interval
    renders_look = watching.RendersLook()
    render_once = functools.partial(perform, functools.partial(action, renders_look.put), fmt)
    between = functools.partial(between_renders, options.root, memo)
    sys.exit(
        watching.watch(
            render_once, options.root, looks, waiting, between=between, renders_look=renders_look
        )
    )


@click.command()
@root_option
@environments_option
@shard_option
@format_option
def check(
    root: Path, environments: tuple[str, ...], shard: Shard | None, fmt: OutputFormat
) -> None:
    """Render in memory and fail (exit 3) when rendered/ or schemas/ differ: the CI gate."""
    options = CheckOptions(existing_root(root), environments, shard)

    def action() -> Outcome:
        from manifold.commands import recorded

        return recorded.check(options, progress(), Memo())

    run(action, fmt)


_MANIFEST_OPTIONS = (
    click.option(
        "--schema-location",
        "schema_locations",
        multiple=True,
        metavar="LOCATION",
        help="Where schemas are (repeatable, tried in order): default, manifold, or a "
        "kubeconform template of a path or URL. Default: the repository's schemas/, manifold, "
        "default.",
    ),
    click.option("--strict", is_flag=True, help="Refuse unknown fields and duplicate keys."),
    click.option(
        "--kubernetes-version",
        metavar="VERSION",
        help="Kubernetes version of the built-in schemas: master (default) or x.y.z.",
    ),
    click.option("--skip", "skip_kinds", multiple=True, metavar="KINDS", help="Kinds to skip."),
    click.option(
        "--reject", "reject_kinds", multiple=True, metavar="KINDS", help="Kinds to refuse."
    ),
    click.option(
        "--ignore-missing-schemas", is_flag=True, help="Skip resources no schema is found for."
    ),
    click.option(
        "--ignore-filename-pattern",
        "ignore_filename_patterns",
        multiple=True,
        metavar="REGEX",
        help="Leave out files whose path matches (repeatable).",
    ),
    click.option(
        "--cache",
        type=click.Path(path_type=Path),
        help="Folder that keeps downloaded schemas (named by the SHA-256 of their URL).",
    ),
)


def _manifest_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_MANIFEST_OPTIONS):
        command = option(command)
    return command


@click.command()
@root_option
@click.option(
    "--kubeconform/--no-kubeconform",
    default=None,
    help="Also check the rendered files with kubeconform (required with --kubeconform; "
    "by default, when it is on PATH).",
)
@format_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_manifest_options
def validate(
    root: Path,
    kubeconform: bool | None,
    fmt: OutputFormat,
    paths: tuple[Path, ...],
    **manifest_options: Any,
) -> None:
    """Validate the inputs and everything they render, without writing anything.

    Given PATHS (files, folders, - for stdin), validate those Kubernetes manifests instead, as
    kubeconform does: each resource is valid, invalid, an error or skipped.
    """
    given = {name for name, value in manifest_options.items() if value}
    if given and not paths:
        params = click.get_current_context().command.params
        flags = ", ".join(param.opts[0] for param in params if param.name in given)
        raise click.UsageError(f"{flags}: only for manifests given as PATHS")
    if kubeconform is not None and paths:
        raise click.UsageError(
            "--kubeconform/--no-kubeconform: only for the repository's own rendered files; "
            "manifests given as PATHS are checked in process the way kubeconform checks them"
        )
    mode: KubeconformMode = "auto" if kubeconform is None else "always" if kubeconform else "never"
    options = ValidateOptions(existing_root(root), paths, kubeconform=mode, **manifest_options)

    def action() -> Outcome:
        from manifold.pipeline import commands as pipeline

        return pipeline.validate(options, progress())

    run(action, fmt)


@click.command()
@root_option
@click.option(
    "--base",
    default="main",
    show_default=True,
    metavar="REV",
    help="Git revision whose committed rendered/ the inputs are compared with "
    "(origin/REV when only that exists).",
)
@click.option(
    "--working-tree",
    is_flag=True,
    help="Compare with rendered/ as it is on disk instead of a git revision.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for terminals, markdown for a pull-request comment, json for programs.",
)
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything differs.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output (auto: on a terminal, never in CI or with NO_COLOR).",
)
@click.pass_context
def diff(
    context: click.Context,
    root: Path,
    base: str,
    working_tree: bool,
    fmt: DiffFormat,
    exit_code: bool,
    color: str,
) -> None:
    """Render in memory and show, object by object, what differs from rendered/ at --base.

    Changed objects show a diff of their changed fields only; secret-looking values are
    masked. Nothing is written.
    """
    if (
        working_tree
        and context.get_parameter_source("base") is not click.core.ParameterSource.DEFAULT
    ):
        raise click.UsageError("--base and --working-tree exclude each other")
    colored = color == "always" or (
        color == "auto"
        and sys.stdout.isatty()
        and not os.environ.get("CI")
        and not os.environ.get("NO_COLOR")
    )
    options = DiffOptions(
        existing_root(root),
        None if working_tree else base,
        fmt,
        exit_code,
        colored,
    )

    def action() -> Outcome:
        from manifold.pipeline import commands as pipeline

        return pipeline.diff(options, progress())

    run(action, "json" if fmt == "json" else "text")


@click.command()
@root_option
@click.option("-e", "--env", "environment", required=True, help="The environment to explain.")
@click.argument("selector", metavar="PROJECT[/NAME]")
@format_option
def explain(root: Path, environment: str, selector: str, fmt: OutputFormat) -> None:
    """Show what a project's workloads will run in ENV, pod by pod, and what set each field.

    NAME is a service, fine-tune or notebook of PROJECT; without it, all of them. Nothing is
    written.
    """
    from manifold.commands.explain import ExplainOptions

    options = ExplainOptions(existing_root(root), environment, selector, fmt)

    def action() -> Outcome:
        from manifold.commands.explain import explain as explain_workloads

        return explain_workloads(options)

    run(action, fmt)
