"""The shadow tree, `.manifold/shadow/`: the next rendered/, made ready beside it for the
writer to swap in.

It is brought up to date by touching only what differs, or, when it cannot be trusted (a
render from nothing, a `.manifold/` deleted, a write that stopped half-way), built afresh.
Building it afresh is a file system call per file and per folder, and that cost is kernel
time, which separate processes spend side by side: so a render that compiles its
environments in forked workers has each worker write its environment's files into the fresh
shadow (`ShadowWriter`) as soon as the environment is compiled, while the other worker is
still compiling. A written file goes back to the main process as a digest (`ShadowFile`), not
as text, and the main process writes only what is left (Flux and Argo CD files, files
carried over) before it swaps.

The shadow is scratch until the swap: it is marked unclean before anything is written into
it, so a render that then stops on a problem leaves rendered/ as it was and the next render
builds the shadow afresh.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from manifold.core.kept import ByDigest, KeptFile, ShadowFile
from manifold.reuse import treestate, workdir
from manifold.reuse.treestate import digest

SHADOW_DIR = "shadow"
WRITE_THREADS = 2
"""Threads a worker writes its files with: the kernel's part of creating a file runs
without Python's lock, so a second thread uses a CPU the other worker leaves idle (when it
is done, or between its own steps)."""

Placement = bytes | ShadowFile | None
"""A file of the new tree: bytes to write, already written by a worker (`ShadowFile`), or
None: linked to the file rendered/ holds now."""


class ShadowWriter:
    """Lets forked workers write the files they render straight into a fresh shadow tree.

    `owned`: the files of rendered/ the run owns (None: all); `disk`: digests of manifold's
    files under rendered/ now. A worker writes only owned files that differ from `disk` (the
    writer links the others from rendered/), under safe names (it leaves the others to the
    writer, which refuses them)."""

    def __init__(
        self, root: Path, owned: Callable[[str], bool] | None, disk: Mapping[str, str]
    ) -> None:
        self.root = root
        self.owned = owned
        self.disk = disk

    def start(self) -> None:
        """In the main process, before the workers fork: an empty, unclean shadow."""
        work = workdir.folder(self.root, create=True)
        assert work is not None
        treestate.mark_shadow_unclean(work)
        shadow = work / SHADOW_DIR
        clear(shadow)
        shadow.mkdir()

    def write(self, files: Mapping[str, str | ByDigest]) -> dict[str, str | ByDigest]:
        """In a worker: write `files` into the shadow; each is returned as a `ShadowFile`
        when written, a `KeptFile` when rendered/ already holds it, else as it came (a file
        the run does not own, or a write that failed: the main process writes it again, and
        reports the error if it fails again)."""
        shadow = os.path.join(self.root, workdir.WORK_DIR, SHADOW_DIR)
        result = dict(files)
        # Texts are encoded twice rather than held as bytes too: that would be some 50 MB
        # more per worker at 10,000 projects (about 1 KB a file), while encoding costs under
        # 1 µs a file against the 50-400 µs of writing it.
        to_write: dict[str, tuple[str, str]] = {}
        for relative, text in files.items():
            if not isinstance(text, str) or not workdir.safe_relative(relative):
                continue
            if self.owned is not None and not self.owned(relative):
                continue
            known = digest(text.encode())
            if self.disk.get(relative) == known:
                result[relative] = KeptFile(known)
            else:
                to_write[relative] = (text, known)
        with contextlib.suppress(OSError):
            make_folders(shadow, to_write)
        items = list(to_write.items())
        with ThreadPoolExecutor(WRITE_THREADS) as threads:
            shares = [items[start::WRITE_THREADS] for start in range(WRITE_THREADS)]
            for written in threads.map(partial(_place_texts, shadow), shares):
                result.update((relative, ShadowFile(known)) for relative, known in written)
        return result


def _place_texts(shadow: str, share: list[tuple[str, tuple[str, str]]]) -> list[tuple[str, str]]:
    """Write `share` (path, (text, digest)) into the shadow: the paths and digests written,
    up to the first that fails (the main process writes the rest again)."""
    written = []
    for relative, (text, known) in share:
        try:
            place(shadow, "", relative, text.encode())
        except OSError:
            break
        written.append((relative, known))
    return written


# The loops below run once per file of rendered/: plain string paths, not pathlib, and each
# folder made once (here a mkdir that finds its folder costs a tenth of writing a file).


def place(shadow: str, rendered: str, relative: str, data: bytes | None) -> None:
    """A new file in the shadow: `data`, or the current tree's file linked (never written into:
    the shadow and rendered/ share the inodes of unchanged files)."""
    target = os.path.join(shadow, relative)
    if data is None:
        _link_or_copy(os.path.join(rendered, relative), target)
    else:
        with open(target, "wb") as handle:
            handle.write(data)


def make_folders(shadow: str, relatives: Iterable[str]) -> None:
    for folder in sorted({relative.rpartition("/")[0] for relative in relatives} - {""}):
        os.makedirs(os.path.join(shadow, folder), exist_ok=True)


def bring(
    work: Path,
    rendered: Path,
    new_tree: dict[str, Placement],
    touched: set[str],
    fresh: bool,
    started: bool = False,
) -> None:
    """Make the shadow in `work` equal `new_tree` (`update` where only `touched` differs, else
    `build`), marked unclean until its caller records it (the writer, `idle.level_shadow`)."""
    treestate.mark_shadow_unclean(work)
    if fresh:
        build(work / SHADOW_DIR, rendered, new_tree, started)
    else:
        update(work / SHADOW_DIR, rendered, new_tree, touched)


def build(shadow: Path, rendered: Path, new_tree: dict[str, Placement], started: bool) -> None:
    """The shadow afresh; `started`: workers have written its `ShadowFile`s already."""
    if not started:
        clear(shadow)
        shadow.mkdir()
    left: dict[str, bytes | None] = {
        relative: data for relative, data in new_tree.items() if not isinstance(data, ShadowFile)
    }
    make_folders(str(shadow), left)
    for relative, data in left.items():
        place(str(shadow), str(rendered), relative, data)


def update(shadow: Path, rendered: Path, new_tree: dict[str, Placement], touched: set[str]) -> None:
    """Make the shadow equal `new_tree`, given that it already does everywhere but `touched`."""
    emptied: set[str] = set()
    for relative in touched:
        _remove(os.path.join(shadow, relative))
        if relative not in new_tree:
            emptied.add(relative.rpartition("/")[0])
    placed = [relative for relative in sorted(touched) if relative in new_tree]
    make_folders(str(shadow), placed)
    for relative in placed:
        data = new_tree[relative]
        assert not isinstance(data, ShadowFile), "workers write only into a fresh shadow"
        place(str(shadow), str(rendered), relative, data)
    for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
        while folder and os.path.isdir(path := os.path.join(shadow, folder)):
            if os.listdir(path):
                break
            os.rmdir(path)
            folder = folder.rpartition("/")[0]


def _remove(path: str) -> None:
    """Whatever is at `path`: a file, a link, or a folder where a file is to be."""
    try:
        os.unlink(path)
    except (FileNotFoundError, NotADirectoryError):  # nothing there, or a file on the way
        pass
    except (IsADirectoryError, PermissionError):  # Linux says the former, macOS the latter
        if not os.path.isdir(path) or os.path.islink(path):
            raise
        shutil.rmtree(path)


def clear(path: Path) -> None:
    """Remove what stands at `path` inside .manifold/: a folder with its files, or a file or
    link itself (a link is removed, never followed)."""
    if workdir.child_is_folder(path):
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
