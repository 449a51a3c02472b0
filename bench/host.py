"""What the benchmark runs with: the machine it reports, the commands it finds (manifold
beside this Python, kubectl or kustomize on PATH), and the folders it works in."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Trash:
    """Where a timed run's preparation puts what the last run wrote, rather than delete it;
    emptied once the rounds are over.

    Why: a file system may refuse for a while to reuse the inodes it has just freed. ext4
    without a journal (this development machine's) does, for a minute or more, and checks
    each such inode again for every file it creates (fs/ext4/ialloc.c, `recently_deleted`).
    A full render right after the last one's 17,475 files were deleted then spends 1.3 s
    and more in the kernel: on the 2-core machine, 3.96-4.11 s against 2.64-2.74 s into
    fresh inodes, and writing the same files alone, as the floor does, 1.6-4.8 s against
    0.25-0.28 s. That is the benchmark's own deletion, and how much it costs depends on
    where the freed inodes lie; a rename frees none."""

    folder: Path
    taken: int = 0

    def take(self, path: Path) -> None:
        """Move `path` (if there) out of the way."""
        if not path.exists() and not path.is_symlink():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.taken += 1
        path.rename(self.folder / str(self.taken))

    def empty(self) -> None:
        remove(self.folder)


def clear(repo: Path, trash: Trash | None = None) -> None:
    """No rendered/ and no .manifold/: a render from nothing. Into `trash` when given (a
    timed run follows), else deleted."""
    for name in ("rendered", ".manifold"):
        if trash is not None:
            trash.take(repo / name)
        else:
            remove(repo / name)


def manifold_command() -> list[str]:
    """The installed entry point beside this Python, else `python -m manifold`."""
    beside = Path(sys.executable).parent / "manifold"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "manifold"]


def kustomize_command() -> list[str] | None:
    if kubectl := shutil.which("kubectl"):
        return [kubectl, "kustomize"]
    if kustomize := shutil.which("kustomize"):
        return [kustomize, "build"]
    return None


def kustomize_version(command: list[str]) -> str:
    asked = (
        [command[0], "version", "--client"]
        if command[1] == "kustomize"
        else [command[0], "version"]
    )
    result = subprocess.run(asked, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if "Kustomize" in line or line.startswith("v"):
            return line.rpartition(" ")[2]  # "Kustomize Version: v5.5.0" or "v5.5.0"
    return "unknown"


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    memory = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0].split()
        memory = int(first[1]) * 1024 if first[0] == "MemTotal:" else 0
    return {
        "cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": model or platform.processor() or "unknown",
        "memory_bytes": memory,
        "system": platform.platform(),
    }


def python_versions(manifold: list[str]) -> dict[str, str]:
    result = subprocess.run([*manifold, "--version"], capture_output=True, text=True, check=False)
    version = result.stdout.strip().rpartition(" ")[2]  # "manifold, version 0.1.0"
    return {"manifold": version, "python": platform.python_version()}


@contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        if keep.exists() and any(keep.iterdir()):
            raise SystemExit(f"bench: --workdir {keep} is not empty")
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="manifold-bench-") as folder:
        yield Path(folder)
