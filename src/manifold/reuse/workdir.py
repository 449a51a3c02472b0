"""`.manifold/`, manifold's own folder, read back as untrusted input.

Everything manifold keeps between runs (the writer's record, the shadow tree, the project
cache, the record of outcomes) is an optimisation: deleting the folder is always safe. What is
read back may have been left by another version, cut short by a full disk, edited by hand, or
planted by whoever can write to the checkout. So every read goes through this module:

- the folder must be a real directory inside the repository, never a link: a link would carry
  writes (and, in the writer, deletions) outside it;
- a state file is opened only when it is a regular file of bounded size, parsed as JSON with
  nesting bounded, and checked against a JSON Schema of its format before anything trusts a
  field; on any doubt the caller gets None and rebuilds, as after a deletion;
- every path a state file names is relative, inside rendered/, with no `..`, absolute part,
  backslash or NUL: `safe_relative` is the one definition the writer uses too.

Checking a record of 15,000 entries against its schema costs about 5 ms with jsonschema-rs,
a few percent of the no-op render it serves.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema_rs

from manifold.core.errors import OutputProblem

WORK_DIR = ".manifold"
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
MAX_STATE_BYTES = 512 * 1024 * 1024
"""Larger than any record manifold writes for 100,000 objects; a bigger file is not ours."""

_SAFE_PART = r"(?:[^/\\\x00.][^/\\\x00]*|\.[^/\\\x00.][^/\\\x00]*|\.\.[^/\\\x00]+)"
"""A part of a path that is not empty, `.` or `..`: it starts with a character other than a
dot, or with one dot and then another character, or with two dots and then anything."""
SAFE_PATH_PATTERN = rf"^{_SAFE_PART}(?:/{_SAFE_PART})*$"
"""A relative path with no empty, `.` or `..` part, no backslash and no NUL (JSON Schema form
of `safe_relative`). Without lookarounds, so that jsonschema-rs checks it with a plain regular
expression engine: the 17,475 paths of a large record in 2.5 ms rather than 9.5 ms."""


def safe_relative(relative: str) -> bool:
    """Whether `relative` stays below the folder it is joined to, on every platform."""
    parts = relative.split("/")
    return (
        "\\" not in relative
        and "\x00" not in relative
        and all(part not in ("", ".", "..") for part in parts)
    )


def folder(root: Path, *, create: bool) -> Path | None:
    """`.manifold/` under `root`: None when it does not exist and `create` is false.

    Raises OutputProblem when something other than a real directory stands there: manifold
    neither follows it nor removes it, since it is not manifold's.
    """
    path = root / WORK_DIR
    if os.path.lexists(path):
        refuse_link(
            path,
            WORK_DIR,
            "manifold keeps its own state in a folder of that name and "
            "never follows or removes what it did not make: move it away and run again",
        )
        return path
    if not create:
        return None
    try:
        path.mkdir()
    except FileExistsError:  # made meanwhile by another run: look again
        return folder(root, create=create)
    except OSError as error:
        raise OutputProblem(
            f"cannot create {WORK_DIR}/ ({error.strerror}); manifold keeps its record of "
            "rendered/ there: make the checkout writable, or run `manifold check`, which "
            "writes nothing"
        ) from error
    return path


_OUTPUT_FOLDER = (
    "manifold writes its output in a plain folder of that name and never follows a link out "
    "of the repository: replace it with a folder"
)


def refuse_link(path: Path, shown: str, why: str = _OUTPUT_FOLDER) -> None:
    """Raise OutputProblem, saying `why`, when `path` is a link or something other than a
    folder: manifold reads and writes a folder there, and never follows one."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
        what = "a link" if stat.S_ISLNK(mode) else "not a folder"
        raise OutputProblem(f"{shown} is {what}; {why}")


def existing(root: Path) -> Path | None:
    """`.manifold/` under `root` when it is a real directory; None otherwise (never raises)."""
    path = root / WORK_DIR
    return path if child_is_folder(path) else None


def is_regular(path: Path) -> bool:
    """Whether `path` is a regular file (not a link, folder, FIFO or device)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def child_is_folder(path: Path) -> bool:
    """Whether `path` is a real directory (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


class StateSchema:
    """The JSON Schema of one kind of state file, compiled on first use."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._validator: Any = None

    def accepts(self, data: Any) -> bool:
        if self._validator is None:
            self._validator = jsonschema_rs.validator_for(dict(self.schema))
        try:
            return bool(self._validator.is_valid(data))
        except UnicodeError:  # a lone surrogate (a file name that is not UTF-8): not trusted
            return False


def safe_path_schema(prefix: str = "") -> dict[str, Any]:
    """A string that `safe_relative` accepts, starting with `prefix` (a folder and "/").

    The prefix is a lookahead so that the whole path, prefix included, is checked: joined
    after it, `(^|/)` would not see a `..` right behind the prefix (`dev/../x`)."""
    return {"type": "string", "pattern": f"^(?={re.escape(prefix)}){SAFE_PATH_PATTERN[1:]}"}


def read_state(path: Path, schema: StateSchema) -> Any | None:
    """The JSON document at `path` when it is a regular file that `schema` accepts; else None."""
    raw = read_state_bytes(path)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError, MemoryError):
        return None
    return data if schema.accepts(data) else None


FileKey = tuple[str, int, int, int, int, int]
"""A file by its path and stat: device, inode, size, and the times of its last change of
content (mtime) and of anything (ctime, which no program sets)."""


def file_key(path: Path) -> FileKey | None:
    """The file's key (`FileKey`), or None when there is nothing at `path` to stat."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_state_bytes(path: Path) -> bytes | None:
    """The bytes of the state file at `path` when it is a regular file of at most
    MAX_STATE_BYTES (a link or anything else is not followed); else None."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_STATE_BYTES:
            return None
        with open(path, "rb", opener=_no_follow) as handle:
            # Sized by the file: read(n) reserves n bytes before reading any.
            raw = handle.read(min(info.st_size, MAX_STATE_BYTES) + 1)
    except (OSError, MemoryError):
        return None
    return raw if len(raw) <= MAX_STATE_BYTES else None


def write_state(work: Path, name: str, data: Any) -> None:
    """Replace `work/name` by `data` as JSON, at once (`write_state_text`)."""
    write_state_text(work, name, json.dumps(data, separators=(",", ":"), sort_keys=True))


def write_state_text(work: Path, name: str, text: str) -> None:
    """Replace `work/name` by `text` at once: written to a new file beside it (never one that
    exists, so a planted link is not followed), then renamed over it."""
    temporary = work / f"{name}.{uuid.uuid4().hex}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW
    try:
        with open(
            temporary, "w", encoding="utf-8", opener=lambda p, _: os.open(p, flags, 0o644)
        ) as f:
            f.write(text)
        temporary.replace(work / name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def create_file(path: Path) -> None:
    """An empty regular file at `path`, replacing whatever manifold's folder held there."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(_new_file(str(path), 0))


def _new_file(path: str, flags: int) -> int:
    del flags  # always a new file, whatever mode open() asked for
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW, 0o644)


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | NO_FOLLOW)
