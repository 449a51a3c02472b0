"""A second opinion from kubeconform (https://github.com/yannh/kubeconform), run as a program.

The files a controller applies (those the `kustomization.yaml` of each folder lists) of what
`manifold render` would write are put in a temporary `rendered/` and checked with

    kubeconform -strict -summary -output json -kubernetes-version X.Y.Z
        -schema-location '<repository>/schemas/{{ .Group }}/...' (SCHEMA_TEMPLATE)
        -schema-location default
        -ignore-filename-pattern '(^|/)kustomization\\.yaml$'
        rendered/<folder>...

once per Kubernetes version the environments name (built-in kinds are checked against that
version's schemas, which `default` fetches from kubeconform's schema registry). Its JSON
report lists the resources that are not valid, each with a status (`statusInvalid`,
`statusError`; `statusValid` and `statusSkipped` only with -verbose), a message and, from
kubeconform 0.6.4, `validationErrors` with the JSON pointer of each problem. kubeconform
exits 1 when any resource is invalid or could not be checked. Each result becomes a
`Diagnostic` at the file, line and column of the field.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.compile.layout import KUSTOMIZATION
from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Diagnostic, Position
from manifold.core.errors import UsageProblem
from manifold.core.jsonpath import JsonPath, format_json_path, parse_json_pointer
from manifold.core.options import KubeconformMode
from manifold.core.wording import counted
from manifold.output.writer import RENDERED_DIR
from manifold.schemas.store import (
    DEFAULT_KUBERNETES_VERSION,
    ENVIRONMENTS_DIR,
    SCHEMAS_DIR,
    environment_imports,
)

EXECUTABLE = "kubeconform"
INSTALL_HINT = "install it from https://github.com/yannh/kubeconform/releases"
SCHEMA_TEMPLATE = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
IGNORED_FILES = r"(^|/)kustomization\.yaml$"
TIMEOUT_SECONDS = 600.0

_FAILED = ("statusInvalid", "statusError")


def find(mode: KubeconformMode) -> str | None:
    """The kubeconform to run, None when there is none to run; raises when one is required."""
    if mode == "never":
        return None
    executable = shutil.which(EXECUTABLE)
    if executable is None and mode == "always":
        raise UsageProblem(f"kubeconform is not installed (not on PATH); {INSTALL_HINT}")
    return executable


def kubernetes_release(version: str) -> str:
    """kubeconform wants a full release: "1.31" -> "1.31.0", "v1.30.2" -> "1.30.2"."""
    parts = version.removeprefix("v").split(".")
    return ".".join([*parts, "0"][:3]) if len(parts) == 2 else ".".join(parts)


def arguments(
    executable: str,
    schemas: Path,
    kubernetes_version: str,
    targets: list[str],
    environment: str | None = None,
) -> list[str]:
    """kubeconform's command line; for one `environment`, the schemas imported for it first."""
    own = (
        [
            "-schema-location",
            f"{(schemas / ENVIRONMENTS_DIR / environment).resolve()}/{SCHEMA_TEMPLATE}",
        ]
        if environment is not None
        else []
    )
    return [
        executable,
        "-strict",
        "-summary",
        "-output",
        "json",
        "-kubernetes-version",
        kubernetes_release(kubernetes_version),
        *own,
        "-schema-location",
        f"{schemas.resolve()}/{SCHEMA_TEMPLATE}",
        "-schema-location",
        "default",
        "-ignore-filename-pattern",
        IGNORED_FILES,
        *targets,
    ]


@dataclass
class Report:
    """What kubeconform found over all its runs."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("valid", "invalid", "errors", "skipped"), 0)
    )

    def summary(self) -> str:
        """kubeconform's own summary in a sentence: "12 valid, 0 invalid, 1 error, 0 skipped"."""
        return ", ".join(
            counted(count, "error") if name == "errors" else f"{count} {name}"
            for name, count in self.counts.items()
        )


def applied(files: Mapping[str, str]) -> dict[str, str]:
    """The files some folder's kustomization.yaml lists: what Flux and Argo CD apply."""
    listed: dict[str, str] = {}
    for path, text in files.items():
        folder, _, name = path.rpartition("/")
        if name != KUSTOMIZATION:
            continue
        kustomization = yamlio.load_one(text)
        for resource in kustomization.get("resources") or ():
            relative = f"{folder}/{resource}" if folder else str(resource)
            if relative in files:
                listed[relative] = files[relative]
    return listed


def check(
    executable: str,
    root: Path,
    files: Mapping[str, str],
    kubernetes_versions: Mapping[str, str],
) -> Report:
    """Run kubeconform on the objects of `files` (paths relative to rendered/) that are
    applied, each top-level folder with the Kubernetes version `kubernetes_versions` gives
    it (the default for a folder it does not name)."""
    report = Report()
    objects = applied(files)
    # Folders share a run by Kubernetes version, except an environment with imported schemas.
    folders: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for folder in sorted({path.split("/", 1)[0] for path in objects}):
        version = kubernetes_versions.get(folder, DEFAULT_KUBERNETES_VERSION)
        own = folder if environment_imports(root, folder) else None
        folders[(version, own)].append(f"{RENDERED_DIR}/{folder}")
    with tempfile.TemporaryDirectory(prefix="manifold-kubeconform-") as temporary:
        workspace = Path(temporary)
        for relative, text in objects.items():
            path = workspace / RENDERED_DIR / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for (version, own), targets in sorted(folders.items(), key=lambda item: str(item[0])):
            args = arguments(executable, root / SCHEMAS_DIR, version, targets, own)
            _run(args, workspace, files, report)
    return report


def _run(args: list[str], workspace: Path, files: Mapping[str, str], report: Report) -> None:
    try:
        finished = subprocess.run(
            args, cwd=workspace, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        report.diagnostics.append(
            Diagnostic(f"kubeconform did not finish within {TIMEOUT_SECONDS:.0f}s")
        )
        return
    except OSError as error:
        report.diagnostics.append(Diagnostic(f"kubeconform could not be run: {error}"))
        return
    try:
        output = json.loads(finished.stdout)
        results = output["resources"]
        counts = output.get("summary", {})
    except (ValueError, KeyError, TypeError):
        report.diagnostics.append(_failed_run(finished))
        return
    for name in report.counts:
        report.counts[name] += int(counts.get(name, 0))
    found = [_diagnostics(result, files) for result in results if result.get("status") in _FAILED]
    for diagnostics in found:
        report.diagnostics.extend(diagnostics)
    if finished.returncode not in (0, 1) or (finished.returncode == 1 and not found):
        report.diagnostics.append(_failed_run(finished))


def _failed_run(finished: subprocess.CompletedProcess[str]) -> Diagnostic:
    said = (finished.stderr.strip() or finished.stdout.strip() or "no output").splitlines()
    return Diagnostic(
        f"kubeconform failed (exit {finished.returncode}) without a report manifold can read: "
        + " / ".join(said[:3]),
        hint="run it by hand with the same arguments to see why",
    )


def _diagnostics(result: Mapping[str, Any], files: Mapping[str, str]) -> list[Diagnostic]:
    filename = str(result.get("filename", ""))
    text = files.get(filename.removeprefix(f"{RENDERED_DIR}/"))
    kind = result.get("kind") or "object"
    what = f"{kind} {result['name']!r}" if result.get("name") else kind
    message = str(result.get("msg", "")).strip()
    if result.get("status") == "statusError":
        hint = None
        if "could not find schema" in message:
            hint = (
                "kinds manifold renders have schemas in schemas/ (manifold schemas generate); "
                "built-in kinds need kubeconform's schema registry (network)"
            )
        return [
            Diagnostic(
                f"kubeconform could not check {what}: {message}",
                file=filename or None,
                position=Position(1, 1) if text is not None else None,
                hint=hint,
            )
        ]
    errors = [e for e in result.get("validationErrors") or [] if isinstance(e, dict)]
    if not errors:
        return [
            Diagnostic(
                f"kubeconform: {what} is invalid: {message}",
                file=filename or None,
                position=Position(1, 1) if text is not None else None,
            )
        ]
    diagnostics = []
    for error in errors:
        path = _path(str(error.get("path", "")))
        where = format_json_path(path) or "the top level"
        diagnostics.append(
            Diagnostic(
                f"kubeconform: {what} is invalid at {where}: {error.get('msg', message)}",
                file=filename or None,
                position=yamlio.locate(text, path) if text is not None else None,
                path=path,
            )
        )
    return diagnostics


def _path(pointer: str) -> JsonPath:
    """A JSON pointer from kubeconform as a path, list indexes as numbers."""
    try:
        steps = parse_json_pointer(pointer)
    except ValueError:
        return ()
    return tuple(int(step) if step.isdigit() else step for step in steps)
