"""The `manifold` executable: the first thing it runs, before the CLI is imported.

Importing click and manifold's commands takes 40 ms here, a third of a render that finds
nothing to do. A render or check of a repository with a stamp of rendered/ may be such a
run, so its look at rendered/ starts in a child right away (`reuse.lookahead`), and runs
while this process imports; nothing else is done before the CLI, which decides as always.
"""

from __future__ import annotations

import sys
from typing import NoReturn


def entry() -> NoReturn:
    from manifold.reuse import lookahead

    lookahead.start(sys.argv[1:])
    from manifold.cli.main import entry as cli

    cli()
