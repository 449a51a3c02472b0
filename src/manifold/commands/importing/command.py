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
from manifold.targets.ome.importing.entries import PLATFORM_KINDS, PROJECT_KINDS, Imported, entry_of

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")


def _kustomize_own(found: Found) -> bool:
    """A kustomization.yaml beside the objects (OME ships its catalogue with them): not an
    object, so not imported, as `validate` skips them too."""
    return str(found.body.get("apiVersion", "")).startswith("kustomize.config.k8s.io/")


def _entry(found: Found) -> Imported | Diagnostic:
    if (problem := check_envelope(found)) is not None:
        return problem
    try:
        return entry_of(found.body)
    except Unsupported as error:
        kind, name = found.body["kind"], found.body["metadata"]["name"]
        return found.diagnostic(
            error.path,
            f"{kind} {name!r}: {error.message}; it cannot be imported without loss",
            "change or remove the field in the object (or leave the object out), then import again",
        )


def _one_file(imported: list[tuple[Found, Imported]]) -> list[Diagnostic]:
    """One --to file holds cluster-scoped objects (a platform file) or the namespaced
    objects of one namespace (a project file), each kind and name once."""
    problems = []
    seen = Counter((item.kind, item.name) for _, item in imported)
    for found, item in imported:
        if seen[(item.kind, item.name)] > 1:
            where = ("metadata", "name")
            problems.append(found.diagnostic(where, f"{item.kind} {item.name!r} given twice"))
    first, *_ = imported
    for found, _item in imported:
        namespace = found.body["metadata"].get("namespace")
        if namespace != first[0].body["metadata"].get("namespace"):
            problems.append(
                found.diagnostic(
                    ("metadata", "namespace") if namespace else ("kind",),
                    f"{found.body['kind']} in {namespace or 'the cluster'}, while "
                    f"{first[0].file}:{first[0].locate(()).line} is in "
                    f"{first[0].body['metadata'].get('namespace') or 'the cluster'}: one "
                    "file holds cluster-scoped objects or the objects of one namespace",
                    "import each namespace, and the cluster-scoped objects, into a file of its own",
                )
            )
    return problems


def _imported(objects: list[Found]) -> list[tuple[Found, Imported]]:
    problems: list[Diagnostic] = []
    imported: list[tuple[Found, Imported]] = []
    for found in objects:
        outcome = _entry(found)
        if isinstance(outcome, Diagnostic):
            problems.append(outcome)
        else:
            imported.append((found, outcome))
    if imported:
        problems.extend(_one_file(imported))
    if problems:
        raise ProblemsFound("objects manifold cannot import; nothing was written", problems)
    return imported


def _text(imported: list[tuple[Found, Imported]], to: Path) -> str:
    """The file, checked as manifold will read it (a failure here is a bug in the import)."""
    namespace = imported[0][0].body["metadata"].get("namespace")
    if namespace is None:
        stem = to.stem.lower()
        text = files.platform_text(
            imported, PLATFORM_KINDS, stem if _DNS_LABEL.match(stem) else "platform"
        )
        model: Any = Platform
    else:
        text = files.project_text(imported, PROJECT_KINDS, namespace)
        model = Project
    try:
        model.model_validate(yamlio.load_one(text))
    except ValidationError as error:  # pragma: no cover - each entry was validated
        raise AssertionError(f"the imported file is not valid: {error}") from error
    return text


def import_objects(options: ObjectImportOptions) -> Outcome:
    to = options.root / options.to
    if to.exists() and not options.force:
        raise files.exists(options.to)
    objects = [item for item in read(options.root, options.paths) if not _kustomize_own(item)]
    if not objects:
        raise ProblemsFound("no objects found in the paths given; nothing was written")
    imported = _imported(objects)
    files.write(_text(imported, to), to, options.force, options.to)
    details: dict[str, Any] = {"to": options.to.as_posix(), "objects": len(imported)}
    return Outcome(f"imported {len(imported)} objects into {options.to}", details=details)
