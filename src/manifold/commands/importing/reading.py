"""The objects of the files and folders given to `manifold import`, each with where it
starts, so that a refusal can point at the object (and the field) it is about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Diagnostic, Position
from manifold.core.errors import ProblemsFound, UsageProblem
from manifold.core.jsonpath import JsonPath

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Found:
    """One object: its file as the user named it, its body, and its parsed node, which knows
    the line and column of each of its fields."""

    file: str
    body: dict[str, Any]
    node: Any

    def locate(self, path: JsonPath) -> Position:
        node, position = self.node, _start(self.node) or Position(1, 1)
        for step in path:
            lc = getattr(node, "lc", None)
            if isinstance(node, dict) and step in node:
                where = lc.value(step) if lc is not None else None
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                where = lc.item(step) if lc is not None else None
            else:
                break
            node = node[step]
            if where is not None:
                position = Position(where[0] + 1, where[1] + 1)
        return position

    def diagnostic(self, path: JsonPath, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(message, self.file, self.locate(path), path, hint=hint)


def _start(node: Any) -> Position | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return Position(lc.line + 1, lc.col + 1)


def files(root: Path, paths: tuple[Path, ...]) -> list[Path]:
    """The YAML files named, and those under the folders named, each folder in name order
    (relative to `root` unless absolute); a file that overlapping paths name more than once
    (a folder and a file in it) only where it is first named, so that it is read once."""
    found: dict[Path, Path] = {}
    for given in paths:
        path = root / given
        if path.is_dir():
            named = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            named = [path]
        else:
            raise UsageProblem(f"{given} does not exist; give OME YAML files or folders")
        for file in named:
            found.setdefault(file.resolve(), file)
    return list(found.values())


def _nodes(text: str) -> list[Any]:
    try:
        return list(YAML(typ="rt", pure=True).load_all(text))
    except (YAMLError, RecursionError):
        return []


def _shown(root: Path, path: Path) -> str:
    """The file as diagnostics name it: relative to the repository when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read(root: Path, paths: tuple[Path, ...]) -> list[Found]:
    """Every non-empty document of the files, in order; a file that is not YAML is an error."""
    objects: list[Found] = []
    problems: list[Diagnostic] = []
    for path in files(root, paths):
        shown = _shown(root, path)
        try:
            text = path.read_text(encoding="utf-8")
            documents = yamlio.load_all(text)
        except UnicodeDecodeError:
            problems.append(Diagnostic("not UTF-8 text; save the file as UTF-8", shown))
            continue
        except yamlio.YamlError as error:
            problems.append(Diagnostic(error.message, shown, error.position, hint=error.hint))
            continue
        nodes = _nodes(text)
        nodes = nodes if len(nodes) == len(documents) else [None] * len(documents)
        for document, node in zip(documents, nodes, strict=True):
            if document is None:
                continue
            if not isinstance(document, dict):
                where = _start(node)
                problems.append(Diagnostic("a document that is not a mapping", shown, where))
                continue
            objects.append(Found(shown, document, node))
    if problems:
        raise ProblemsFound("some files could not be read; nothing was written", problems)
    return objects
