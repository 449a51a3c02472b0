"""`manifold schemas import FILE...`: CustomResourceDefinitions -> JSON Schema files in
kubeconform's layout, so that rendered objects are checked against exactly the CRD versions a
cluster runs.

Into the repository's schemas/ (the default), the imported files replace manifold's own
schema of their kind and are listed in schemas/imported.txt, which `schemas generate` and
`check` respect. Into another folder (`--output`), it is a plain converter.

With `--env`, they go under schemas/environments/<name>/ and concern that environment
alone: one repository often drives clusters that run different releases of a platform (a
staging cluster ahead of production), so one import cannot speak for all of them. Each is
listed with the file it came from and its digest: the environment's objects are checked
against exactly those schemas, a kind of an imported group the files do not define is refused
in that environment, and `check` reports an imported file edited by hand.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import ProblemsFound
from manifold.core.options import ImportOptions
from manifold.core.outcome import Outcome
from manifold.core.wording import counted
from manifold.core.yaml import YamlError
from manifold.schemas.crd import CrdSchema, NotACrd, crd_schemas, read_crd_documents
from manifold.schemas.store import (
    ENVIRONMENTS_DIR,
    IMPORTED_LIST,
    SCHEMAS_DIR,
    ImportedFile,
    imported_files,
)

LISTING_HEADER = (
    "# Written by `manifold schemas import`: these files replace manifold's own schemas\n"
    "# (under environments/NAME/, for that environment only). `manifold schemas generate`\n"
    "# leaves them alone and `manifold check` compares them with the digest noted; remove a\n"
    "# line (and its file) to go back to manifold's schema of that kind.\n"
)


def _schemas_of(path: Path, deny_root: bool) -> tuple[list[CrdSchema], Diagnostic | None]:
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [], Diagnostic(f"cannot read file: {error.strerror or error}", file=shown)
    try:
        documents = read_crd_documents(raw)
    except YamlError as error:
        return [], Diagnostic(error.message, file=shown, position=error.position)
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile) as error:
        return [], Diagnostic(f"not YAML or gzipped YAML: {error}", file=shown)
    schemas: list[CrdSchema] = []
    for document in _listed(documents):
        try:
            schemas.extend(crd_schemas(document, deny_root_additional_properties=deny_root))
        except NotACrd:
            continue  # a bundle may hold other objects beside its CRDs
    if not schemas:
        return [], Diagnostic(
            "no CustomResourceDefinition with an openAPIV3Schema in this file", file=shown
        )
    return schemas, None


def _listed(documents: list[Any]) -> Iterator[Any]:
    """Each document, and each item of a `kind: List` (what `kubectl get crd A B -o yaml`
    prints)."""
    for document in documents:
        items = document.get("items") if isinstance(document, dict) else None
        if isinstance(items, list) and document.get("kind") == "List":
            yield from items
        else:
            yield document


def import_schemas(options: ImportOptions) -> Outcome:
    converted: dict[str, tuple[str, str]] = {}
    problems: list[Diagnostic] = []
    for path in options.files:
        schemas, problem = _schemas_of(path, options.deny_root_additional_properties)
        if problem is not None:
            problems.append(problem)
        converted.update((schema.path, (schema.text(), path.name)) for schema in schemas)
    if options.environment is not None:
        problems.extend(_environment_problems(options))
    if problems:
        raise ProblemsFound("nothing was imported", problems)

    into_repository = options.output is None
    folder = options.output or options.root / SCHEMAS_DIR
    prefix = "" if options.environment is None else f"{ENVIRONMENTS_DIR}/{options.environment}/"
    written: dict[str, ImportedFile] = {}
    for relative, (text, source) in sorted(converted.items()):
        target = folder / prefix / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        if options.environment is None:
            written[prefix + relative] = ImportedFile(prefix + relative)
        else:
            digest = hashlib.sha256(text.encode()).hexdigest()
            written[prefix + relative] = ImportedFile(prefix + relative, source, digest)
    if into_repository:
        listed = {entry.path: entry for entry in imported_files(options.root)} | written
        lines = "".join(listed[path].line() for path in sorted(listed))
        (folder / IMPORTED_LIST).write_text(LISTING_HEADER + lines, encoding="utf-8")
    where = f"schemas/{prefix}" if into_repository else str(folder)
    files = len(options.files)
    return Outcome(f"{where}: {counted(len(converted), 'schema')} from {counted(files, 'file')}")


def _environment_problems(options: ImportOptions) -> list[Diagnostic]:
    """An environment to import for must be one of the repository's."""
    known = sorted(path.stem for path in (options.root / "environments").glob("*.yaml"))
    if options.environment in known:
        return []
    return [
        Diagnostic(
            f"no environment {options.environment!r} in environments/",
            hint=f"name one of: {', '.join(known) or 'none yet'}",
        )
    ]
