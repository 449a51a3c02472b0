"""Digests of what a result depends on: manifold's own code, and the files below folders of a
repository read as the compiler reads them. The no-op answer (`fastpath`) and the project
result store (`incremental`) both key their records on these."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from manifold.core.diagnostics import Diagnostic
from manifold.inputs.filebytes import read_bytes


def code_fingerprint() -> bytes:
    """manifold's own files by size and time: a new version or an edited checkout differs."""
    package = Path(__file__).parents[1]  # manifold/, this module being in manifold/reuse/
    parts = []
    for directory, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith((".py", ".yaml", ".json")):
                stat = Path(directory, name).stat()
                parts.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts).encode()


def hash_folders(hasher: hashlib.blake2b, root: Path, folders: tuple[str, ...]) -> None:
    """Feed every file below these folders of `root` to `hasher`: its path and its bytes as
    the compiler reads them (a link to a device, a FIFO or a huge file must not be read
    whole here: it is refused there)."""
    for folder in folders:
        for directory, subfolders, names in os.walk(root / folder):
            subfolders.sort()
            for name in sorted(names):
                relative = Path(directory, name).relative_to(root).as_posix()
                hasher.update(os.fsencode(relative) + b"\0")  # names need not be UTF-8
                read = read_bytes(root, relative)
                if isinstance(read, Diagnostic):
                    hasher.update(b"\0unreadable: " + read.message.encode())
                else:
                    hasher.update(read)
                hasher.update(b"\0")
