"""manifold's files under rendered/ as committed at a git revision, read with `git` itself.

Two git processes whatever the number of files: `ls-tree` lists the blobs, one
`cat-file --batch` streams them all.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from manifold.core.errors import UsageProblem
from manifold.output.header import split_ownership
from manifold.output.writer import RENDERED_DIR

_REGULAR_FILES = ("100644", "100755")


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    executable = shutil.which("git")
    if executable is None:
        raise UsageProblem(
            "git is not installed; install it, or compare with rendered/ on disk: --working-tree"
        )
    return subprocess.run(
        [executable, *args], cwd=root, input=stdin, capture_output=True, check=False
    )


def resolve(root: Path, ref: str) -> tuple[str, str]:
    """(commit, the name it was found under) for `ref`, or for `origin/<ref>` when only the
    remote-tracking branch exists (as in CI checkouts)."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise UsageProblem(
            f"{root} is not in a git repository; compare with rendered/ on disk: --working-tree"
        )
    for name in (ref, f"origin/{ref}"):
        found = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", name + "^{commit}"
        )
        if found.returncode == 0:
            return found.stdout.decode().strip(), name
    raise UsageProblem(
        f"git revision {ref!r} not found (nor origin/{ref}); fetch it (git fetch origin {ref}) "
        "or name another with --base"
    )


def rendered_at(root: Path, commit: str) -> dict[str, bytes]:
    """manifold's files of rendered/ at `commit`, by path relative to rendered/.

    Like the writer, only manifold's files count (`header.split_ownership`); links are left
    out.
    """
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", RENDERED_DIR)
    if listing.returncode != 0:
        raise UsageProblem(f"git ls-tree failed: {listing.stderr.decode().strip()}")
    blobs: list[tuple[str, str]] = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        if kind == "blob" and mode in _REGULAR_FILES:
            relative = path.decode().removeprefix(RENDERED_DIR + "/")
            blobs.append((sha, relative))
    if not blobs:
        return {}
    request = "".join(f"{sha}\n" for sha, _ in blobs).encode()
    batch = _git(root, "cat-file", "--batch", stdin=request)
    if batch.returncode != 0:
        raise UsageProblem(f"git cat-file failed: {batch.stderr.decode().strip()}")
    files: dict[str, bytes] = {}
    output = batch.stdout
    offset = 0
    for _, relative in blobs:
        header_end = output.index(b"\n", offset)
        size = int(output[offset:header_end].split(b" ")[2])
        data = output[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
        files[relative] = data
    return split_ownership(files)[0]
