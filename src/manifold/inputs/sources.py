"""Find and read the input files of a repository (projects/, environments/,
platform/) into `Document`s.

A `Document` is one YAML file as plain data, plus a way back from a path inside that data to
the line and column it came from. Finding that way parses the text again; a process that
renders again (`render --watch`) does it once per text, through the memo its reader gives
(`core.memo`: the reader takes it as a parameter and keeps nothing of its own).
"""

from __future__ import annotations

import copy
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Diagnostic, Position
from manifold.core.jsonpath import JsonPath
from manifold.core.memo import Memo, Shelf
from manifold.inputs.filebytes import MAX_FILE_BYTES, read_bytes
from manifold.inputs.nulls import without_nulls

"""Largest input file accepted. Hand-written project files are a few kilobytes."""

PROJECTS_DIR = "projects"
ENVIRONMENTS_DIR = "environments"
PLATFORM_DIR = "platform"
YAML_SUFFIXES = (".yaml", ".yml")


POSITIONS: Shelf[yamlio.PositionIndex] = Shelf("positions", most=64)
"""Position indexes by the text parsed: the same text has the same positions (an index is
only read). The last 64 texts, the oldest dropped first."""


PARSED: Shelf[tuple[Any]] = Shelf("parsed", most=64)
"""Data by the text it was parsed from (in a tuple: a file may hold nothing, None). The last
64 texts."""


@dataclass(frozen=True, eq=False)
class Document:
    path: str
    """Path relative to the repository root, with forward slashes."""
    text: str
    data: Any
    memo: Memo | None = field(default=None, repr=False)
    """Where the positions of texts parsed before are kept (None: nowhere). Not pickled."""
    credential_free: bool = False
    """Known to hold no credential (`core.secrets.secret_values` finds none), so decoding
    need not look again. Only a process that parsed the file ahead says so
    (`inputs.ahead`); False promises nothing."""

    @functools.cached_property
    def _positions(self) -> yamlio.PositionIndex:
        # Parsed again only when a position is needed: for a diagnostic, or where an
        # environment's patch changed an object (`compile.patches`, which names it), so for
        # the environment files on every render; a process that renders again
        # (`render --watch`) parses each text once (`POSITIONS`).
        if self.memo is None:
            return yamlio.PositionIndex(self.text)
        text = self.text
        return self.memo.get_or_compute(POSITIONS, text, lambda: yamlio.PositionIndex(text))

    @functools.cached_property
    def layer(self) -> Any:
        """The data without its nulls (`inputs.nulls`): the file as a layer over what it
        extends, which decoding and the platform blocks' checks both read."""
        return without_nulls(self.data)

    def locate(self, path: JsonPath, *, key: bool = False) -> Position:
        return self._positions.locate(path, key=key)

    def __getstate__(self) -> dict[str, Any]:
        # A document sent to or from another process (`inputs.ahead`, forked workers) does
        # not carry this process's memo with it.
        state = dict(self.__dict__)
        state.pop("memo", None)
        state.pop("layer", None)  # derived from the data, and a copy of it where it has nulls
        return state


def discover(root: Path, folder: str) -> list[str]:
    """Repository-relative paths of the YAML files under `folder`, in a stable order: hidden
    files and folders (a name starting with `.`) are skipped, linked folders not followed.

    Links and special files with a YAML name are listed too, so that `read_document` can say
    why they are refused instead of a project silently disappearing. One `scandir` per folder
    and strings throughout: with pathlib (a Path and four stat calls per entry) listing 10,000
    project files took 0.2 s, paid before anything else can start.
    """
    found: list[str] = []
    pending = [folder]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(root / relative) as entries:
                listed = list(entries)
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            path = f"{relative}/{entry.name}"
            if _is_folder(entry):
                pending.append(path)
            elif entry.name.endswith(YAML_SUFFIXES):
                found.append(path)
    return sorted(found)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A real folder to list: not a link to one (a link is listed, to be refused)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def read_document(root: Path, relative: str, memo: Memo | None = None) -> Document | Diagnostic:
    """Read and parse one input file; a Diagnostic says why it could not be."""
    read = read_bytes(root, relative)
    if isinstance(read, Diagnostic):
        return read
    return parse_document(relative, read, memo)


def parse_document(relative: str, raw: bytes, memo: Memo | None = None) -> Document | Diagnostic:
    problem = _encoding_problem(raw)
    if problem is not None:
        message, position = problem
        return Diagnostic(message, file=relative, position=position)
    text = raw.decode("utf-8")
    confusing = _CONFUSING.search(text)
    if confusing is not None:
        character = confusing.group()
        return Diagnostic(
            f"the invisible character U+{ord(character):04X} ({_CONFUSING_NAMES[character]}) "
            "can make the file read differently from what it does; remove it",
            file=relative,
            position=yamlio.position_at(text, confusing.start()),
        )
    try:
        data = _loaded(text, memo)
    except yamlio.YamlError as error:
        return Diagnostic(
            error.message, file=relative, position=error.position, path=error.path, hint=error.hint
        )
    return Document(relative, text, data, memo)


def _loaded(text: str, memo: Memo | None) -> Any:
    """The text's data: a copy of what it parsed to before, in a process that keeps it
    (`PARSED`), else parsed. The environment and platform files are read on every render, and
    a watching process parsed them again each time (4 ms of a one-change render at
    N = 1,000 x 3, for a copy's 0.3 ms); the copy keeps what the next render is given from
    whatever this one does with its data."""
    if memo is None:
        return yamlio.load_one(text)
    parsed = memo.get_or_compute(PARSED, text, lambda: (yamlio.load_one(text),))
    return copy.deepcopy(parsed[0])


_BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _encoding_problem(raw: bytes) -> tuple[str, Position | None] | None:
    """Why `raw` is not a UTF-8 text manifold reads, and where; None when it is."""
    if len(raw) > MAX_FILE_BYTES:
        return (
            f"file is larger than {MAX_FILE_BYTES} bytes (1 MiB), the most manifold reads from "
            "one input file: split it",
            Position(1, 1),
        )
    for mark, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            advice = "save it as UTF-8 without BOM" if encoding == "UTF-8" else "save it as UTF-8"
            return f"file starts with a {encoding} byte order mark; {advice}", Position(1, 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        return (
            "file contains a NUL byte: it is binary or UTF-16/32 text; save it as UTF-8",
            _byte_position(raw, nul),
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return (
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            _byte_position(raw, error.start),
        )
    return None


# Characters that show nothing, or move text around, in an editor or a pull request's diff:
# YAML 1.1 line breaks that YAML 1.2 and editors do not treat as such, and the bidirectional
# controls of "Trojan Source" attacks.
_CONFUSING_NAMES = {
    "\x85": "next line",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    **{
        chr(code): "bidirectional control"
        for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
    },
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u061c": "Arabic letter mark",
}
_CONFUSING = re.compile(f"[{''.join(_CONFUSING_NAMES)}]")


def _byte_position(raw: bytes, offset: int) -> Position:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Position(line, column)
