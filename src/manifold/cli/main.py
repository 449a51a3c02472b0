"""The `manifold` command: options in, one call into the pipeline, an exit code out.

Exit codes: 0 ok, 1 problems found (nothing written) or `diff --exit-code` found
differences, 2 usage error, 3 drift (check), 70 internal error (a bug in manifold: please
report it), 130 interrupted. docs/commands.md lists them for users.

Heavy modules are imported inside the commands so that `manifold --help` stays fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from manifold import __version__
from manifold.cli.params import Seconds, existing_root, format_option, root_option
from manifold.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PROBLEMS, ManifoldError
from manifold.core.options import (
    CheckOptions,
    DiffFormat,
    DiffOptions,
    ImportOptions,
    InitOptions,
    KubeconformMode,
    ObjectImportOptions,
    OutputFormat,
    RenderOptions,
    SchemasOptions,
    ValidateOptions,
)
from manifold.targets.registry import command_groups

if TYPE_CHECKING:
    from manifold.core.diagnostics import Diagnostic
    from manifold.core.outcome import Outcome
    from manifold.pipeline.commands import Progress


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _color() -> bool:
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def _progress() -> Progress | None:
    if not _interactive():
        return None

    def show(environment: str, done: int, total: int) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r  {environment}: {done}/{total} projects", nl=False, err=True)
        if end:
            click.echo("\r\x1b[2K", nl=False, err=True)

    return show


def _emit(
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
    if diagnostics:
        click.echo(report.format_text(diagnostics, color=_color()), err=True)
    counts = report.summary(diagnostics)
    message = report.clean(message)
    if status == "ok":
        click.echo(message + (f" ({counts})" if counts else ""))
    else:
        click.echo(f"manifold: {message}" + (f" ({counts})" if counts else ""), err=True)


def _run(action: Callable[[], Outcome], fmt: OutputFormat) -> NoReturn:
    """The one place where outcomes and exceptions become exit codes."""
    # A run builds a large heap of short-lived objects and ends: the collector's default
    # thresholds, made for long-lived processes, spent a fifth of a small re-render scanning
    # it, while a run leaves little cyclic garbage behind.
    gc.set_threshold(100_000, 50, 50)
    try:
        outcome = action()
    except ManifoldError as error:
        _emit(error.diagnostics, type(error).__name__, error.message, fmt, error.details)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("manifold: interrupted; rendered/ was left as it was", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as error:  # the machine's fault (a full disk, a read-only folder), not a bug
        where = f" ({os.fsdecode(error.filename)!r})" if error.filename else ""
        message = f"{error.strerror or error}{where}; fix that and run again"
        _emit([], "OSError", message, fmt, {})
        sys.exit(EXIT_PROBLEMS)
    except Exception:
        from manifold.core import secrets

        click.echo(
            "manifold: internal error (this is a bug in manifold; please report it with the "
            "trace below)\n" + secrets.mask_text(traceback.format_exc()),
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    if outcome.output is None:
        _emit(outcome.diagnostics, "ok", outcome.summary, fmt, outcome.details)
    else:
        _emit_beside(outcome)
    sys.exit(outcome.exit_code)


def _emit_beside(outcome: Outcome) -> None:
    """stdout holds what the command produced; warnings and the summary go to stderr."""
    from manifold.cli import report

    click.echo(outcome.output, nl=False, color=True)  # styled only when the command chose to
    if outcome.diagnostics:
        click.echo(report.format_text(outcome.diagnostics, color=_color()), err=True)
    click.echo(f"manifold: {report.clean(outcome.summary)}", err=True)


def _waiting(message: str) -> None:
    click.echo(f"manifold: {message}", err=True)


class _Main(click.Group):
    """manifold's own commands, and each platform's command group (`manifold runai ...`),
    named by the target registry and imported only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *command_groups()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in command_groups():
            module = importlib.import_module(command_groups()[cmd_name])
            group: click.Group = module.group(_run)
            return group
        return command


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="manifold")
def main() -> None:
    """manifold compiles projects/ and environments/ into Kubernetes manifests in rendered/."""


@main.command()
@root_option
@click.option(
    "-e",
    "--env",
    "environments",
    multiple=True,
    help="Render only this environment (repeatable). Others are left as they are.",
)
@click.option(
    "--lock-timeout",
    type=Seconds(positive=False),
    default=120.0,
    show_default=True,
    help="Seconds to wait for another manifold run writing rendered/.",
)
@format_option
def render(
    root: Path, environments: tuple[str, ...], lock_timeout: float, fmt: OutputFormat
) -> None:
    """Render every environment into rendered/<env>/ (atomically; nothing on error)."""
    options = RenderOptions(existing_root(root), environments, lock_timeout)

    def action() -> Outcome:
        from manifold.commands import recorded

        return recorded.render(options, _waiting, _progress())

    _run(action, fmt)


@main.command()
@root_option
@format_option
def check(root: Path, fmt: OutputFormat) -> None:
    """Render in memory and fail (exit 3) when rendered/ or schemas/ differ: the CI gate."""
    options = CheckOptions(existing_root(root))

    def action() -> Outcome:
        from manifold.commands import recorded

        return recorded.check(options, _progress())

    _run(action, fmt)


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


@main.command()
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

        return pipeline.validate(options, _progress())

    _run(action, fmt)


@main.command()
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

        return pipeline.diff(options, _progress())

    _run(action, "json" if fmt == "json" else "text")


@main.command()
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

    _run(action, fmt)


@main.group()
def schemas() -> None:
    """JSON Schemas and CRDs of manifold's kinds and of every kind it renders."""


@schemas.command("generate")
@root_option
@format_option
def schemas_generate(root: Path, fmt: OutputFormat) -> None:
    """Write schemas/ (kubeconform layout: <group>/<kind>_<version>.json, and crds/)."""
    options = SchemasOptions(existing_root(root))

    def action() -> Outcome:
        from manifold.pipeline import commands as pipeline

        return pipeline.generate_schemas(options)

    _run(action, fmt)


@schemas.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@root_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write here instead of the repository's schemas/ (and record nothing).",
)
@click.option(
    "--deny-root-additional-properties",
    is_flag=True,
    help="Refuse unknown top-level fields too (kubeconform's converter allows them).",
)
@click.option(
    "-e",
    "--env",
    "environment",
    default=None,
    help="Only for this environment: its objects are checked against exactly these CRDs.",
)
@format_option
def schemas_import(
    files: tuple[Path, ...],
    root: Path,
    output: Path | None,
    deny_root_additional_properties: bool,
    environment: str | None,
    fmt: OutputFormat,
) -> None:
    """Convert CustomResourceDefinitions (YAML, several per file, gzipped or not) into JSON
    Schemas <group>/<kind>_<version>.json that rendered objects are then checked against."""
    if environment is not None and output is not None:
        raise click.UsageError("--env imports into the repository; drop --output")
    options = ImportOptions(
        existing_root(root) if output is None else root,
        files,
        output,
        deny_root_additional_properties,
        environment,
    )

    def action() -> Outcome:
        from manifold.schemas import crd_import as schemaimport

        return schemaimport.import_schemas(options)

    _run(action, fmt)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@format_option
def init(directory: Path, fmt: OutputFormat) -> None:
    """Create a new manifold repository in DIRECTORY that renders and passes check at once."""
    options = InitOptions(directory)

    def action() -> Outcome:
        from manifold.commands import scaffold

        return scaffold.init(options)

    _run(action, fmt)


@main.command("import")
@root_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "to", required=True, type=click.Path(path_type=Path), help="File to write.")
@click.option("--force", is_flag=True, help="Replace the --to file if it exists.")
@format_option
def import_(root: Path, paths: tuple[Path, ...], to: Path, force: bool, fmt: OutputFormat) -> None:
    """Import OME objects (YAML files or folders) into a platform file (cluster-scoped
    kinds) or a project file (one namespace's) that renders them back unchanged; refuse,
    writing nothing, what cannot be imported without loss. PATH and --to are relative to
    the repository (-C)."""
    options = ObjectImportOptions(existing_root(root), paths, to, force)

    def action() -> Outcome:
        from manifold.commands.importing.command import import_objects

        return import_objects(options)

    _run(action, fmt)
