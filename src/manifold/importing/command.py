"""`manifold import PATH... --to FILE`: OME objects a cluster already runs, as a manifold
platform file that renders them back unchanged.

All or nothing: every object is imported losslessly (`ome.platform_entry` proves it per
object) or the command refuses, naming each object and field it cannot take, and writes
nothing. The file is written atomically, and an existing one only with `--force`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from manifold import yamlio
from manifold.diagnostics import Diagnostic
from manifold.errors import ProblemsFound, UsageProblem
from manifold.importing.components import Unsupported
from manifold.importing.ome import (
    API_VERSION,
    PLATFORM_KINDS,
    PROJECT_KINDS,
    Imported,
    platform_entry,
)
from manifold.importing.reading import Found, read
from manifold.models.common import API_VERSION as MANIFOLD_API_VERSION
from manifold.models.platform import Platform
from manifold.options import ObjectImportOptions
from manifold.outcome import Outcome

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")


def _check_envelope(found: Found) -> Diagnostic | None:
    body = found.body
    kind = body.get("kind")
    if body.get("apiVersion") != API_VERSION:
        return found.diagnostic(
            ("apiVersion",),
            f"apiVersion {body.get('apiVersion')!r} is not OME's {API_VERSION}",
            "import objects as the cluster serves them (kubectl get -o yaml)",
        )
    if kind in PROJECT_KINDS:
        return found.diagnostic(
            ("kind",),
            f"{kind} is a namespaced kind; this version imports only the platform's "
            f"cluster-scoped kinds ({', '.join(PLATFORM_KINDS)})",
            f"write the {kind} in a project file by hand, or leave it out of the import",
        )
    if kind not in PLATFORM_KINDS:
        return found.diagnostic(
            ("kind",),
            f"kind {kind!r} is not an OME kind manifold imports",
            f"import {', '.join(PLATFORM_KINDS)}",
        )
    metadata = body.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        return found.diagnostic(("metadata",), "the object has no metadata.name")
    extra = sorted(key for key in metadata if key != "name")
    if extra:
        return found.diagnostic(
            ("metadata", extra[0]),
            f"metadata.{extra[0]} is not imported: a platform file gives labels and "
            "annotations to all its objects alike, and cluster-scoped objects have no namespace",
            "strip server-set metadata (kubectl get -o yaml | kubectl neat) and "
            "set shared labels in the platform file's metadata",
        )
    return None


def _kustomize_own(found: Found) -> bool:
    """A kustomization.yaml beside the objects (OME ships its catalogue with them): not an
    object, so not imported, as `validate` skips them too."""
    return str(found.body.get("apiVersion", "")).startswith("kustomize.config.k8s.io/")


def _imported(objects: list[Found]) -> list[tuple[Found, Imported]]:
    problems: list[Diagnostic] = []
    imported: list[tuple[Found, Imported]] = []
    for found in objects:
        if (problem := _check_envelope(found)) is not None:
            problems.append(problem)
            continue
        try:
            imported.append((found, platform_entry(found.body)))
        except Unsupported as error:
            kind, name = found.body["kind"], found.body["metadata"]["name"]
            problems.append(
                found.diagnostic(
                    error.path,
                    f"{kind} {name!r}: {error.message}; it cannot be imported without loss",
                    "change or remove the field in the object (or leave the object out), "
                    "then import again",
                )
            )
    seen = Counter((item.kind, item.name) for _, item in imported)
    for found, item in imported:
        if seen[(item.kind, item.name)] > 1:
            problems.append(
                found.diagnostic(("metadata", "name"), f"{item.kind} {item.name!r} given twice")
            )
    if problems:
        raise ProblemsFound("objects manifold cannot import; nothing was written", problems)
    return imported


def _platform_name(to: Path) -> str:
    stem = to.stem.lower()
    return stem if _DNS_LABEL.match(stem) else "platform"


def platform_text(imported: list[tuple[Found, Imported]], name: str) -> str:
    """The platform file: a header, then each entry with a comment saying where it came
    from and which of its fields were kept verbatim."""
    counts = Counter(item.kind for _, item in imported)
    lines = [
        "# Imported by `manifold import` from OME objects: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
        + ".",
        "# Each entry renders back to the object it came from, field by field. `omeSpec`",
        "# holds OME fields manifold has no field of its own for, kept verbatim.",
        "# Set metadata.name and metadata.team to yours.",
        f"apiVersion: {MANIFOLD_API_VERSION}",
        "kind: Platform",
        "metadata:",
        f"  name: {name}",
        "  team: platform",
        "spec:",
        "  platform: ome",
    ]
    for kind, field in PLATFORM_KINDS.items():
        entries = [(found, item) for found, item in imported if item.kind == kind]
        if not entries:
            continue
        lines.append(f"  {field}:")
        for found, item in entries:
            line = found.locate(()).line
            lines.append(f"  # {item.kind} {item.name}, from {found.file}:{line}")
            if item.verbatim:
                lines.append(f"  # kept verbatim under omeSpec: {', '.join(item.verbatim)}")
            lines.extend("  " + text for text in yamlio.emit([item.entry]).splitlines())
    return "\n".join(lines) + "\n"


def _checked(text: str, to: Path) -> None:
    """The file as manifold will read it must be a valid platform file (a bug otherwise)."""
    document = yamlio.load_one(text)
    try:
        Platform.model_validate(document)
    except ValidationError as error:  # pragma: no cover - the entries were validated one by one
        raise AssertionError(f"the imported {to} is not a valid platform file: {error}") from error


def _write(text: str, to: Path, force: bool, shown: Path) -> None:
    """Atomically: a complete file or none; without `force`, never over an existing one
    (a hard link fails when the name exists, closing the race a check would leave)."""
    to.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{to.name}.", dir=to.parent)
    temporary = Path(name)
    temporary.chmod(0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            temporary.replace(to)
        else:
            try:
                to.hardlink_to(temporary)
            except FileExistsError:
                raise _exists(shown) from None
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _exists(to: Path) -> UsageProblem:
    return UsageProblem(f"{to} exists; give --force to replace it, or another --to")


def import_objects(options: ObjectImportOptions) -> Outcome:
    to = options.root / options.to
    if to.exists() and not options.force:
        raise _exists(options.to)
    found = read(options.root, options.paths)
    objects = [item for item in found if not _kustomize_own(item)]
    if not objects:
        raise ProblemsFound("no objects found in the paths given; nothing was written")
    imported = _imported(objects)
    text = platform_text(imported, _platform_name(to))
    _checked(text, options.to)
    _write(text, to, options.force, options.to)
    details: dict[str, Any] = {"to": options.to.as_posix(), "objects": len(imported)}
    return Outcome(f"imported {len(imported)} objects into {options.to}", details=details)
