"""Which schema checks which kind, and the schemas/ tree `manifold schemas generate` writes.

A rendered object is checked against, in this order:
  1. `schemas/<group>/<kind>_<version>.json` in the repository, when present (so a team can
     drop in the schemas of exactly the CRD versions its clusters run);
  2. the schema manifold generates for the kind from its target's typed dicts;
  3. for Kubernetes' built-in kinds, the strict schemas the kubernetes-validate package ships
     for the environment's Kubernetes version.
Validators are compiled once per kind and run.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from manifold.core import jsontext
from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import OutputKind
from manifold.gitops.kinds import OUTPUT_KINDS as SYNC_KINDS
from manifold.models import INPUT_KINDS
from manifold.schemas.generate import crd, model_schema, with_named_schemas, with_partial_override
from manifold.schemas.kubernetes import bundled_schemas_folder
from manifold.targets.registry import all_targets, option_model, settings_models

SCHEMAS_DIR = "schemas"
INPUT_GROUP = "manifold.dev"
INPUT_VERSION = "v1alpha1"
DEFAULT_KUBERNETES_VERSION = "1.33"
_K8S_BASE_URI = "https://kubernetes.manifold.local/api/"


def kubeconform_path(api_version: str, kind: str) -> str:
    """kubeconform's layout: `<group>/<kind>_<version>.json`, kind in lower case. As in
    kubeconform, the core group (`apiVersion: v1`) is named by its version."""
    group, _, version = api_version.rpartition("/")
    return f"{group or version}/{kind.lower()}_{version}.json"


def _json(schema: dict[str, Any]) -> str:
    return jsontext.indented(schema) + "\n"


def output_kinds() -> Iterator[OutputKind]:
    """Every kind manifold writes to rendered/: the targets' and the GitOps controllers'."""
    for target in all_targets():
        yield from target.output_kinds()
    yield from SYNC_KINDS


def input_schemas() -> dict[str, dict[str, Any]]:
    """Schemas of manifold's own kinds, by kind name."""
    schemas: dict[str, dict[str, Any]] = {}
    for kind, model in INPUT_KINDS.items():
        schema = model_schema(model, option_model)
        if kind in ("Project", "Platform"):
            owner = f"{kind}FileSpec"
            schema = with_partial_override(schema, owner, "environments", owner, f"{kind}Override")
        if kind == "Environment":
            settings = {name: model_schema(model) for name, model in settings_models().items()}
            schema = with_named_schemas(schema, "EnvironmentSpec", "platforms", settings)
        schemas[kind] = schema
    return schemas


def generated_files() -> dict[str, str]:
    """Every file of schemas/ manifold generates, by path relative to it."""
    return dict(_generated_files())


@functools.cache
def _generated_files() -> dict[str, str]:
    files: dict[str, str] = {}
    for kind, schema in input_schemas().items():
        api_version = f"{INPUT_GROUP}/{INPUT_VERSION}"
        files[kubeconform_path(api_version, kind)] = _json(schema)
        plural = kind.lower() + "s"
        definition = crd(INPUT_GROUP, kind, plural, INPUT_VERSION, schema)
        files[f"crds/{INPUT_GROUP}_{plural}.yaml"] = yamlio.emit(definition)
    for output in output_kinds():
        files[kubeconform_path(output.api_version, output.kind)] = _json(output.schema())
    return dict(sorted(files.items()))


IMPORTED_LIST = "imported.txt"
"""Lists the files of schemas/ that `manifold schemas import` wrote: `schemas generate` and
`check` leave them alone (they replace manifold's own schema of the kind)."""


ENVIRONMENTS_DIR = "environments"
"""Under schemas/: `<environment>/<group>/<kind>_<version>.json`, the CRDs imported for one
environment (`manifold schemas import --env`)."""


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One line of schemas/imported.txt: `PATH`, or for an environment's import
    `PATH  # from FILE, sha256 DIGEST` (what `check` compares the file with)."""

    path: str
    source: str | None = None
    digest: str | None = None

    @property
    def environment(self) -> str | None:
        parts = self.path.split("/")
        return parts[1] if len(parts) == 4 and parts[0] == ENVIRONMENTS_DIR else None

    def line(self) -> str:
        if self.source is None or self.digest is None:
            return f"{self.path}\n"
        return f"{self.path}  # from {self.source}, sha256 {self.digest}\n"


def imported_files(root: Path) -> list[ImportedFile]:
    listing = root / SCHEMAS_DIR / IMPORTED_LIST
    if not listing.is_file():
        return []
    found = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        path, _, note = line.partition("#")
        if not path.strip():
            continue
        source, _, digest = note.strip().removeprefix("from ").rpartition(", sha256 ")
        if source and digest:
            found.append(ImportedFile(path.strip(), source, digest.strip()))
        else:
            found.append(ImportedFile(path.strip()))
    return found


def imported_paths(root: Path) -> frozenset[str]:
    return frozenset(entry.path for entry in imported_files(root))


def environment_imports(root: Path, environment: str) -> dict[str, list[ImportedFile]]:
    """The schemas imported for one environment, by API group."""
    groups: dict[str, list[ImportedFile]] = {}
    for entry in imported_files(root):
        if entry.environment == environment:
            groups.setdefault(entry.path.split("/")[2], []).append(entry)
    return groups


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class SchemaError:
    path: JsonPath
    message: str
    unknown: tuple[str, ...] = ()
    """The fields the schema does not know, when that is the error."""


Rules = Callable[[dict[str, Any]], Iterable[Problem]]


class Validator:
    def __init__(self, compiled: Any, source: str, rules: Rules | None = None) -> None:
        self._compiled = compiled
        self._rules = rules
        self.source = source
        """Where the schema came from, for messages."""

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        valid = True
        for error in self._compiled.iter_errors(instance):
            valid = False
            extra = type(error.kind).__name__ == "AdditionalProperties"
            unknown = tuple(error.kind.unexpected) if extra else ()
            yield SchemaError(tuple(error.instance_path), _message(error), unknown)
        if valid and self._rules is not None:
            for problem in self._rules(instance):
                yield SchemaError(problem.path, problem.message)


def _message(error: Any) -> str:
    kind = error.kind
    name = type(kind).__name__
    if name == "AdditionalProperties":
        fields = ", ".join(repr(f) for f in kind.unexpected)
        return f"unknown field {fields}"
    if name == "Required":
        return f"missing required field {kind.property!r}"
    return str(error.message)


class SchemaStore:
    """Finds and compiles the validator for each kind; one per run."""

    def __init__(self, root: Path | None) -> None:
        self._root = root
        self._generated = {(output.api_version, output.kind): output for output in output_kinds()}

    @functools.cache  # noqa: B019 - one store per run; the cache dies with it
    def validator(
        self,
        api_version: str,
        kind: str,
        kubernetes_version: str,
        variant: str | None = None,
        environment: str | None = None,
    ) -> Validator | None:
        """The validator of a kind; in `environment`, the schema imported for it first."""
        relative = kubeconform_path(api_version, kind)
        output = self._generated.get((api_version, kind))
        rules = output.rules if output is not None else None
        if self._root is not None and environment is not None:
            mine = f"{ENVIRONMENTS_DIR}/{environment}/{relative}"
            if (self._root / SCHEMAS_DIR / mine).is_file():
                return _local_validator(
                    self._root / SCHEMAS_DIR / mine, f"{SCHEMAS_DIR}/{mine}", variant, rules
                )
        if self._root is not None:
            local = self._root / SCHEMAS_DIR / relative
            if local.is_file():
                return _local_validator(local, f"{SCHEMAS_DIR}/{relative}", variant, rules)
        if output is not None:
            compiled = jsonschema_rs.validator_for(_variant(output.schema(), variant))
            return Validator(compiled, "manifold", rules)
        return builtin_validator(api_version, kind, kubernetes_version)

    @functools.cache  # noqa: B019 - one store per run; the cache dies with it
    def _imports(self, environment: str) -> dict[str, list[ImportedFile]]:
        return {} if self._root is None else environment_imports(self._root, environment)

    def not_imported(self, environment: str, api_version: str, kind: str) -> str | None:
        """Why `kind` cannot be rendered in `environment`, when CRDs of its group were
        imported for the environment and none of them defines it: the cluster runs exactly
        those CRDs, and one object of a kind it lacks stops the whole environment syncing."""
        group = api_version.rpartition("/")[0]
        imported = self._imports(environment).get(group)
        if not imported:
            return None
        wanted = f"{ENVIRONMENTS_DIR}/{environment}/{kubeconform_path(api_version, kind)}"
        if any(entry.path == wanted for entry in imported):
            return None
        sources = sorted({entry.source or entry.path for entry in imported})
        return (
            f"{kind} ({api_version}) is not among the CRDs imported for environment "
            f"{environment!r} (from {', '.join(sources)}; listed in "
            f"{SCHEMAS_DIR}/{IMPORTED_LIST}), which say what its cluster runs"
        )


class UnusableSchema(Validator):
    """A schema file that cannot check anything: every object of its kind gets one error."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(None, source)
        self.reason = reason

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        yield SchemaError((), f"its schema {self.source} {self.reason}")


def _local_validator(
    path: Path, source: str, variant: str | None, rules: Rules | None = None
) -> Validator:
    """A repository schema file, compiled; external `$ref`s are refused, never fetched (a
    pull request could otherwise make CI read local files or call any URL)."""
    try:
        schema = json.loads(path.read_bytes())
    except OSError as error:
        return UnusableSchema(source, f"cannot be read ({error.strerror or error})")
    except ValueError as error:
        return UnusableSchema(source, f"is not valid JSON ({error})")
    refused: list[str] = []

    def refuse_to_fetch(uri: str) -> Any:
        refused.append(uri)
        raise ValueError(f"not fetched: {uri}")

    try:
        compiled = jsonschema_rs.validator_for(_variant(schema, variant), retriever=refuse_to_fetch)
        return Validator(compiled, source, rules)
    except (ValueError, jsonschema_rs.ReferencingError) as error:
        if refused:
            return UnusableSchema(
                source,
                f"refers to {refused[0]!r}; manifold does not fetch schemas while rendering: "
                "make the schema self-contained",
            )
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return UnusableSchema(source, f"is not a usable JSON Schema: {reason}")


def _variant(schema: Any, variant: str | None) -> Any:
    """The part of a schema with variants (`variants_schema`) that checks one variant, for
    exact messages; any other schema (an imported CRD, a kind with one variant) whole."""
    definitions = schema.get("definitions") if isinstance(schema, dict) else None
    if variant is None or not isinstance(definitions, dict) or variant not in definitions:
        return schema
    whole = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**whole, "allOf": [{"$ref": f"#/definitions/{variant}"}]}


@functools.cache
def _builtin_folder(kubernetes_version: str, strict: bool = True) -> Any:
    minor = kubernetes_version.removeprefix("v").split(".")[:2]
    return bundled_schemas_folder() / f"v{'.'.join(minor)}.0-local{'-strict' if strict else ''}"


@functools.cache
def _builtin_registry(kubernetes_version: str, strict: bool = True) -> Any:
    definitions = json.loads(
        (_builtin_folder(kubernetes_version, strict) / "_definitions.json").read_text()
    )
    return jsonschema_rs.Registry([(_K8S_BASE_URI + "_definitions.json", definitions)])


_GO_DURATION = re.compile(
    r"[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)\Z"
)


def _is_duration(value: str) -> bool:
    """Kubernetes writes durations as Go does (`5m`, `1h30m`, `250ms`), not as ISO 8601."""
    return bool(_GO_DURATION.match(value))


FORMAT_CHECKS: dict[str, Any] = {"validate_formats": True, "formats": {"duration": _is_duration}}
"""jsonschema-rs options that check `format`s (date-time, duration...) as kubeconform does."""


@functools.cache
def builtin_validator(
    api_version: str,
    kind: str,
    kubernetes_version: str,
    *,
    strict: bool = True,
    check_formats: bool = False,
) -> Validator | None:
    """The validator of a built-in kind from the schemas kubernetes-validate ships, for a
    bundled Kubernetes version: `<kind>-<group prefix>-<version>.json` (kubeconform's naming),
    strict (unknown fields refused) or not."""
    group, _, version = api_version.rpartition("/")
    prefix = f"{group.split('.')[0]}-" if group else ""
    name = f"{kind.lower()}-{prefix}{version}.json"
    file = _builtin_folder(kubernetes_version, strict) / name
    if not file.is_file():
        return None
    schema = json.loads(file.read_text())
    compiled = jsonschema_rs.validator_for(
        schema,
        registry=_builtin_registry(kubernetes_version, strict),
        base_uri=_K8S_BASE_URI + name,
        **(FORMAT_CHECKS if check_formats else {}),
    )
    return Validator(compiled, f"Kubernetes {kubernetes_version} ({name})")
