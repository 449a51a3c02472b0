"""`manifold validate PATH...`: any Kubernetes manifests against their kinds' schemas, in
process, with kubeconform's outcomes.

Each resource is `valid`, `invalid` (its schema refuses it), `error` (it cannot be checked:
unreadable YAML, no kind or apiVersion, a rejected kind, no schema found, a schema location
that fails) or `skipped` (a kind skipped on request, no schema with
`--ignore-missing-schemas`, a kustomize configuration file, known by its content so that a
Flux Kustomization is still validated, or a file of a rendered tree that is an API request
rather than a Kubernetes object: one a request index of manifold's lists, and the index). The
command fails (exit 1) when any resource is invalid or an error. Unlike a render, it does not
check names or find duplicate objects: that is what kubeconform does, and what pipelines that
call it expect.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from manifold.core.diagnostics import Diagnostic, Position, Severity
from manifold.core.errors import ProblemsFound, UsageProblem
from manifold.core.jsonpath import format_json_path
from manifold.core.modelcheck import describe_type
from manifold.core.options import ValidateOptions
from manifold.core.outcome import Outcome
from manifold.core.wording import counted
from manifold.manifests import read as manifests
from manifold.manifests.read import Missing, Resource
from manifold.output.header import REQUEST_INDEX, indexed_files, is_generated, request_platform
from manifold.schemas.locations import (
    SchemaLocations,
    SchemaUnavailable,
    kubernetes_version,
)
from manifold.schemas.store import SCHEMAS_DIR, SchemaError

Status = Literal["valid", "invalid", "error", "skipped"]
_STATUSES: tuple[Status, ...] = ("valid", "invalid", "error", "skipped")
_WORDS = {"valid": "valid", "invalid": "invalid", "error": "errors", "skipped": "skipped"}


@dataclass(frozen=True)
class Result:
    resource: Resource
    status: Status
    message: str | None = None
    errors: tuple[SchemaError, ...] = ()


def default_locations(root: Path) -> tuple[str, ...]:
    """Without --schema-location: the repository's schemas/ (kubeconform's layout), then
    manifold's own schemas, then the Kubernetes schemas manifold ships."""
    local = root / SCHEMAS_DIR
    found = (
        f"{local}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
    )
    return (*(found if local.is_dir() else ()), "manifold", "default")


def _kinds(values: tuple[str, ...]) -> frozenset[str]:
    """`--skip`/`--reject` values: repeatable and comma-separated, as in kubeconform."""
    return frozenset(kind.strip() for value in values for kind in value.split(",") if kind.strip())


def _patterns(values: tuple[str, ...]) -> list[re.Pattern[str]]:
    try:
        return [re.compile(value) for value in values]
    except re.error as error:
        raise UsageProblem(f"--ignore-filename-pattern {error.pattern!r}: {error}") from error


KUSTOMIZE_CONFIG_GROUP = "kustomize.config.k8s.io"
KUSTOMIZE_CONFIG_KINDS = frozenset({"Kustomization", "Component"})
_KUSTOMIZE_FIELDS = frozenset(
    {"resources", "components", "bases", "patches", "patchesStrategicMerge", "patchesJson6902"}
    | {"configMapGenerator", "secretGenerator", "generators", "transformers", "images"}
    | {"namePrefix", "nameSuffix", "namespace", "commonLabels", "labels", "replacements"}
)


def is_kustomize_config(body: dict[str, Any]) -> bool:
    """Whether a document is kustomize's own configuration (a `kustomization.yaml`), which
    no cluster ever receives, told apart by content rather than file name: its apiVersion is
    in kustomize's config group, or (kustomize accepts this) it has no apiVersion, and its
    kind is Kustomization or Component or absent with kustomize fields. A Flux
    `Kustomization` (kustomize.toolkit.fluxcd.io) is a Kubernetes object and is validated."""
    api_version = body.get("apiVersion")
    kind = body.get("kind")
    if isinstance(api_version, str) and api_version:
        return api_version.partition("/")[0] == KUSTOMIZE_CONFIG_GROUP
    if api_version is not None:
        return False
    if kind is None:
        return bool(_KUSTOMIZE_FIELDS & body.keys())
    return kind in KUSTOMIZE_CONFIG_KINDS


class _Checker:
    def __init__(self, options: ValidateOptions) -> None:
        self.version = kubernetes_version(options.kubernetes_version)
        self.locations = SchemaLocations(
            options.schema_locations or default_locations(options.root),
            version=self.version,
            strict=options.strict,
            cache=options.cache,
        )
        self.skip = _kinds(options.skip_kinds)
        self.reject = _kinds(options.reject_kinds)
        self.ignore_missing = options.ignore_missing_schemas

    def check(self, resource: Resource) -> Result:
        if resource.problem is not None:
            return Result(resource, "error", resource.problem)
        if not isinstance(resource.body, dict):
            what = describe_type(resource.body)
            return Result(resource, "error", f"the document is {what}, not a Kubernetes object")
        if is_kustomize_config(resource.body):
            return Result(resource, "skipped", "a kustomize configuration, not a Kubernetes object")
        if not resource.kind:
            return Result(resource, "error", "missing 'kind' key")
        if not resource.api_version:
            return Result(resource, "error", "missing 'apiVersion' key")
        signatures = {resource.kind, f"{resource.api_version}/{resource.kind}"}
        if signatures & self.skip:
            return Result(resource, "skipped", "skipped on request (--skip)")
        if signatures & self.reject:
            return Result(resource, "error", f"prohibited resource kind {resource.kind}")
        try:
            validator = self.locations.validator(resource.api_version, resource.kind)
        except SchemaUnavailable as error:
            return Result(resource, "error", str(error))
        if validator is None:
            if self.ignore_missing:
                return Result(resource, "skipped", f"no schema for {resource.kind}")
            return Result(resource, "error", f"could not find schema for {resource.kind}")
        errors = tuple(validator.errors(resource.body))
        return Result(resource, "invalid" if errors else "valid", None, errors)


def validate_manifests(options: ValidateOptions) -> Outcome:
    checker = _Checker(options)
    ignore = _patterns(options.ignore_filename_patterns)
    results: list[Result] = []
    files = 0
    found_files = list(manifests.files(tuple(map(str, options.paths)), ignore))
    requests = _api_requests(found_files)
    for found in found_files:
        if found in requests:
            files += 1
            results.append(Result(Resource(str(found), 0), "skipped", requests[found]))
            continue
        raw = found if isinstance(found, Missing) else manifests.read(found)
        if isinstance(raw, Missing):
            results.append(Result(Resource(raw.file, 0), "error", raw.problem))
            continue
        files += 1
        name = manifests.STDIN_NAME if found == manifests.STDIN else str(found)
        for resource in manifests.resources(name, raw, strict=options.strict):
            results.append(checker.check(resource))
    counts = Counter(result.status for result in results)
    summary = f"{counted(len(results), 'resource')} in {counted(files, 'file')} - " + ", ".join(
        f"{_WORDS[status]}: {counts[status]}" for status in _STATUSES
    )
    totals: dict[str, int] = {"files": files, "resources": len(results)}
    totals.update((status, counts[status]) for status in _STATUSES)
    details: dict[str, Any] = {
        "resources": [_described(result) for result in results],
        "summary": totals,
    }
    diagnostics = [*_version_warning(checker), *_diagnostics(results)]
    if counts["invalid"] or counts["error"]:
        raise ProblemsFound(f"manifests are not valid: {summary}", diagnostics, details)
    return Outcome(summary, diagnostics, details=details)


def _api_requests(found: list[str | Missing]) -> dict[str, str]:
    """Files of a rendered tree that are API requests (`manifold <platform> apply` sends
    them), and the indexes that list them, with why they are skipped."""
    skipped: dict[str, str] = {}
    for file in found:
        if isinstance(file, Missing) or Path(file).name != REQUEST_INDEX:
            continue
        raw = manifests.read(file)
        listed = (
            []
            if isinstance(raw, Missing) or not is_generated(raw)
            else indexed_files(PurePosixPath(file).as_posix(), raw)
        )
        if listed:
            skipped[file] = "an index of API requests, not a Kubernetes object"
            platform = request_platform(PurePosixPath(file).parent.as_posix())
            for request in listed:
                skipped[request] = f"an API request (`manifold {platform} apply` sends it)"
    return skipped


def _version_warning(checker: _Checker) -> list[Diagnostic]:
    version = checker.version
    if not version.fallback:
        return []
    return [
        Diagnostic(
            f"manifold ships no Kubernetes {version.name} schemas; the nearest it ships, "
            f"{version.bundled}, check its built-in kinds",
            severity=Severity.WARNING,
        )
    ]


def _title(resource: Resource) -> str:
    if not resource.line:
        return "file"
    return " ".join(part for part in (resource.kind, resource.name) if part) or "document"


def _diagnostics(results: list[Result]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for result in results:
        resource = result.resource
        if result.status == "invalid":
            found.extend(
                Diagnostic(
                    f"{_title(resource)} is invalid: {error.message}",
                    file=resource.file,
                    position=resource.position(error.path),
                    path=error.path,
                )
                for error in result.errors
            )
        elif result.status == "error":
            position = resource.problem_position or (
                Position(resource.line, 1) if resource.line else None
            )
            found.append(
                Diagnostic(
                    f"{_title(resource)} cannot be checked: {result.message}",
                    file=resource.file,
                    position=position,
                )
            )
    return found


def _described(result: Result) -> dict[str, Any]:
    resource = result.resource
    return {
        "file": resource.file,
        "line": resource.line or None,
        "apiVersion": resource.api_version or None,
        "kind": resource.kind or None,
        "name": resource.name or None,
        "status": result.status,
        "message": result.message,
        "errors": [
            {"path": format_json_path(error.path), "message": error.message}
            for error in result.errors
        ],
    }
