"""Arbitrary Kubernetes manifests, read the way kubeconform reads them: files and folders ->
`Resource`s, one per YAML document (and per item of a `kind: List`).

- Folders are walked for `.yaml`, `.yml` and `.json` files (links to folders are not
  followed); a file named on the command line is read whatever its name; `-` is stdin.
- A file is cut into documents at lines that start with `---`; each is read on its own, with
  Kubernetes' dialect (YAML 1.1 scalars, scalar keys made strings, and, unless strict, the last
  of duplicate keys winning), so one broken document does not hide the others.
- Empty documents are not resources.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position
from manifold.core.jsonpath import JsonPath

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
"""Largest manifest file read (rendered trees and chart output can be large; inputs cannot)."""
MAX_MANIFEST_DEPTH = 256
"""CRDs nest their schemas deeply; manifests may nest deeper than manifold's own inputs."""
STDIN = "-"
STDIN_NAME = "stdin"
"""How resources read from standard input are named in messages, as kubeconform names them."""


@dataclass(frozen=True)
class Resource:
    """One object to validate, or the reason it cannot be (`problem`)."""

    file: str
    line: int
    body: Any = None
    problem: str | None = None
    problem_position: Position | None = None
    text: str = field(default="", repr=False)
    """The text of its document, to locate problems in."""
    first_line: int = 1
    """The line of the file where that document starts."""
    base: JsonPath = ()
    """Where the object sits in its document: () or ("items", index) for a List's item."""

    def position(self, path: JsonPath) -> Position:
        """Where `path` (into the object) is in the file."""
        at = _positions(self.text).locate((*self.base, *path))
        return Position(at.line + self.first_line - 1, at.column)

    @property
    def kind(self) -> str:
        kind = self.body.get("kind") if isinstance(self.body, dict) else None
        return kind if isinstance(kind, str) else ""

    @property
    def api_version(self) -> str:
        value = self.body.get("apiVersion") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def name(self) -> str:
        """The name kubeconform shows: metadata.name, or generateName followed by a marker."""
        metadata = self.body.get("metadata") if isinstance(self.body, dict) else None
        if not isinstance(metadata, dict):
            return ""
        generate = metadata.get("generateName")
        if isinstance(generate, str):
            return generate + "{{ generateName }}"
        name = metadata.get("name")
        return name if isinstance(name, str) else ""


@functools.lru_cache(maxsize=8)
def _positions(text: str) -> yamlio.PositionIndex:
    return yamlio.PositionIndex(text)


@dataclass(frozen=True)
class Missing:
    """A path on the command line that cannot be read at all."""

    file: str
    problem: str


def files(paths: tuple[str, ...], ignore: list[re.Pattern[str]]) -> Iterator[str | Missing]:
    """The manifest files `paths` name, in a stable order, and the paths that do not exist."""
    for given in paths:
        if given == STDIN:
            yield STDIN
            continue
        path = Path(given)
        if path.is_dir():
            found: list[str] = []
            for directory, folders, names in os.walk(path):
                folders.sort()
                found.extend(
                    str(Path(directory) / name)
                    for name in names
                    if name.lower().endswith(MANIFEST_SUFFIXES)
                )
            yield from (name for name in sorted(found) if not _ignored(name, ignore))
        elif path.exists():
            if not _ignored(given, ignore):
                yield given
        else:
            yield Missing(given, "no such file or folder")


def _ignored(name: str, ignore: list[re.Pattern[str]]) -> bool:
    return any(pattern.search(name) for pattern in ignore)


def read(file: str) -> bytes | Missing:
    try:
        if file == STDIN:
            return sys.stdin.buffer.read(MAX_MANIFEST_BYTES + 1)
        with Path(file).open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except OSError as error:
        return Missing(file, f"cannot read: {error.strerror or error}")
    if len(raw) > MAX_MANIFEST_BYTES:
        return Missing(file, f"larger than {MAX_MANIFEST_BYTES} bytes")
    return raw


_SEPARATOR = re.compile(r"^---.*$", re.MULTILINE)


def documents(text: str) -> Iterator[tuple[str, int]]:
    """Each document's text and the line it starts on; `---` on a file's first line is part
    of its first document, as in kubeconform."""
    start, line = 0, 1
    for separator in _SEPARATOR.finditer(text):
        if separator.start() == 0:
            continue
        yield text[start : separator.start()], line
        line += text.count("\n", start, separator.end()) + 1
        start = separator.end() + 1
    yield text[start:], line


def resources(file: str, raw: bytes, *, strict: bool) -> list[Resource]:
    """The resources of one file; an undecodable file is one resource with a problem."""
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        return [Resource(file, 1, problem=f"not UTF-8 text (byte 0x{raw[error.start]:02x})")]
    dialect = yamlio.Dialect(
        duplicate_keys=not strict,
        string_keys=True,
        yaml_1_1=True,
        max_depth=MAX_MANIFEST_DEPTH,
    )
    found: list[Resource] = []
    for document, first_line in documents(text):
        found.extend(_document_resources(file, document, first_line, dialect))
    return found


def _document_resources(
    file: str, text: str, first_line: int, dialect: yamlio.Dialect
) -> list[Resource]:
    located = Resource(file, first_line, text=text, first_line=first_line)
    try:
        loaded = yamlio.load_all(text, dialect)
    except yamlio.YamlError as error:
        position = error.position
        if position is not None:
            position = Position(position.line + first_line - 1, position.column)
        line = position.line if position else first_line
        return [_with(located, line=line, problem=error.message, problem_position=position)]
    bodies = [body for body in loaded if body is not None]
    if not bodies:
        return []  # an empty document is no resource
    start = located.position(())
    out: list[Resource] = []
    for body in bodies:
        resource = _with(located, line=start.line, body=body)
        if isinstance(body, dict) and resource.kind.lower() == "list":
            out.extend(_list_items(resource, body))
        else:
            out.append(resource)
    return out


def _list_items(resource: Resource, body: dict[str, Any]) -> Iterator[Resource]:
    items = body.get("items")
    for index, item in enumerate(items if isinstance(items, list) else []):
        base = ("items", index)
        line = resource.position(base).line if resource.text else resource.line
        yield _with(resource, line=line, body=item, base=base)


def _with(resource: Resource, **changes: Any) -> Resource:
    return dataclasses.replace(resource, **changes)
