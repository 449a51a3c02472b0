"""`manifold import PATH... --to FILE`: OME objects a cluster already runs, as a manifold
platform file (cluster-scoped kinds) or project file (namespaced kinds, one namespace) that
renders them back unchanged.

All or nothing: every object is imported losslessly (`targets.ome.importing.entries.entry_of`
proves it per object) or the command refuses, naming each object and field it cannot take,
and writes nothing.
The file is written atomically, and an existing one only with `--force` (`files`).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from manifold.commands.importing import files
from manifold.commands.importing.envelope import check_envelope
from manifold.commands.importing.reading import Found, read
from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import ProblemsFound
from manifold.core.options import ObjectImportOptions
from manifold.core.outcome import Outcome
from manifold.models.platform import Platform
from manifold.models.project import Project
from manifold.targets.ome.importing.components import Unsupported
from manifold.targets.ome.importing.entries import (
    CLUSTER_SCOPED_IN_PROJECT,
    PLATFORM_KINDS,
    PROJECT_KINDS,
    Imported,
    entry_of,
)
from manifold.targets.ome.importing.render_checks import render_refusals, runtime_refusals

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")


def _kustomize_own(found: Found) -> bool:
    """A kustomization.yaml beside the objects (OME ships its catalogue with them): not an
    object, so not imported, as `validate` skips them too."""
    return str(found.body.get("apiVersion", "")).startswith("kustomize.config.k8s.io/")


def _place(found: Found) -> str | None:
    """Which file an object belongs in: "cluster" (a platform file), a namespace (that
    namespace's project file), or None for a cluster-scoped kind of a project file, which
    goes with whatever project it is imported with."""
    kind = found.body["kind"]
    if kind in PLATFORM_KINDS:
        return "cluster"
    if kind in CLUSTER_SCOPED_IN_PROJECT:
        return None
    return str(found.body["metadata"]["namespace"])


def _home(objects: list[Found], to: Path) -> str | None:
    """The namespace of the project file, None for a platform file: that of the first
    object with a place, else (only cluster-scoped project kinds) the namespace they were
    written with, else the --to file's name."""
    first = next((place for found in objects if (place := _place(found)) is not None), None)
    if first == "cluster":
        return None
    if first is not None:
        return first
    written = objects[0].body["metadata"].get("namespace")
    return str(written) if isinstance(written, str) else to.stem.lower()


def _entry(found: Found, home: str | None) -> Imported | Diagnostic:
    try:
        return entry_of(found.body, home)
    except Unsupported as error:
        kind, name = found.body["kind"], found.body["metadata"]["name"]
        return found.diagnostic(
            error.path,
            f"{kind} {name!r}: {error.message}; it cannot be imported without loss",
            "change or remove the field in the object (or leave the object out), then import again",
        )


def _render_refuses(found: Found, item: Imported) -> list[Diagnostic]:
    """What `manifold render` would refuse in the entry itself, at the object's field: an
    import never writes a file the render refuses."""
    return [
        found.diagnostic(
            path,
            f"{item.kind} {item.name!r}: {message}",
            "manifold render would refuse it: change the object, then import again",
        )
        for path, message in render_refusals(item.kind, item.entry)
    ]


def _refused_together(imported: list[tuple[Found, Imported]]) -> list[Diagnostic]:
    """What `manifold render` would refuse of an InferenceService beside the ServingRuntime
    of its namespace imported with it (`render_checks.runtime_refusals`), at its field."""
    runtimes = {item.name: item.entry for _, item in imported if item.kind == "ServingRuntime"}
    return [
        found.diagnostic(
            path,
            f"{item.kind} {item.name!r}: {message}",
            "manifold render would refuse it: change the object, then import again",
        )
        for found, item in imported
        if item.kind == "InferenceService"
        for path, message in runtime_refusals(item.entry, runtimes)
    ]


def _one_file(imported: list[tuple[Found, Imported]], home: str | None) -> list[Diagnostic]:
    """One --to file holds cluster-scoped objects (a platform file) or the objects of one
    namespace (a project file), each kind and name once."""
    problems = []
    seen = Counter((item.kind, item.name) for _, item in imported)
    for found, item in imported:
        if seen[(item.kind, item.name)] > 1:
            where = ("metadata", "name")
            problems.append(found.diagnostic(where, f"{item.kind} {item.name!r} given twice"))
    expected = home or "cluster"
    first = next(found for found, _ in imported if _place(found) in (expected, None))
    for found, _item in imported:
        place = _place(found)
        if place is None and home is None:
            place = "a project file"
        if place is not None and place != expected:
            problems.append(
                found.diagnostic(
                    ("metadata", "namespace")
                    if place not in ("cluster", "a project file")
                    else ("kind",),
                    f"{found.body['kind']} in {place}, while "
                    f"{first.file}:{first.locate(()).line} is in "
                    f"{home or 'the cluster'}: one file holds cluster-scoped objects or the "
                    "objects of one namespace",
                    "import each namespace, and the cluster-scoped objects, into a file of its own",
                )
            )
    return problems


def _imported(objects: list[Found], home: str | None) -> list[tuple[Found, Imported]]:
    problems: list[Diagnostic] = []
    imported: list[tuple[Found, Imported]] = []
    for found in objects:
        outcome = _entry(found, home)
        if isinstance(outcome, Diagnostic):
            problems.append(outcome)
        elif refused := _render_refuses(found, outcome):
            problems.extend(refused)
        else:
            imported.append((found, outcome))
    if imported:
        problems.extend(_one_file(imported, home))
        problems.extend(_refused_together(imported))
    if problems:
        raise ProblemsFound("objects manifold cannot import; nothing was written", problems)
    return imported


def _text(imported: list[tuple[Found, Imported]], to: Path, home: str | None) -> str:
    """The file, checked as manifold will read it (a failure here is a bug in the import)."""
    if home is None:
        stem = to.stem.lower()
        text = files.platform_text(
            imported, PLATFORM_KINDS, stem if _DNS_LABEL.match(stem) else "platform"
        )
        model: Any = Platform
    else:
        text = files.project_text(imported, PROJECT_KINDS, home)
        model = Project
    try:
        model.model_validate(yamlio.load_one(text))
    except ValidationError as error:  # pragma: no cover - each entry was validated
        raise AssertionError(f"the imported file is not valid: {error}") from error
    return text


def _envelopes(objects: list[Found]) -> None:
    problems = [problem for found in objects if (problem := check_envelope(found)) is not None]
    if problems:
        raise ProblemsFound("objects manifold cannot import; nothing was written", problems)


def import_objects(options: ObjectImportOptions) -> Outcome:
    to = options.root / options.to
    if to.exists() and not options.force:
        raise files.exists(options.to)
    objects = [item for item in read(options.root, options.paths) if not _kustomize_own(item)]
    if not objects:
        raise ProblemsFound("no objects found in the paths given; nothing was written")
    _envelopes(objects)
    home = _home(objects, options.to)
    imported = _imported(objects, home)
    files.write(_text(imported, to, home), to, options.force, options.to)
    details: dict[str, Any] = {"to": options.to.as_posix(), "objects": len(imported)}
    return Outcome(f"imported {len(imported)} objects into {options.to}", details=details)
