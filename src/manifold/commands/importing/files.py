"""The file `manifold import` writes: a commented platform or project file, written whole
or not at all, and never over an existing file unless asked."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from manifold.commands.importing.reading import Found
from manifold.core import yaml as yamlio
from manifold.core.errors import UsageProblem
from manifold.models.common import API_VERSION
from manifold.targets.ome.importing.entries import Imported

Entries = list[tuple[Found, Imported]]


def _header(imported: Entries) -> list[str]:
    counts = Counter(item.kind for _, item in imported)
    return [
        "# Imported by `manifold import` from OME objects: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
        + ".",
        "# Each entry renders back to the object it came from, field by field. `omeSpec`",
        "# holds OME fields manifold has no field of its own for, kept verbatim; `metadata`",
        "# the object's own labels and annotations.",
    ]


def _lists(imported: Entries, fields: dict[str, str]) -> list[str]:
    lines = []
    for kind, field in fields.items():
        entries = [(found, item) for found, item in imported if item.kind == kind]
        if not entries:
            continue
        lines.append(f"  {field}:")
        for found, item in entries:
            line = found.locate(()).line
            lines.append(f"  # {item.kind} {item.name}, from {found.file}:{line}")
            if item.verbatim:
                lines.append(f"  # kept verbatim under omeSpec: {', '.join(item.verbatim)}")
            if item.dropped:
                lines.append(f"  # left out, manifold sets them itself: {', '.join(item.dropped)}")
            if item.stale:
                lines.append(f"  # left out, kubectl's stale record: {', '.join(item.stale)}")
            lines.extend("  " + text for text in yamlio.emit([item.entry]).splitlines())
    return lines


def _companions(imported: Entries) -> list[str]:
    """The entries of other lists that imported entries refer to (a benchmark's dataset)."""
    by_field: dict[str, list[str]] = {}
    for found, item in imported:
        for field, entry in item.companions:
            lines = by_field.setdefault(field, [f"  {field}:"])
            line = found.locate(()).line
            lines.append(f"  # from {item.kind} {item.name}, {found.file}:{line}")
            lines.extend("  " + text for text in yamlio.emit([entry]).splitlines())
    return [line for field in sorted(by_field) for line in by_field[field]]


def platform_text(imported: Entries, fields: dict[str, str], name: str) -> str:
    lines = [
        *_header(imported),
        "# Set metadata.name and metadata.team to yours.",
        f"apiVersion: {API_VERSION}",
        "kind: Platform",
        "metadata:",
        f"  name: {name}",
        "  team: platform",
        "spec:",
        "  platform: ome",
        *_lists(imported, fields),
    ]
    return "\n".join(lines) + "\n"


def project_text(imported: Entries, fields: dict[str, str], namespace: str) -> str:
    lines = [
        *_header(imported),
        f"# They were in namespace {namespace}: the project is named after it, so an",
        "# environment whose namespace is `{{ project }}` renders them there again.",
        "# Set metadata.team to yours.",
        f"apiVersion: {API_VERSION}",
        "kind: Project",
        "metadata:",
        f"  name: {namespace}",
        f"  team: {namespace}",
        "spec:",
        "  platform: ome",
        *_lists(imported, fields),
        *_companions(imported),
    ]
    return "\n".join(lines) + "\n"


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def exists(shown: Path) -> UsageProblem:
    return UsageProblem(f"{shown} exists; give --force to replace it, or another --to")


def write(text: str, to: Path, force: bool, shown: Path) -> None:
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
                raise exists(shown) from None
    finally:
        temporary.unlink(missing_ok=True)
