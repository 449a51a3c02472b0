"""Problems found in the inputs or the outputs, collected and reported together.

Every stage reports problems as `Diagnostic` values instead of raising on the first one, so a
user sees everything that is wrong with a pull request in one run. A stage that cannot go on
raises `ProblemsFound` (`manifold.core.errors`) carrying all it found.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from manifold.core import secrets
from manifold.core.jsonpath import JsonPath, format_json_path


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in a text file; line and column count from 1, as editors show them."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    message: str
    file: str | None = None
    position: Position | None = None
    path: JsonPath = ()
    severity: Severity = Severity.ERROR
    hint: str | None = None
    environment: str | None = None
    """The environment the problem holds in, when it does not hold in every one rendered."""

    def __post_init__(self) -> None:
        # Every channel (text, JSON, .manifold/, diff) prints diagnostics: cap here, once, what
        # any of them can quote of the input (a 100,000-character key, a runaway value).
        object.__setattr__(self, "message", capped(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", capped(self.hint))
        if any(isinstance(step, str) and len(step) > LONGEST_WORD for step in self.path):
            object.__setattr__(self, "path", tuple(_capped_step(step) for step in self.path))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def json_path(self) -> str:
        return format_json_path(self.path)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        line, column = (self.position.line, self.position.column) if self.position else (0, 0)
        return (self.file or "", line, column, self.json_path, self.message, self.environment or "")

    def to_record(self) -> dict[str, Any]:
        """As plain data, for what manifold keeps in .manifold/ (read back by from_record)."""
        position = self.position
        return {
            "message": self.message,
            "file": self.file,
            "position": [position.line, position.column] if position else None,
            "path": list(self.path),
            "severity": str(self.severity),
            "hint": self.hint,
            "environment": self.environment,
        }

    @classmethod
    def from_record(cls, item: dict[str, Any]) -> Diagnostic:
        position = item["position"]
        return cls(
            item["message"],
            file=item["file"],
            position=Position(*position) if position else None,
            path=tuple(item["path"]),
            severity=Severity(item["severity"]),
            hint=item["hint"],
            environment=item.get("environment"),
        )


DIAGNOSTIC_RECORD: dict[str, Any] = {
    "type": "object",
    "required": ["message", "file", "position", "path", "severity", "hint"],
    "additionalProperties": False,
    "properties": {
        "message": {"type": "string"},
        "file": {"type": ["string", "null"]},
        "position": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        },
        "path": {"type": "array", "items": {"type": ["string", "integer"]}},
        "severity": {"enum": ["error", "warning"]},
        "hint": {"type": ["string", "null"]},
        "environment": {"type": ["string", "null"]},
    },
}
"""`Diagnostic.to_record`'s form, as a JSON Schema: records read back from .manifold/ are
checked against it before `from_record` trusts a field. Change both together."""


def by_environment(found: Sequence[tuple[str, Sequence[Diagnostic]]]) -> list[Diagnostic]:
    """The diagnostics of several environments (name, what rendering it found), in that
    order. One that only some environments found is reported for each of them, naming it,
    when the others are witnesses that it does not hold there: they found no error in its
    file (an error can stop the checks that would have found it), or it is in an environment's
    own override. Any other is reported once, as it is."""
    holds_in: dict[Diagnostic, list[str]] = {}
    files_with_errors: dict[str, set[str | None]] = {}
    for name, diagnostics in found:
        files_with_errors[name] = {d.file for d in diagnostics if d.is_error}
        for diagnostic in diagnostics:
            names = holds_in.setdefault(diagnostic, [])
            if name not in names:
                names.append(name)
    merged: list[Diagnostic] = []
    for diagnostic, names in holds_in.items():
        others = [name for name, _ in found if name not in names]
        witnessed = _overrides(diagnostic) or all(
            diagnostic.file not in files_with_errors[name] for name in others
        )
        if not others or not witnessed or diagnostic.environment is not None:
            merged.append(diagnostic)
        else:
            merged.extend(_in_environment(diagnostic, name) for name in names)
    return merged


OVERRIDABLE_FOLDERS = ("projects/", "platform/")
"""Folders of the files whose `spec.environments.<env>` changes one environment only."""


def _overrides(diagnostic: Diagnostic) -> bool:
    return diagnostic.path[:2] == ("spec", "environments")


def _in_environment(diagnostic: Diagnostic, name: str) -> Diagnostic:
    """The diagnostic naming the environment; where the file could change that environment
    alone and the problem is not already there, the hint says where."""
    hint = diagnostic.hint
    file = diagnostic.file or ""
    if hint is None and not _overrides(diagnostic) and file.startswith(OVERRIDABLE_FOLDERS):
        hint = (
            f"this holds in environment {name!r} only; what applies there alone goes "
            f"under spec.environments.{name} of {file}"
        )
    return replace(diagnostic, environment=name, hint=hint)


SHOWN_LENGTH = 80
"""Longest rendering of a value inside a message: values can be megabytes long."""
LONGEST_WORD = 200
"""Longest run of non-blank characters a message keeps (a key, a path, a name)."""
LONGEST_MESSAGE = 4000
_LONG_WORD = re.compile(r"\S{" + str(LONGEST_WORD + 1) + ",}")


def capped(text: str) -> str:
    """`text` with every over-long word cut, and at most LONGEST_MESSAGE characters."""
    if len(text) > LONGEST_WORD:
        text = _LONG_WORD.sub(lambda m: m.group()[: LONGEST_WORD - 3] + "...", text)
    if len(text) > LONGEST_MESSAGE:
        text = text[: LONGEST_MESSAGE - 3] + "..."
    return text


def _capped_step(step: str | int) -> str | int:
    return (
        step[: LONGEST_WORD - 3] + "..."
        if isinstance(step, str) and len(step) > LONGEST_WORD
        else step
    )


def shown(value: Any) -> str:
    """A value as a message quotes it: short, and never more than a type for containers."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str) and (secrets.find(value) or secrets.looks_random(value)):
        return repr(secrets.MASK)
    text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 4] + "...'"


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem at a path inside some data, before it is tied to a file and a position."""

    path: JsonPath
    message: str
    at_key: bool = False
    """Point at the key of the last path step rather than at its value (unknown fields)."""
    hint: str | None = None
    severity: Severity = Severity.ERROR


class Locatable(Protocol):
    """A file whose data a problem's path points into (`inputs.sources.Document`)."""

    @property
    def path(self) -> str: ...

    def locate(self, path: JsonPath, *, key: bool = False) -> Position: ...


def problem_diagnostic(document: Locatable, problem: Problem) -> Diagnostic:
    """The problem tied to the file it was found in, at the line and column of its path."""
    return Diagnostic(
        problem.message,
        file=document.path,
        position=document.locate(problem.path, key=problem.at_key),
        path=problem.path,
        severity=problem.severity,
        hint=problem.hint,
    )


@dataclass
class Diagnostics:
    """An ordered, de-duplicated collection; the same problem reached twice is reported once."""

    _items: dict[Diagnostic, None] = field(default_factory=dict)

    def add(self, diagnostic: Diagnostic) -> None:
        self._items.setdefault(diagnostic, None)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self._items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self._items, key=Diagnostic.sort_key)
