"""The objects of a rendered tree as plain data, and comparing trees and object sets.

The peers are given the objects manifold rendered (so every tool works on the same objects)
and what they produce is read back here and compared with manifold's output as data, since
each tool formats YAML its own way.

What they are given is what Flux and Argo CD apply (`applied`): each folder's
kustomization.yaml and the files it lists (an environment's folder has none of its own).
Run:ai's requests (rendered/<env>/_runai/) are JSON bodies for Run:ai's REST API, not
Kubernetes objects: no kustomization lists them, and kustomize could not build them. So that
every peer does the same work, none gets them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KUSTOMIZATION = "kustomization.yaml"
RUNAI_FOLDER = "_runai/"
"""Where an environment's Run:ai requests are, with their index.yaml."""
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RenderedFile:
    header: str
    """The comment lines manifold puts before the object."""
    data: dict[str, Any]


Environment = dict[str, RenderedFile]
"""The files of one rendered environment by path inside it (`<project>/<kind>-<name>.yaml`)."""


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def load_all_yaml(text: str) -> list[Any]:
    return [document for document in yaml.load_all(text, Loader=_Loader) if document is not None]


def read_tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, for byte-for-byte comparisons."""
    files: dict[str, bytes] = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def read_rendered_objects(rendered: Path) -> dict[str, list[dict[str, Any]]]:
    """Every environment's objects, whatever the file layout (JSON requests included, each
    under its file's path, since they have no Kubernetes identity)."""
    objects: dict[str, list[dict[str, Any]]] = {}
    for relative, data in sorted(read_tree_bytes(rendered).items()):
        if is_kustomization(relative) or relative.endswith("/index.yaml"):
            continue
        environment = relative.partition("/")[0]
        for document in load_all_yaml(data.decode("utf-8")):
            if relative.endswith(".json"):
                document = {"kind": "request", "metadata": {"name": relative}, "body": document}
            objects.setdefault(environment, []).append(document)
    return objects


def read_rendered(rendered: Path) -> dict[str, Environment]:
    """rendered/ as {environment: {path: file}}; kustomization.yaml included."""
    environments: dict[str, Environment] = {}
    for relative, data in sorted(read_tree_bytes(rendered).items()):
        environment, _, path = relative.partition("/")
        text = data.decode("utf-8")
        header_end = 0
        while text.startswith("#", header_end):
            header_end = text.index("\n", header_end) + 1
        body = text[header_end:]
        environments.setdefault(environment, {})[path] = RenderedFile(
            text[:header_end], load_yaml(body)
        )
    return environments


def is_kustomization(path: str) -> bool:
    return path.rpartition("/")[2] == KUSTOMIZATION


def applied(rendered: dict[str, Environment]) -> dict[str, Environment]:
    """What Flux and Argo CD apply of each environment: each folder's kustomization.yaml and
    the files it lists. Every other file must be one of Run:ai's (anything else would be left
    out of the comparisons without a word, so it is an error)."""
    result: dict[str, Environment] = {}
    for environment, files in rendered.items():
        kept: Environment = {}
        for path, file in files.items():
            if not is_kustomization(path) or path.startswith(RUNAI_FOLDER):
                continue
            folder = path.rpartition("/")[0]
            prefix = f"{folder}/" if folder else ""
            listed = [f"{prefix}{name}" for name in file.data.get("resources") or []]
            kept.update({path: file, **{name: files[name] for name in listed}})
        kept = dict(sorted(kept.items()))
        stray = sorted(
            path for path in files.keys() - kept.keys() if not path.startswith(RUNAI_FOLDER)
        )
        if stray:
            raise ValueError(
                f"rendered/{environment}/{stray[0]} is neither listed by its kustomization.yaml "
                "nor a Run:ai request"
            )
        result[environment] = kept
    return result


@dataclass(frozen=True)
class Counts:
    """What a rendered tree holds."""

    kubernetes_objects: int
    """What the kustomizations list (and Flux and Argo CD apply)."""
    runai_requests: int
    files: int
    """Both, each folder's kustomization.yaml and Run:ai's index."""

    @property
    def objects(self) -> int:
        return self.kubernetes_objects + self.runai_requests


def count(rendered: dict[str, Environment]) -> Counts:
    kubernetes = sum(
        not is_kustomization(path) for files in applied(rendered).values() for path in files
    )
    requests = sum(
        path.startswith(RUNAI_FOLDER) and path.endswith(".json")
        for files in rendered.values()
        for path in files
    )
    return Counts(kubernetes, requests, sum(len(files) for files in rendered.values()))


def identity(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    metadata = obj.get("metadata") or {}
    return (
        str(obj.get("apiVersion", "")),
        str(obj.get("kind", "")),
        str(metadata.get("namespace", "")),
        str(metadata.get("name", "")),
    )


def compare_objects(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> str | None:
    """None when both hold the same objects (in any order), else the first difference."""
    wanted = {identity(obj): obj for obj in expected}
    got = {identity(obj): obj for obj in actual}
    if len(got) != len(actual):
        return f"{len(actual) - len(got)} objects appear more than once"
    for key in sorted(wanted.keys() - got.keys())[:1]:
        return f"missing {'/'.join(key)} ({len(wanted.keys() - got.keys())} in all)"
    for key in sorted(got.keys() - wanted.keys())[:1]:
        return f"unexpected {'/'.join(key)} ({len(got.keys() - wanted.keys())} in all)"
    for key in sorted(wanted):
        if wanted[key] != got[key]:
            return f"{'/'.join(key)} differs: {_first_difference(wanted[key], got[key])}"
    return None


def _first_difference(expected: Any, actual: Any, path: str = "") -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys(), key=str):
            if expected.get(key) != actual.get(key):
                return _first_difference(expected.get(key), actual.get(key), f"{path}.{key}")
    return f"{path or '.'}: expected {expected!r}, got {actual!r}"


def compare_trees(expected: dict[str, Environment], folder: Path) -> str | None:
    """None when `folder` holds the same files with the same objects (headers aside)."""
    actual = read_rendered(folder) if folder.is_dir() else {}
    for environment, files in expected.items():
        got = actual.get(environment, {})
        missing = sorted(files.keys() - got.keys())
        if missing:
            return f"{environment}/{missing[0]} is missing ({len(missing)} files in all)"
        extra = sorted(got.keys() - files.keys())
        if extra:
            return f"{environment}/{extra[0]} is unexpected ({len(extra)} files in all)"
        for path, file in files.items():
            if got[path].data != file.data:
                where = f"{environment}/{path}"
                return f"{where} differs: {_first_difference(file.data, got[path].data)}"
    unexpected = sorted(actual.keys() - expected.keys())
    return f"unexpected folder {unexpected[0]}" if unexpected else None
