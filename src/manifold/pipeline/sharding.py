"""What one run of `render` or `check` answers for when it is given `-e ENV` or `--shard i/n`
(`core.shards` says which shard owns which file): the files it writes or compares, the
part of rendered/ it may prune, and the problems it reports.

A shard compiles every selected environment whole (a project's references reach into other
projects, and the environment's own objects, such as a namespace two projects share, come
from all of them), then keeps its part: the files it owns and the problems of its own
projects. Problems of no one project (an environment file, a platform file, Flux and Argo CD
settings, a project file too broken to name its project) are reported by every shard,
since every shard's output may depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from manifold.core.diagnostics import Diagnostics
from manifold.core.shards import Shard
from manifold.gitops.render import FOLDERS as SYNC_FOLDERS
from manifold.inputs.sources import PROJECTS_DIR, Document, read_document

Content = TypeVar("Content")


def scope(environments: tuple[str, ...], shard: Shard | None) -> Callable[[str], bool] | None:
    """Which files of rendered/ the run owns: None, all of them. Files outside it are kept
    as they are, never pruned."""
    if not environments and shard is None:
        return None
    owned_folders = folders(environments)

    def owned(relative: str) -> bool:
        if owned_folders is not None and relative.split("/", 1)[0] not in owned_folders:
            return False
        return shard is None or shard.owns(relative)

    return owned


def folders(environments: tuple[str, ...]) -> frozenset[str] | None:
    """The top-level folders of rendered/ that a run of these environments owns (None: all):
    theirs and the sync folders, where their Flux and Argo CD objects are."""
    return frozenset(environments) | SYNC_FOLDERS if environments else None


def owned_files(
    files: Mapping[str, Content], owned: Callable[[str], bool] | None
) -> dict[str, Content]:
    return dict(files) if owned is None else {p: c for p, c in files.items() if owned(p)}


def owned_problems(
    root: Path,
    diagnostics: Diagnostics,
    project_files: Mapping[str, tuple[str, str]],
    shard: Shard | None,
) -> Diagnostics:
    """The problems a shard reports: those of its own projects' files, and those of no one
    project (which every shard reports). `project_files`: path -> (digest, project name)."""
    if shard is None:
        return diagnostics
    kept = Diagnostics()
    for diagnostic in diagnostics:
        project = _project_of(root, diagnostic.file, project_files)
        if project is None or shard.owns_unit(project):
            kept.add(diagnostic)
    return kept


def _project_of(
    root: Path, file: str | None, project_files: Mapping[str, tuple[str, str]]
) -> str | None:
    """The project a problem's file defines: known if it was read as one, else the name the
    file gives itself (a project with errors of its own); None for any other file."""
    if file is None or not file.startswith(f"{PROJECTS_DIR}/"):
        return None
    if (known := project_files.get(file)) is not None:
        return known[1]
    document = read_document(root, file)
    data = document.data if isinstance(document, Document) else None
    metadata = data.get("metadata") if isinstance(data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) and name else None
