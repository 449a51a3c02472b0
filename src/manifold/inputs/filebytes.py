"""Reading an input file's bytes safely: regular files inside the repository only, and no
more than the size cap. Kept apart from `sources` (which parses YAML) so that the no-op
check of `fastpath` can hash inputs exactly as the compiler will read them, without
importing the compiler.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from manifold.core.diagnostics import Diagnostic

MAX_FILE_BYTES = 1024 * 1024


def _folder_inside(root: str, folder: str) -> bool:
    """Whether `folder`, its links followed, is inside `root` (about 10 µs a file: a few
    lstat calls, asked again for every file since a folder may be swapped for a link)."""
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(folder)]) == real_root


def read_bytes(root: Path, relative: str) -> bytes | Diagnostic:
    """The bytes of a regular file inside the repository, at most one more than the cap."""
    path = root / relative
    if not _folder_inside(str(root), str(path.parent)):
        return Diagnostic(
            "file is in a folder that links to a place outside the repository; make the "
            "folder a plain folder of the repository",
            file=relative,
        )
    try:
        if stat.S_ISREG(path.lstat().st_mode):
            # A plain file in a folder inside the repository is inside it: no link to follow.
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
