"""The forms of the project cache's files (`.manifold/cache/`): their JSON Schemas, and a
`ProjectResult` encoded as an entry of one and decoded from it.

What is read back from disk is untrusted: `incremental` trusts no field of a cache file
before its form is checked here (see `workdir`), and an entry that still does not decode
is no entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from manifold.compile.finalize import NamespaceUser
from manifold.compile.layout import PlacedFile
from manifold.compile.project import ProjectResult
from manifold.core.diagnostics import DIAGNOSTIC_RECORD, Diagnostic
from manifold.core.kept import KeptFile
from manifold.reuse import workdir
from manifold.reuse.treestate import content_digest

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}
_IDENTITIES = {"type": "array", "items": {**_STRINGS, "minItems": 4, "maxItems": 4}}
_POSITIONS = {"type": "array", "items": {"type": "integer", "minimum": 0}}
_DIAGNOSTICS = {"type": "array", "items": DIAGNOSTIC_RECORD}


def names_schema(version: int) -> workdir.StateSchema:
    """names.json: project files last seen, by path: their digest and project name."""
    return workdir.StateSchema(
        {
            "type": "object",
            "required": ["format", "context", "files"],
            "properties": {
                "format": {"const": version},
                "context": _STRING,
                "files": {
                    "type": "object",
                    "additionalProperties": {**_STRINGS, "minItems": 2, "maxItems": 2},
                },
            },
        }
    )


def environment_schema(environment: str, version: int) -> workdir.StateSchema:
    """A cache file of `environment`: it names only files in that environment's folder, so a
    file swapped in from another environment, or a path outside rendered/, is refused."""
    placed = {
        "type": "array",
        "prefixItems": [
            workdir.safe_path_schema(f"{environment}/"),
            {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            _STRINGS,
            {"type": "boolean"},
            {"type": ["string", "null"]},
        ],
        "minItems": 5,
        "maxItems": 5,
    }
    shared = {
        "files": {"type": "array", "items": placed},
        "identities": _IDENTITIES,
        "selecting": _POSITIONS,
        "diagnostics": _DIAGNOSTICS,
    }
    project = {
        "type": "object",
        "required": [*_PROJECT_FIELDS, "in_namespaces", "depends_on", *shared],
        "additionalProperties": False,
        "properties": {
            **dict.fromkeys(_PROJECT_FIELDS, _STRING),
            "in_namespaces": {"type": "boolean"},
            "depends_on": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
            **shared,
        },
    }
    kept_object = {
        "type": "object",
        "required": list(shared),
        "additionalProperties": False,
        "properties": shared,
    }
    return workdir.StateSchema(
        {
            "type": "object",
            "required": ["format", "context", "environment", "projects", "objects"],
            "additionalProperties": False,
            "properties": {
                "format": {"const": version},
                "context": _STRING,
                "environment": {"const": environment},
                "projects": {"type": "array", "items": project},
                "objects": {"type": "object", "additionalProperties": kept_object},
            },
        }
    )


_PROJECT_FIELDS = ("name", "path", "digest", "team", "namespace")


def encoded_project(
    result: ProjectResult, digest: str, depends_on: dict[str, str | None]
) -> dict[str, Any]:
    """A project's entry: its result, its file's `digest` and what its lookups found."""
    user = result.namespace_user
    return {
        "name": result.name,
        "path": result.path,
        "digest": digest,
        "team": user.team if user is not None else "",
        "namespace": user.namespace if user is not None else "",
        "in_namespaces": user is not None,
        "files": [encoded_file(f) for f in result.files],
        "identities": [list(identity) for identity in result.identities],
        "selecting": sorted(result.selecting),
        "diagnostics": [d.to_record() for d in result.diagnostics],
        "depends_on": depends_on,
    }


class Decoded(NamedTuple):
    """A project's entry decoded."""

    result: ProjectResult
    digest: str
    """Its project file's digest."""
    depends_on: dict[str, str | None]
    """What its lookups found."""
    written: dict[str, str] | None
    """Its files' digests by path, as rendered/ must still hold them (`written_as`)."""


def written_as(files: tuple[PlacedFile, ...]) -> dict[str, str] | None:
    """Files kept by digest, as a mapping from path to digest that rendered/'s can be held
    against in one call (`incremental.on_disk`); None when one is not kept by digest, or
    two share a path."""
    written = {f.path: f.text.digest for f in files if isinstance(f.text, KeptFile)}
    return written if len(written) == len(files) else None


def decoded_project(entry: dict[str, Any]) -> Decoded | None:
    """What an entry (of the form `environment_schema` accepts) holds; None when it does not
    decode."""
    try:
        name, path = entry["name"], entry["path"]
        user = NamespaceUser(name, entry["namespace"], entry["team"], path)
        result = ProjectResult(
            name,
            path,
            decoded_files(entry["files"]),
            tuple([(g, k, n, m) for g, k, n, m in entry["identities"]]),
            frozenset(entry["selecting"]),
            tuple([Diagnostic.from_record(d) for d in entry["diagnostics"]]),
            frozenset(entry["depends_on"]),
            user if entry["in_namespaces"] else None,
        )
        return Decoded(
            result, str(entry["digest"]), dict(entry["depends_on"]), written_as(result.files)
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def encoded_file(f: PlacedFile) -> list[Any]:
    """A file by its digest: its text is in rendered/, which the writer's record vouches for."""
    content = f.text.encode() if isinstance(f.text, str) else f.text
    return [
        f.path,
        content_digest(content),
        list(f.sources),
        f.owned_by_project,
        f.request_platform,
    ]


def decoded_files(items: list[list[Any]]) -> tuple[PlacedFile, ...]:
    """Files as `encoded_file` writes them (in a list comprehension: a call per file was a
    third of decoding a project)."""
    return tuple(
        [
            PlacedFile(path, KeptFile(digest), tuple(sources), owned, request)
            for path, digest, sources, owned, request in items
        ]
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
    written: dict[str, str] | None = field(default=None, compare=False, repr=False)
    """Its files' digests by path, for one read from the cache (`written_as`)."""

    def encoded(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        return {
            "files": [encoded_file(f) for f in self.files],
            "identities": [list(identity) for identity in self.identities],
            "selecting": sorted(self.selecting),
            "diagnostics": [d.to_record() for d in self.diagnostics],
        }

    @classmethod
    def decoded(cls, data: dict[str, Any]) -> CachedObject:
        files = decoded_files(data["files"])
        return cls(
            files,
            tuple((g, k, n, m) for g, k, n, m in data["identities"]),
            frozenset(data["selecting"]),
            tuple(Diagnostic.from_record(d) for d in data["diagnostics"]),
            data,
            written_as(files),
        )


@dataclass(frozen=True)
class CachedEnvironment:
    projects: dict[str, dict[str, Any]]
    """Each project's entry as the cache file holds it (checked against its form), by name."""
    objects: dict[str, CachedObject]
    context: str = ""
    """The context digest the entries were made in."""
    decoded: dict[str, Decoded | None] = field(default_factory=dict)
    """The entries of `projects` decoded so far, by name (shared by the renders of a process
    that read the same file: `readback`)."""
