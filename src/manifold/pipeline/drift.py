"""What `manifold check` compares besides building: rendered/ against what the build made,
and schemas/ against what `schemas generate` writes (or, for a schema an environment
imported, against the digest recorded when it was imported). `CheckSideWork` is that work,
done while the environments render (`pipeline.envpool`); `CompareByDigest` has each forked
worker send back its files' digests, all that the comparison needs."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from manifold.core.diagnostics import Diagnostic
from manifold.core.kept import ByDigest, ComparedFile
from manifold.core.memo import Memo
from manifold.output import writer
from manifold.reuse.treestate import TreeState, digest
from manifold.schemas.store import SCHEMAS_DIR, generated_files, imported_files, imported_paths


class CompareByDigest:
    """What a forked worker does with the files it rendered for `check`: each text becomes
    its digest (`ComparedFile`), computed there, in parallel with the other workers, and
    what travels back and stays in the main process is a digest instead of a text (at
    10,000 projects some 60 MiB of text per environment, held until the last one is done)."""

    def start(self) -> None:
        """Nothing to prepare before the workers fork."""

    def write(self, files: Mapping[str, str | ByDigest]) -> dict[str, str | ByDigest]:
        return {
            path: ComparedFile(digest(text.encode())) if isinstance(text, str) else text
            for path, text in files.items()
        }


@dataclass
class CheckSideWork:
    """What `check` does besides building, given to the build as its `meanwhile`: reading
    rendered/ (0.4 s at 17,000 files when nothing is recorded) and comparing schemas/ with
    what `schemas generate` writes (0.4 s). Done while the environments render, it takes the
    CPU that three environments on two workers leave idle (with one environment, from the
    start: its worker takes one CPU). rendered/ is read first only when the cache may reuse
    projects, as the build then needs its digests."""

    root: Path
    schemas_owned: bool
    memo: Memo | None = None
    """The command's (`core.memo`): the record of rendered/ it read."""
    within: frozenset[str] | None = None
    """The top-level folders of rendered/ the run owns (`-e ENV`), the only ones read; None:
    all (a `--shard` owns files in every folder)."""
    current: TreeState | None = None
    schemas: list[Diagnostic] = field(default_factory=list)

    def read_tree(self) -> None:
        if self.current is None:
            rendered = self.root / writer.RENDERED_DIR
            self.current = writer.read_tree(rendered, self.memo, self.within)

    def generated(self) -> Mapping[str, str]:
        return self.current.generated if self.current is not None else {}

    def tree(self) -> TreeState:
        assert self.current is not None, "the build runs its meanwhile before it returns"
        return self.current

    def __call__(self) -> None:
        self.read_tree()
        if self.schemas_owned:
            self.schemas = schema_drift(self.root)


def rendered_drift(changes: writer.Changes) -> list[Diagnostic]:
    rendered = writer.RENDERED_DIR
    return [
        *(_drift(f"{rendered}/{p}", "missing: run `manifold render`") for p in changes.added),
        *(
            _drift(f"{rendered}/{p}", "differs from what the inputs produce: run `manifold render`")
            for p in changes.changed
        ),
        *(
            _drift(f"{rendered}/{p}", "no longer produced by the inputs: run `manifold render`")
            for p in changes.removed
        ),
    ]


def _drift(file: str, message: str) -> Diagnostic:
    return Diagnostic(message, file=file)


def wanted_schemas(root: Path) -> dict[str, str]:
    """What `schemas generate` writes: manifold's schemas, except where one was imported."""
    imported = imported_paths(root)
    return {path: text for path, text in generated_files().items() if path not in imported}


def schema_drift(root: Path) -> list[Diagnostic]:
    wanted = wanted_schemas(root)
    folder = root / SCHEMAS_DIR
    drift = []
    for relative, text in wanted.items():
        path = folder / relative
        if not path.is_file():
            drift.append(
                _drift(f"{SCHEMAS_DIR}/{relative}", "missing: run `manifold schemas generate`")
            )
        elif path.read_text(encoding="utf-8") != text:
            drift.append(
                _drift(f"{SCHEMAS_DIR}/{relative}", "stale: run `manifold schemas generate`")
            )
    return [*drift, *_imported_drift(root)]


def _imported_drift(root: Path) -> list[Diagnostic]:
    """An environment's imported schema, missing or changed since `schemas import` wrote it:
    the environment would no longer be checked against what its cluster runs."""
    drift = []
    for entry in imported_files(root):
        if entry.digest is None or entry.source is None:
            continue
        path = root / SCHEMAS_DIR / entry.path
        again = f"import {entry.source} again (manifold schemas import --env {entry.environment})"
        if not path.is_file():
            drift.append(_drift(f"{SCHEMAS_DIR}/{entry.path}", f"missing: {again}"))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry.digest:
            message = f"edited since it was imported from {entry.source}: {again}"
            drift.append(_drift(f"{SCHEMAS_DIR}/{entry.path}", message))
    return drift
