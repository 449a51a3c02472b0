"""Reading an input file's bytes safely: regular files inside the repository only, and no
more than the size cap. Kept apart from `sources` (which parses YAML) so that the no-op
check of `fastpath` can hash inputs exactly as the compiler will read them, without
importing the compiler.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from manifold.diagnostics import Diagnostic

MAX_FILE_BYTES = 1024 * 1024


def read_bytes(root: Path, relative: str) -> bytes | Diagnostic:
    """The bytes of a regular file inside the repository, at most one more than the cap."""
    path = root / relative
    try:
        if stat.S_ISREG(path.lstat().st_mode):
            # A plain file found under the repository is inside it: no link to follow.
            with path.open("rb") as handle:
                return handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        pass  # reported below, where links are followed and errors explained
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return Diagnostic("file is a link to something that does not exist", file=relative)
    except RuntimeError:  # a link loop, before Python 3.13
        return Diagnostic("file is a link that leads back to itself", file=relative)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Diagnostic("file is a link that leads back to itself", file=relative)
        return Diagnostic(f"cannot read file: {error.strerror or error}", file=relative)
    if not resolved.is_relative_to(root.resolve()):
        return Diagnostic(
            "file is a link to a place outside the repository; copy the file in instead",
            file=relative,
        )
    try:
        # Checked before opening: opening a FIFO would wait for a writer forever.
        if not stat.S_ISREG(resolved.stat().st_mode):
            return Diagnostic("not a regular file; input files must be plain files", file=relative)
        with resolved.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return Diagnostic(f"cannot read file: {error.strerror or error}", file=relative)
