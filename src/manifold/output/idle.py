"""Work a process that waits between writes can do before the next one (`render --watch`).

A write builds the new tree in the shadow (`.manifold/shadow`) and exchanges it with
rendered/, so the shadow is then the tree before, differing from rendered/ at the paths the
record lists (`Record.shadow_differs`); the next write first brings those level, or builds a
shadow from scratch when the record vouches for none. After a render from nothing that is
every file: the first change after it linked 17,475 files, some 0.6 s of a 1.6 s render on
the benchmark repository, where a later change links a few dozen. A watching process has
that time while it waits: `level_shadow` makes the shadow a copy of rendered/ now, under the
repository lock, and records that it differs nowhere. The next write then touches only what
it changes, as after any other write; what the record says of rendered/ itself is not
changed, so no answer is.

`between_renders` is all the work a watching process does while it waits: that, and decoding
the cache files the render just wrote (`reuse.readback`), which the next render would
otherwise decode from their bytes.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

from manifold.core.errors import OutputProblem
from manifold.core.memo import Memo
from manifold.output import shadow as shadowtree
from manifold.output import writer
from manifold.reuse import incremental, readback, treestate, workdir


def between_renders(root: Path, memo: Memo) -> None:
    """What a watching process does after a render, before it waits for the next change;
    `memo` is what it keeps for all its renders."""
    memo.do_pending()  # what the render left for now (the project cache): first, read next
    level_shadow(root, memo)
    incremental.decode_ahead(root, memo)
    work = workdir.existing(root)
    if work is not None:
        with contextlib.suppress(OSError):
            treestate.load_ahead(work, memo)
    readback.vouch_pending(memo)


def level_shadow(root: Path, memo: Memo | None = None) -> int:
    """Make the shadow a copy of rendered/ (links) as the record knows it, where it is not one
    already; returns how many files it linked (0 when there was nothing to do, no record,
    or another run holds the repository: the next write then does it, as before)."""
    with contextlib.suppress(OSError, OutputProblem):
        work = workdir.existing(root)
        if work is None:
            return 0
        with writer.repository_lock(root, 0, lambda _: None):
            writer.recover(root)
            record = treestate.load_record(work, memo)
            reusable = writer.shadow_reusable(root, record)
            if reusable and not record.shadow_differs:
                return 0
            # rendered/'s files as the record knows them, linked (the rest removed): a file
            # changed since is not what the record says, and the next write replaces it
            paths = record.shadow_differs if reusable else record.entries.keys()
            level: dict[str, shadowtree.Placement] = dict.fromkeys(
                (path for path in paths if path in record.entries), None
            )
            # without a shadow to trust (a record made by reading rendered/), one afresh
            rendered, differs = root / writer.RENDERED_DIR, set(record.shadow_differs)
            shadowtree.bring(work, rendered, level, differs, fresh=not reusable)
            settled = replace(record, shadow_clean=True, shadow_differs=frozenset())
            treestate.save_record(work, settled, memo)
            treestate.mark_shadow_clean(work)
            return len(level)
    return 0
