"""The `manifold` executable: the first thing it runs, before the CLI is imported.

Importing click and manifold's commands takes 40 ms here, a third of a render that finds
nothing to do. A render or check of a repository with a stamp of rendered/ may be such a
run, so its look at rendered/ starts in a child right away (`reuse.lookahead`), and runs
while this process imports. A plain render or check is then asked of the record before
the CLI is imported (`cli.at_once`); any other run goes to the CLI, which decides as always.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `typing` takes 5 ms to import, and the look ahead waits for it
if TYPE_CHECKING:
    from typing import NoReturn


def entry() -> NoReturn:
    from manifold.reuse import lookahead

    lookahead.start(sys.argv[1:])
    from manifold.cli import at_once

    code = at_once.answer(sys.argv[1:])
    if code is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # as `cli.main.entry` ends: nothing is left to clean up
    from manifold.cli.main import entry as cli

    cli()
