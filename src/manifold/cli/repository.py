"""The commands that create or change the repository's own files: `schemas generate`,
`schemas import`, `init` and `import`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from manifold.cli.params import existing_root, format_option, root_option
from manifold.cli.running import run
from manifold.core.options import (
    ImportOptions,
    InitOptions,
    ObjectImportOptions,
    OutputFormat,
    SchemasOptions,
)

if TYPE_CHECKING:
    from manifold.core.outcome import Outcome


@click.group()
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

    run(action, fmt)


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

    run(action, fmt)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@format_option
def init(directory: Path, fmt: OutputFormat) -> None:
    """Create a new manifold repository in DIRECTORY that renders and passes check at once."""
    options = InitOptions(directory)

    def action() -> Outcome:
        from manifold.commands import scaffold

        return scaffold.init(options)

    run(action, fmt)


@click.command("import")
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

    run(action, fmt)
