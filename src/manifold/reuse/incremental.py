"""Reusing, project by project, what an environment rendered last time.

A render keeps, for each project in each environment, the files its objects became and what
else it looked at: `.manifold/cache/<env>.json`. The next render reuses a project's files when
nothing they came from changed:

- the project's own file;
- the context: every environment file, every platform file, the repository's schemas/ and
  manifold's own code (any change there renders everything again);
- the other projects it looked up while it was checked and rendered (a benchmark's target
  service, say), by their files. A catalog's lookup recorder (`Lookups`) gives that list.

Everything else is rendered as always, and what is reused is exactly what a full render
gives (a test renders both ways and compares). Deleting the cache only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.compile.catalog import EVERY_PROJECT
from manifold.compile.layout import PlacedFile
from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import OutputProblem
from manifold.core.kept import KeptFile
from manifold.reuse import cacheforms, workdir
from manifold.reuse.fingerprints import hash_folders
from manifold.reuse.treestate import content_digest

CACHE_DIR = "cache"
_FORMAT = 3
ALL = EVERY_PROJECT
"""The dependency of a project that looked at every other project."""


def context_digest(root: Path, folders: tuple[str, ...], code: bytes) -> str:
    """Everything a project's render depends on besides projects: these folders' files."""
    hasher = hashlib.blake2b(code, digest_size=20)
    hash_folders(hasher, root, folders)
    return hasher.hexdigest()


def file_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


class CacheDisagrees(Exception):
    """What the cache said of an input is not so: the build starts again without it."""


# --------------------------------------------------------------------------- what is kept


@dataclass(frozen=True)
class OwnerMetadata:
    team: str
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None


@dataclass(frozen=True)
class CachedProject:
    """What one project rendered to in one environment, and what that depended on."""

    name: str
    path: str
    digest: str
    """Of the project's file."""
    team: str
    namespace: str
    in_namespaces: bool
    """Its platform renders namespaced objects, so the project's namespace gets a Namespace."""
    files: tuple[PlacedFile, ...]
    identities: tuple[tuple[str, str, str, str], ...]
    selecting: frozenset[int]
    """The environment's patches that selected one of its objects, by position."""
    diagnostics: tuple[Diagnostic, ...]
    depends_on: Mapping[str, str | None]
    """Other projects it looked up: their file's digest, None where there was no project."""
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """The cache's entry it was read from, written back as it is when the project is reused."""

    # What finalize.namespaces needs of an owner.
    @property
    def metadata(self) -> OwnerMetadata:
        return OwnerMetadata(self.team)

    @property
    def project_path(self) -> str:
        return self.path

    def encoded(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        return {
            "name": self.name,
            "path": self.path,
            "digest": self.digest,
            "team": self.team,
            "namespace": self.namespace,
            "in_namespaces": self.in_namespaces,
            "files": [_encoded_file(f) for f in self.files],
            "identities": [list(identity) for identity in self.identities],
            "selecting": sorted(self.selecting),
            "diagnostics": [d.to_record() for d in self.diagnostics],
            "depends_on": dict(self.depends_on),
        }

    @classmethod
    def decoded(cls, data: dict[str, Any]) -> CachedProject:
        return cls(
            data["name"],
            data["path"],
            data["digest"],
            data["team"],
            data["namespace"],
            data["in_namespaces"],
            tuple(_decoded_file(f) for f in data["files"]),
            tuple((g, k, n, m) for g, k, n, m in data["identities"]),
            frozenset(data["selecting"]),
            tuple(Diagnostic.from_record(d) for d in data["diagnostics"]),
            dict(data["depends_on"]),
            data,
        )


@dataclass(frozen=True)
class CachedObject:
    """One of the environment's own objects (a Namespace, a platform object), as a file."""

    files: tuple[PlacedFile, ...]
    identities: tuple[tuple[str, str, str, str], ...]
    selecting: frozenset[int]
    diagnostics: tuple[Diagnostic, ...]
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """The cache's entry it was read from."""

    def encoded(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        return {
            "files": [_encoded_file(f) for f in self.files],
            "identities": [list(identity) for identity in self.identities],
            "selecting": sorted(self.selecting),
            "diagnostics": [d.to_record() for d in self.diagnostics],
        }

    @classmethod
    def decoded(cls, data: dict[str, Any]) -> CachedObject:
        return cls(
            tuple(_decoded_file(f) for f in data["files"]),
            tuple((g, k, n, m) for g, k, n, m in data["identities"]),
            frozenset(data["selecting"]),
            tuple(Diagnostic.from_record(d) for d in data["diagnostics"]),
            data,
        )


def object_key(manifest: Any) -> str:
    """An object before the environment's patches, by everything that decides its file."""
    facts = [
        manifest.body,
        manifest.sources,
        manifest.project,
        manifest.namespaced,
        manifest.schema_variant,
        repr(manifest.form),
    ]
    return file_digest(json.dumps(facts, sort_keys=True, default=str).encode())


def _encoded_file(f: PlacedFile) -> list[Any]:
    """A file by its digest: its text is in rendered/, which the writer's record vouches for."""
    return [
        f.path,
        content_digest(_content(f)),
        list(f.sources),
        f.owned_by_project,
        f.request_platform,
    ]


def _content(f: PlacedFile) -> bytes | KeptFile:
    return f.text.encode() if isinstance(f.text, str) else f.text


def _decoded_file(item: list[Any]) -> PlacedFile:
    path, digest, sources, owned, request = item
    return PlacedFile(path, KeptFile(digest), tuple(sources), owned, request)


def on_disk(files: tuple[PlacedFile, ...], disk: Mapping[str, str]) -> bool:
    """Whether rendered/ holds these kept files as they were written."""
    return all(isinstance(f.text, KeptFile) and disk.get(f.path) == f.text.digest for f in files)


@dataclass(frozen=True)
class CachedEnvironment:
    projects: dict[str, CachedProject]
    objects: dict[str, CachedObject]


class ProjectCache:
    """The cache of one repository: per environment, the projects it rendered."""

    def __init__(self, root: Path, context: str) -> None:
        self.root = root
        self.folder = root / workdir.WORK_DIR / CACHE_DIR
        self.context = context
        self._loaded: dict[str, CachedEnvironment] = {}
        self._names: dict[str, tuple[str, str]] | None = None

    def names(self) -> dict[str, tuple[str, str]]:
        """Project files last seen, by path: their digest and the project's name."""
        if self._names is None:
            data = self._read("names.json", cacheforms.names_schema(_FORMAT))
            entries = data["files"] if data is not None else {}
            self._names = {path: (digest, name) for path, (digest, name) in entries.items()}
        return self._names

    def environment(self, name: str) -> CachedEnvironment:
        """What an environment rendered in the same context: its projects by name, its own
        objects by content."""
        if name not in self._loaded:
            data = self._read(f"env-{name}.json", cacheforms.environment_schema(name, _FORMAT))
            projects: dict[str, CachedProject] = {}
            objects: dict[str, CachedObject] = {}
            if data is not None:
                for item in data["projects"]:
                    project = CachedProject.decoded(item)
                    projects[project.name] = project
                objects = {k: CachedObject.decoded(v) for k, v in data["objects"].items()}
            self._loaded[name] = CachedEnvironment(projects, objects)
        return self._loaded[name]

    def save(
        self,
        names: dict[str, tuple[str, str]],
        environments: Mapping[str, CachedEnvironment],
    ) -> None:
        # A read-only checkout, or no folder of manifold's: the next run does the work.
        with contextlib.suppress(OSError, OutputProblem):
            self._save(names, environments)

    def _save(
        self,
        names: dict[str, tuple[str, str]],
        environments: Mapping[str, CachedEnvironment],
    ) -> None:
        workdir.folder(self.root, create=True)
        if not workdir.child_is_folder(self.folder):
            self.folder.unlink(missing_ok=True)  # a file or link in its place: not followed
            self.folder.mkdir()
        self._write("names.json", {"format": _FORMAT, "context": self.context, "files": names})
        for name, kept in environments.items():
            self._write(
                f"env-{name}.json",
                {
                    "format": _FORMAT,
                    "context": self.context,
                    "environment": name,
                    "projects": [p.encoded() for _, p in sorted(kept.projects.items())],
                    "objects": {k: o.encoded() for k, o in sorted(kept.objects.items())},
                },
            )

    def _read(self, name: str, schema: workdir.StateSchema) -> Any:
        """The cache file `name` when its form is right, its seal matches its content (bytes
        changed in place can leave valid JSON that names the wrong project) and it was made
        in this context."""
        if workdir.existing(self.root) is None or not workdir.child_is_folder(self.folder):
            return None
        data = workdir.read_state(self.folder / name, schema)
        if data is None or data.pop("seal") != _seal(data):
            return None
        return data if data["context"] == self.context else None

    def _write(self, name: str, data: dict[str, Any]) -> None:
        workdir.write_state(self.folder, name, {**data, "seal": _seal(data)})


def _seal(data: dict[str, Any]) -> str:
    """A digest of a cache file's content, stored in it."""
    return file_digest(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())


# --------------------------------------------------------------------------- lookups


class Lookups:
    """Which other projects each project looks up while it is checked and rendered."""

    def __init__(self) -> None:
        self.current: str | None = None
        self.seen: dict[str, set[str]] = defaultdict(set)

    def note(self, name: str) -> None:
        if self.current is not None and name != self.current:
            self.seen[self.current].add(name)


def dependencies(seen: set[str], digests: Mapping[str, str]) -> dict[str, str | None]:
    """What `seen` lookups depended on: each project's file digest (None: no such project),
    and, for a project that looked at all of them, a digest of every project file."""
    found: dict[str, str | None] = {name: digests.get(name) for name in seen if name != ALL}
    if ALL in seen:
        found[ALL] = everything(digests)
    return found


def everything(digests: Mapping[str, str]) -> str:
    return file_digest(json.dumps(sorted(digests.items())).encode())


def still_valid(cached: CachedProject, digest: str, digests: Mapping[str, str]) -> bool:
    """Whether a cached project can be reused: its file and what it looked up are as before."""
    if cached.digest != digest:
        return False
    for name, recorded in cached.depends_on.items():
        current = everything(digests) if name == ALL else digests.get(name)
        if current != recorded:
            return False
    return True
