"""`manifold schemas import FILE...`: CustomResourceDefinitions -> JSON Schema files in
kubeconform's layout, so that rendered objects are checked against exactly the CRD versions a
cluster runs.

Into the repository's schemas/ (the default), the imported files replace manifold's own
schema of their kind and are listed in schemas/imported.txt, which `schemas generate` and
`check` respect. Into another folder (`--output`), it is a plain converter.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import ProblemsFound
from manifold.core.options import ImportOptions
from manifold.core.outcome import Outcome
from manifold.core.wording import counted
from manifold.core.yaml import YamlError
from manifold.schemas.crd import CrdSchema, NotACrd, crd_schemas, read_crd_documents
from manifold.schemas.store import IMPORTED_LIST, SCHEMAS_DIR, imported_paths

LISTING_HEADER = (
    "# Written by `manifold schemas import`: these files replace manifold's own schemas.\n"
    "# `manifold schemas generate` and `manifold check` leave them alone; remove a line (and\n"
    "# its file) to go back to manifold's schema of that kind.\n"
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
    for document in documents:
        try:
            schemas.extend(crd_schemas(document, deny_root_additional_properties=deny_root))
        except NotACrd:
            continue  # a bundle may hold other objects beside its CRDs
    if not schemas:
        return [], Diagnostic(
            "no CustomResourceDefinition with an openAPIV3Schema in this file", file=shown
        )
    return schemas, None


def import_schemas(options: ImportOptions) -> Outcome:
    converted: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for path in options.files:
        schemas, problem = _schemas_of(path, options.deny_root_additional_properties)
        if problem is not None:
            problems.append(problem)
        converted.update((schema.path, schema.text()) for schema in schemas)
    if problems:
        raise ProblemsFound("nothing was imported", problems)

    into_repository = options.output is None
    folder = options.output or options.root / SCHEMAS_DIR
    for relative, text in sorted(converted.items()):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    if into_repository:
        listed = sorted(imported_paths(options.root) | set(converted))
        listing = folder / IMPORTED_LIST
        listing.write_text(LISTING_HEADER + "".join(f"{p}\n" for p in listed), encoding="utf-8")
    where = "schemas/" if into_repository else str(folder)
    files = len(options.files)
    return Outcome(f"{where}: {counted(len(converted), 'schema')} from {counted(files, 'file')}")
