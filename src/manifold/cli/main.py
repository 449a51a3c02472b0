"""The `manifold` command: the group every command joins, and the entry point.

The commands live by what they do: `build` (render, check, validate, diff, explain),
`repository` (schemas, init, import); a platform's own group (`manifold runai ...`) lives
with its target and is imported only when it is used. `running` turns outcomes into exit
codes; `params` holds the parameters the groups share.
"""

from __future__ import annotations

import importlib
import sys
from typing import NoReturn

import click

from manifold import __version__
from manifold.cli import build, repository, running
from manifold.cli.running import run
from manifold.targets.registry import command_groups, command_summaries


class _Main(click.Group):
    """manifold's own commands, and each platform's command group (`manifold runai ...`),
    named by the target registry and imported only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *command_groups()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in command_groups():
            module = importlib.import_module(command_groups()[cmd_name])
            group: click.Group = module.group(run)
            return group
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with the first line of its help; a platform's group by the line the
        registry holds, not imported: importing it builds the platform's compiler, which was
        0.25 s of the 0.3 s `manifold --help` took."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        summaries = command_summaries()
        rows = [
            (name, click.Group(name, help=summaries[name]).get_short_help_str(limit))
            if name in summaries
            else (name, self.commands[name].get_short_help_str(limit))
            for name in names
            if name in summaries or not self.commands[name].hidden
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
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
):
    main.add_command(command)


def entry() -> NoReturn:
    """What the console script and `python -m manifold` run after `cli.launch`: `main`, then
    the process ends at once.

    A render or check at N = 1,000 leaves a heap of a few hundred MiB that Python would free
    object by object on the way out (about 0.1 s, measured on the benchmark repository) only
    for the kernel to drop the pages anyway. So a command that `running.run` ends, ends
    there (`running.ENDS_AT_ONCE`), and any other way out (usage errors, `--help`) ends here,
    both with `running.end_process`. Output is flushed first. In-process callers (the tests)
    call `main` and get its SystemExit as before."""
    running.ENDS_AT_ONCE = True
    try:
        main()
        code: object = 0
    except SystemExit as ended:
        code = ended.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what Python does with a SystemExit that is not a number
        code = 1
    running.end_process(code or 0)
