"""Stage 1: find and read the input files of a repository (projects/, environments/,
platform/) into `Document`s.

A `Document` is one YAML file as plain data, plus a way back from a path inside that data to
the line and column it came from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifold import yamlio
from manifold.diagnostics import Diagnostic, Position
from manifold.paths import JsonPath

MAX_FILE_BYTES = 1024 * 1024
"""Largest input file accepted. Hand-written project files are a few kilobytes."""

PROJECTS_DIR = "projects"
ENVIRONMENTS_DIR = "environments"
PLATFORM_DIR = "platform"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, eq=False)
class Document:
    path: str
    """Path relative to the repository root, with forward slashes."""
    text: str
    data: Any

    @functools.cached_property
    def _positions(self) -> yamlio.PositionIndex:
        # Parsed again only when a diagnostic needs a position: most files never are.
        return yamlio.PositionIndex(self.text)

    def locate(self, path: JsonPath, *, key: bool = False) -> Position:
        return self._positions.locate(path, key=key)


def discover(root: Path, folder: str) -> list[str]:
    """Repository-relative paths of the YAML files under `folder`, in a stable order."""
    base = root / folder
    if not base.is_dir():
        return []
    found = [
        path.relative_to(root).as_posix()
        for path in base.rglob("*")
        if path.suffix in YAML_SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(base).parts)
    ]
    return sorted(found)


def read_document(root: Path, relative: str) -> Document | Diagnostic:
    """Read and parse one input file; a Diagnostic says why it could not be."""
    path = root / relative
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root.resolve()):
            return Diagnostic(
                "file is a link to a place outside the repository; copy the file in instead",
                file=relative,
            )
        raw = resolved.read_bytes()
    except OSError as error:
        return Diagnostic(f"cannot read file: {error.strerror or error}", file=relative)
    return parse_document(relative, raw)


def parse_document(relative: str, raw: bytes) -> Document | Diagnostic:
    if len(raw) > MAX_FILE_BYTES:
        return Diagnostic(
            f"file is {len(raw)} bytes; manifold reads input files of at most "
            f"{MAX_FILE_BYTES} bytes: split it",
            file=relative,
            position=Position(1, 1),
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        return Diagnostic(
            "file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM",
            file=relative,
            position=Position(1, 1),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Diagnostic(
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            file=relative,
            position=_byte_position(raw, error.start),
        )
    try:
        data = yamlio.load_one(text)
    except yamlio.YamlError as error:
        return Diagnostic(error.message, file=relative, position=error.position, path=error.path)
    return Document(relative, text, data)


def _byte_position(raw: bytes, offset: int) -> Position:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Position(line, column)
