"""`manifold diff` for people (text, coloured on a terminal), pull requests (markdown) and
programs (json). Every value shown has been through `manifold.core.masking`."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from manifold.core import yaml as yamlio
from manifold.core.masking import MISSING
from manifold.diff.semantic import ResourceChange, format_field_path
from manifold.output.writer import RENDERED_DIR

COMMENT_MARKER = "<!-- manifold diff -->"
"""First line of the markdown form: how the pull-request workflow finds its own comment."""

COMMENT_LIMIT = 60_000
"""Characters the markdown form stays under: GitHub refuses comments over 65,536."""

_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
_ORDER = ("added", "changed", "removed")


@dataclass(frozen=True)
class DiffReport:
    base: str
    """What the inputs' rendering is compared with: a git revision, or rendered/ on disk."""
    changes: list[ResourceChange]

    def counts(self) -> str:
        found: Counter[str] = Counter(change.change for change in self.changes)
        return ", ".join(f"{found[kind]} {kind}" for kind in _ORDER)

    def summary(self) -> str:
        if not self.changes:
            return f"no differences from {self.base}"
        count = len(self.changes)
        differ = "resource differs" if count == 1 else "resources differ"
        return f"{count} {differ} from {self.base}: {self.counts()}"

    def folders(self) -> dict[str, list[ResourceChange]]:
        grouped: dict[str, list[ResourceChange]] = {}
        for change in self.changes:
            grouped.setdefault(change.resource.folder, []).append(change)
        return grouped


def _title(change: ResourceChange) -> str:
    resource = change.resource
    where = f"{resource.namespace}/{resource.name}" if resource.namespace else resource.name
    return f"{resource.kind} {where}"


def _folder_counts(changes: list[ResourceChange]) -> str:
    found: Counter[str] = Counter(change.change for change in changes)
    return ", ".join(f"{found[kind]} {kind}" for kind in _ORDER if found[kind])


# --------------------------------------------------------------------------- text

_RESET = "\x1b[0m"
_STYLES = {"+": "\x1b[32m", "-": "\x1b[31m", "~": "\x1b[33m", "header": "\x1b[1m"}


def text(report: DiffReport, *, color: bool = False) -> str:
    """Per folder, each object's change; for a changed one, the diff of its changed fields."""

    def styled(style: str, line: str) -> str:
        return f"{_STYLES[style]}{line}{_RESET}" if color and style in _STYLES else line

    lines: list[str] = []
    for folder, changes in report.folders().items():
        if lines:
            lines.append("")
        lines.append(styled("header", f"{RENDERED_DIR}/{folder}/: {_folder_counts(changes)}"))
        for change in changes:
            sign = _SIGNS[change.change]
            lines.append(
                styled(sign, f"  {sign} {_visible(_title(change))}")
                + f"  ({RENDERED_DIR}/{_visible(change.resource.file)})"
            )
            if change.change == "changed":
                lines.extend(
                    styled(line[:1], f"    {_visible(line)}") for line in change.diff_lines()
                )
    return "\n".join(lines) + "\n" if lines else ""


def _visible(text: str) -> str:
    """A base branch rendered by an older manifold, or a key, may hold a bidirectional
    override that would make the diff read otherwise than it is."""
    return yamlio.visible(text)


# --------------------------------------------------------------------------- markdown


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(value: str) -> str:
    """Inline code that survives backticks in `value`."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{padding}{value}{padding}{fence}"


def _fenced(language: str, body: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{body}\n{fence}"


def _table(changes: list[ResourceChange]) -> list[str]:
    rows = ["| | Kind | Namespace | Name | Changed fields |", "|:-:|---|---|---|---|"]
    for change in changes:
        resource = change.resource
        if change.change == "changed":
            fields = ", ".join(_code(format_field_path(f)) for f in change.fields)
        else:
            fields = change.change
        rows.append(
            f"| {_SIGNS[change.change]} | {_cell(resource.kind)} | "
            f"{_cell(resource.namespace) or '—'} | {_cell(resource.name)} | {_cell(fields)} |"
        )
    return rows


def _details(change: ResourceChange) -> str:
    summary = html.escape(f"{_SIGNS[change.change]} {_title(change)}")
    file = _code(f"{RENDERED_DIR}/{change.resource.file}")
    body = _fenced("diff", "\n".join(change.diff_lines()))
    return f"<details><summary>{summary}</summary>\n\n{file}\n\n{body}\n\n</details>"


def markdown(report: DiffReport, *, limit: int = COMMENT_LIMIT) -> str:
    """A pull-request comment: per folder a summary table, then each object's diff folded.

    Tables come first in the budget: when the whole would pass `limit` characters, the
    details that do not fit are left out (and the comment says how many).
    """
    head = [COMMENT_MARKER, f"### manifold diff against {_code(report.base)}", ""]
    if not report.changes:
        head.append("No rendered object changes.")
        return "\n".join(head) + "\n"
    objects = "object" if len(report.changes) == 1 else "objects"
    head.append(f"{len(report.changes)} {objects}: {report.counts()}.")
    sections = [
        (f"#### {_code(f'{RENDERED_DIR}/{folder}/')}: {_folder_counts(changes)}", changes)
        for folder, changes in report.folders().items()
    ]
    budget = limit - sum(len(line) + 1 for line in head) - 200
    tables = {title: "\n".join(_table(changes)) for title, changes in sections}
    budget -= sum(len(title) + len(table) + 4 for title, table in tables.items())
    parts = ["\n".join(head)]
    left_out = 0
    for title, changes in sections:
        parts.extend((title, tables[title]))
        for change in changes:
            details = _details(change)
            if len(details) + 2 <= budget:
                parts.append(details)
                budget -= len(details) + 2
            else:
                left_out += 1
    if left_out:
        parts.append(
            f"*The diffs of {left_out} objects are left out to keep this comment short enough "
            "for GitHub; run `manifold diff` to see them.*"
        )
    return _visible("\n\n".join(parts) + "\n")


# --------------------------------------------------------------------------- json


def _json_value(value: Any) -> Any:
    return None if value is MISSING else value


def as_json(report: DiffReport) -> str:
    found: Counter[str] = Counter(change.change for change in report.changes)
    resources = []
    for change in report.changes:
        resource = change.resource
        entry: dict[str, Any] = {
            "change": change.change,
            "folder": resource.folder,
            "file": f"{RENDERED_DIR}/{resource.file}",
            "apiVersion": resource.api_version,
            "kind": resource.kind,
            "namespace": resource.namespace or None,
            "name": resource.name,
        }
        if change.change == "changed":
            entry["fields"] = [
                {
                    "path": format_field_path(path),
                    "before": _json_value(before),
                    "after": _json_value(after),
                }
                for path, before, after in change.field_values()
            ]
        else:
            before, after = change.masked()
            entry["object"] = _json_value(after if change.change == "added" else before)
        entry["diff"] = "\n".join(change.diff_lines()) + "\n"
        resources.append(entry)
    payload = {
        "base": report.base,
        "summary": {kind: found[kind] for kind in _ORDER},
        "resources": resources,
    }
    return yamlio.visible(json.dumps(payload, indent=2, ensure_ascii=False), json_style=True)
