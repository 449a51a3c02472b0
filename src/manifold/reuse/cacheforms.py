"""The forms of the project cache's files (`.manifold/cache/`), as JSON Schemas.

What is read back from disk is untrusted: `incremental` trusts no field of a cache file
before its form is checked here (see `workdir`).
"""

from __future__ import annotations

from manifold.core.diagnostics import DIAGNOSTIC_RECORD
from manifold.reuse import workdir

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
            "required": ["format", "context", "files", "seal"],
            "properties": {
                "format": {"const": version},
                "context": _STRING,
                "seal": _STRING,
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
            "required": ["format", "context", "environment", "projects", "objects", "seal"],
            "additionalProperties": False,
            "properties": {
                "format": {"const": version},
                "context": _STRING,
                "seal": _STRING,
                "environment": {"const": environment},
                "projects": {"type": "array", "items": project},
                "objects": {"type": "object", "additionalProperties": kept_object},
            },
        }
    )


_PROJECT_FIELDS = ("name", "path", "digest", "team", "namespace")
