"""Where `manifold validate PATH...` finds the schema of each kind: kubeconform's locations.

A location is one of:
- `default`: the Kubernetes schemas manifold ships (from kubernetes-validate) for
  `--kubernetes-version`, strict or not. manifold never downloads these;
- `manifold`: the schemas manifold generates for its own kinds and every kind it renders;
- a template, as kubeconform writes them, of a local path or an http(s) URL:
  `schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`. A location that
  does not end in `json` is a folder laid out like kubernetes-json-schema, and
  `/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/` then
  `{{ .ResourceKind }}{{ .KindSuffix }}.json` are appended to it.

Locations are tried in order. One that has no schema for a kind (a missing file, an HTTP 404,
a file that is not a usable schema) passes the question to the next; any other failure (a
server error, no network) is an error for the resource. Downloaded schemas are kept in the
`--cache` folder under the SHA-256 of their URL, as kubeconform names them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from manifold.core.errors import UsageProblem
from manifold.schemas.kubernetes import supported_kubernetes_versions
from manifold.schemas.store import FORMAT_CHECKS, Validator, builtin_validator
from manifold.targets.registry import all_targets

_VARIABLES = (
    "NormalizedKubernetesVersion",
    "StrictSuffix",
    "ResourceKind",
    "ResourceAPIVersion",
    "Group",
    "KindSuffix",
)
_VARIABLE = re.compile(r"\{\{-?\s*\.(\w+)\s*-?\}\}")
_FOLDER_LAYOUT = (
    "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
    "{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
MAX_SCHEMA_BYTES = 64 * 1024 * 1024
_TIMEOUT_SECONDS = 30


class SchemaNotFound(Exception):
    """This location has no schema for the kind: the next one is asked."""


class SchemaUnavailable(Exception):
    """The location failed (not a 404): the resource cannot be checked."""


@dataclass(frozen=True)
class KubernetesVersion:
    name: str
    """As given: `master` or x.y.z."""
    bundled: str
    """The bundled schemas used for `default` (x.y)."""
    fallback: bool
    """Whether `bundled` is only the nearest to `name`."""

    @property
    def normalized(self) -> str:
        """kubeconform's `{{ .NormalizedKubernetesVersion }}`."""
        return "master" if self.name == "master" else f"v{self.name}"


def kubernetes_version(given: str | None) -> KubernetesVersion:
    """`master` (the newest bundled) or x.y[.z]; a version manifold does not bundle is checked
    against the nearest bundled one."""
    bundled = supported_kubernetes_versions()
    if given in (None, "", "master"):
        return KubernetesVersion("master", bundled[-1], False)
    match = re.fullmatch(r"v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?", given or "")
    if match is None:
        raise UsageProblem(
            f"--kubernetes-version {given!r} is not a version: use master or x.y.z (1.31.0)"
        )
    major, minor, patch = (int(part or 0) for part in match.groups())
    wanted = (major, minor)
    versions = [tuple(int(p) for p in version.split(".")) for version in bundled]
    nearest = min(versions, key=lambda v: (abs(v[0] - wanted[0]), abs(v[1] - wanted[1])))
    return KubernetesVersion(
        f"{major}.{minor}.{patch}", ".".join(map(str, nearest)), nearest != wanted
    )


@dataclass(frozen=True)
class Kind:
    api_version: str
    kind: str

    def variables(self, version: KubernetesVersion, strict: bool) -> dict[str, str]:
        """kubeconform's template variables for this kind."""
        parts = self.api_version.split("/")
        kind_suffix = "-" + parts[0].split(".")[0].lower()
        if len(parts) > 1:
            kind_suffix += "-" + parts[1].lower()
        return {
            "NormalizedKubernetesVersion": version.normalized,
            "StrictSuffix": "-strict" if strict else "",
            "ResourceKind": self.kind.lower(),
            "ResourceAPIVersion": parts[-1],
            "Group": parts[0],
            "KindSuffix": kind_suffix,
        }


def expand(template: str, variables: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: variables[m.group(1)], template)


def _checked_template(location: str) -> str:
    """The location as a full template; raises UsageProblem for what kubeconform refuses."""
    template = location if location.endswith("json") else location.rstrip("/") + _FOLDER_LAYOUT
    unknown = [name for name in _VARIABLE.findall(template) if name not in _VARIABLES]
    leftover = _VARIABLE.sub("", template)
    if unknown or "{{" in leftover or "}}" in leftover:
        raise UsageProblem(
            f"failed initialising schema location {location!r}: use the variables "
            + ", ".join(f"{{{{ .{name} }}}}" for name in _VARIABLES)
        )
    return template


class SchemaLocations:
    """The validator of each kind, from the first location that has its schema."""

    def __init__(
        self,
        locations: tuple[str, ...],
        *,
        version: KubernetesVersion,
        strict: bool,
        cache: Path | None,
    ) -> None:
        self.version = version
        self.strict = strict
        self._cache = cache
        self._locations = [
            location if location in ("default", "manifold") else _checked_template(location)
            for location in locations
        ]
        if cache is not None and not cache.is_dir():
            raise UsageProblem(f"failed opening cache folder {cache}: it is not a folder")
        self._generated = {
            (output.api_version, output.kind): output
            for target in all_targets()
            for output in target.output_kinds()
        }

    @functools.cache  # noqa: B019 - one set of locations per run
    def validator(self, api_version: str, kind: str) -> Validator | None:
        """The kind's validator; None when no location has a schema for it. Raises
        SchemaUnavailable when a location fails."""
        for location in self._locations:
            try:
                return self._from(location, Kind(api_version, kind))
            except SchemaNotFound:
                continue
        return None

    def _from(self, location: str, kind: Kind) -> Validator:
        if location == "default":
            found = builtin_validator(
                kind.api_version,
                kind.kind,
                self.version.bundled,
                strict=self.strict,
                check_formats=True,
            )
            if found is None:
                raise SchemaNotFound
            return found
        if location == "manifold":
            output = self._generated.get((kind.api_version, kind.kind))
            if output is None:
                raise SchemaNotFound
            return _compiled(output.schema(), "manifold", None, self._retrieve)
        uri = expand(location, kind.variables(self.version, self.strict))
        schema = self._document(uri)
        base = uri if _is_url(uri) else Path(uri).resolve().as_uri()
        try:
            return _compiled(schema, uri, base, self._retrieve)
        except (ValueError, jsonschema_rs.ReferencingError) as error:
            raise SchemaNotFound from error  # kubeconform tries the next location too

    def _retrieve(self, uri: str) -> Any:
        """What a schema's `$ref` to another document points to."""
        try:
            return self._document(uri.removeprefix("file://") if uri.startswith("file://") else uri)
        except (SchemaNotFound, SchemaUnavailable) as error:
            raise ValueError(f"cannot read {uri}") from error

    @functools.cache  # noqa: B019 - one set of locations per run
    def _document(self, where: str) -> Any:
        raw = self._fetch(where) if _is_url(where) else _read(Path(where))
        try:
            return json.loads(raw)
        except ValueError as error:
            raise SchemaNotFound from error

    def _fetch(self, url: str) -> bytes:
        cached = self._cache / hashlib.sha256(url.encode()).hexdigest() if self._cache else None
        if cached is not None and cached.is_file():
            return cached.read_bytes()
        try:
            with urllib.request.urlopen(url, timeout=_TIMEOUT_SECONDS) as response:
                raw: bytes = response.read(MAX_SCHEMA_BYTES + 1)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise SchemaNotFound from error
            raise SchemaUnavailable(f"could not download {url}: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SchemaUnavailable(f"could not download {url}: {reason}") from error
        if len(raw) > MAX_SCHEMA_BYTES:
            raise SchemaUnavailable(f"{url} is larger than {MAX_SCHEMA_BYTES} bytes")
        if cached is not None:
            partial = cached.with_name(cached.name + ".partial")
            partial.write_bytes(raw)
            partial.replace(cached)
        return raw


def _is_url(where: str) -> bool:
    return where.startswith(("http://", "https://"))


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_SCHEMA_BYTES:
            raise SchemaUnavailable(f"{path} is larger than {MAX_SCHEMA_BYTES} bytes")
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
        raise SchemaNotFound from error
    except OSError as error:
        raise SchemaUnavailable(f"cannot read {path}: {error.strerror or error}") from error


def _compiled(schema: Any, source: str, base: str | None, retrieve: Any) -> Validator:
    options: dict[str, Any] = {"retriever": retrieve, **FORMAT_CHECKS}
    if base is not None:
        options["base_uri"] = base
    return Validator(jsonschema_rs.validator_for(schema, **options), source)
