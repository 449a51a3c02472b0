"""rendered/ and the tree prepared beside it (`.manifold/shadow/`), exchanged at once.

One `renameat2(RENAME_EXCHANGE)` call swaps the two directories, so a reader, or a process
killed at any point, sees the whole old tree or the whole new one. Where the call is missing
(not Linux, or a file system that refuses it) three renames do it, the old tree parked under
`.manifold/previous-*` in between: `writer.recover` puts a parked tree back.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import uuid
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap(staging: Path, rendered: Path, work: Path) -> None:
    """Put `staging` in place of `rendered`; afterwards `staging` holds the old tree."""
    if not rendered.exists():
        staging.rename(rendered)
        staging.mkdir()  # the old tree was empty
        return
    if exchange(staging, rendered):
        return
    parked = work / f"previous-{uuid.uuid4().hex}"
    rendered.rename(parked)
    staging.rename(rendered)
    parked.rename(staging)
