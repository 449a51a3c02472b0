"""The `manifold` command: the group every command joins, and the entry point.

The commands live by what they do: `build` (render, check, validate, diff, explain),
`repository` (schemas, init, import), `runai`; `running` turns outcomes into exit codes.
"""

from __future__ import annotations

import click

from manifold import __version__
from manifold.cli import build, repository, runai


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="manifold")
def main() -> None:
    """manifold compiles projects/ and environments/ into Kubernetes manifests in rendered/."""


for command in (
    build.render,
    build.check,
    build.validate,
    build.diff,
    build.explain,
    repository.schemas,
    repository.init,
    repository.import_,
    runai.runai,
):
    main.add_command(command)
