"""`manifold render` and `manifold check` as the CLI runs them: answered from the record of
the last run when nothing they depend on changed (`manifold.reuse.fastpath`), else by the
pipeline, whose outcome is then recorded. The pipeline is imported only when it is needed,
and while it is, a child process may parse the project files (`manifold.inputs.ahead`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from manifold.core.memo import Memo
from manifold.core.options import CheckOptions, RenderOptions
from manifold.core.outcome import Outcome
from manifold.reuse import workdir
from manifold.reuse.fastpath import InputsDigest, inputs_digest, remember, unchanged

if TYPE_CHECKING:
    from manifold.inputs.ahead import Documents
    from manifold.pipeline.commands import Progress


def render(
    options: RenderOptions,
    on_wait: Callable[[str], None],
    progress: Progress | None,
    looked: Callable[[InputsDigest], None] | None = None,
    memo: Memo | None = None,
) -> Outcome:
    """`manifold render`, answered from the record when nothing changed. `looked` is given
    the look at the inputs this render takes before it reads them (none when a child process
    parses them meanwhile: `_read_ahead`); `memo` is what the command keeps between the
    renders it runs (`core.memo`; none: this render keeps its own)."""
    if memo is not None:
        memo.do_pending()  # what the last render left for later is done before this one
    with _read_ahead(options) as ahead:
        digest = inputs_digest(options.root, "render", _selection(options))
        if looked is not None and ahead is None:
            looked(digest)
        if (outcome := unchanged(options.root, "render", digest)) is not None:
            if memo is not None and memo.waits:
                memo.when_waiting(functools.partial(_warm, options, memo))
            return outcome
        from manifold.pipeline import commands as pipeline

        outcome = pipeline.render(options, on_wait, progress, digest.record, ahead, memo)
    # After the record of the tree, which a watching process saves once it has told the
    # user (`pipeline.commands.render`): the outcome names that record's time.
    remembered = functools.partial(remember, options.root, "render", digest, outcome, memo)
    if memo is not None:
        memo.when_waiting(remembered)
    else:
        remembered()
    return outcome


def at_once(command: str, root: Path) -> Outcome | None:
    """The recorded outcome of a plain `manifold render` or `check` at `root` (every
    environment, no shard), when nothing it depends on changed; else None (`cli.at_once`)."""
    return unchanged(root, command, inputs_digest(root, command))


def _warm(options: RenderOptions, memo: Memo) -> None:
    from manifold.pipeline import commands as pipeline

    pipeline.warm(options, memo)


def check(options: CheckOptions, progress: Progress | None, memo: Memo | None = None) -> Outcome:
    """`manifold check`, answered from the record when nothing changed since it last passed;
    `memo` as for `render`."""
    with _read_ahead(options) as ahead:
        digest = inputs_digest(options.root, "check", _selection(options))
        if (outcome := unchanged(options.root, "check", digest)) is not None:
            return outcome
        from manifold.pipeline import commands as pipeline

        outcome = pipeline.check(options, progress, digest.record, ahead, memo)
    remember(options.root, "check", digest, outcome, memo)
    return outcome


def _read_ahead(
    options: RenderOptions | CheckOptions,
) -> AbstractContextManager[Documents | None]:
    """With no `.manifold/` (a fresh clone, or one deleted) nothing is recorded, so the run
    cannot be answered from a record and will parse every project file: they are parsed
    ahead while this process hashes the inputs and imports the compiler (`inputs.ahead`).
    That module is imported only then: it imports the YAML parser, a sixth of a no-op
    render's time."""
    if workdir.existing(options.root) is not None:
        return nullcontext()
    from manifold.inputs.ahead import read_ahead

    return read_ahead(options.root)


def _selection(options: RenderOptions | CheckOptions) -> tuple[str, ...]:
    """What part the run answers for: its outcome is recorded for that part alone."""
    shard = () if options.shard is None else (f"--shard={options.shard}",)
    return (*options.environments, *shard)
