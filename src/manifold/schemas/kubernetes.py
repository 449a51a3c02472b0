"""The Kubernetes versions manifold has built-in schemas for (kubernetes-validate's folder).

Environment files are checked against this list while they are read, long before any schema
validates anything, so it sits apart from the schema store and imports nothing of manifold."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path


@functools.cache
def bundled_schemas_folder() -> Path:
    """kubernetes-validate's schema folder, found without importing the package (its import
    pulls in jsonschema, referencing and PyYAML's loaders: a tenth of a second)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("kubernetes-validate is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@functools.cache
def supported_kubernetes_versions() -> list[str]:
    folder = bundled_schemas_folder()
    versions = {
        entry.name.removeprefix("v").split("-")[0].rsplit(".", 1)[0]
        for entry in folder.iterdir()
        if entry.name.endswith("-local-strict")
    }
    return sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".")))
