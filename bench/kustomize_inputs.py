"""The same objects as kustomize bases and overlays, written as a kustomize user would.

For each project, `base/<project>/` holds its objects as rendered in the first environment it
appears in; `overlays/<env>/<project>/` takes that base and turns it into the environment's
objects with one JSON 6902 patch per object that differs (namespace, labels, replicas, node
selectors...). `overlays/<env>/` gathers the projects' overlays, so `kustomize build
overlays/<env>` gives exactly the objects `manifold render` writes to rendered/<env>/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from bench.objects import KUSTOMIZATION, Environment, is_kustomization

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"
_SHARED = "_shared"


def write_kustomize(environments: dict[str, Environment], folder: Path) -> dict[str, Path]:
    """Bases and overlays under `folder`; returns the overlay to build for each environment."""
    projects = _by_project(environments)
    bases = {project: _base(per_environment) for project, per_environment in projects.items()}
    for project, base in bases.items():
        _write_kustomization(folder / "base" / project, base, [])
    overlays = {}
    for environment, files in environments.items():
        overlay = folder / "overlays" / environment
        resources = []
        for project, per_environment in projects.items():
            if environment not in per_environment:
                continue
            _write_overlay(overlay / project, bases[project], per_environment[environment])
            resources.append(project)
        shared = [
            path for path in files if path.startswith(f"{_SHARED}/") and not is_kustomization(path)
        ]
        for path in shared:
            _write_yaml(overlay / path, files[path].data)
        _write_yaml(
            overlay / KUSTOMIZATION,
            {
                "apiVersion": _KUSTOMIZE_API,
                "kind": "Kustomization",
                "resources": resources + shared,
            },
        )
        overlays[environment] = overlay
    return overlays


def _by_project(environments: dict[str, Environment]) -> dict[str, dict[str, dict[str, Any]]]:
    """{project: {environment: {key: object}}}; a project's Namespace is keyed by its kind,
    since its name changes with the environment, other objects by their file name."""
    projects: dict[str, dict[str, dict[str, Any]]] = {}
    for environment, files in environments.items():
        for path, file in files.items():
            project, _, name = path.partition("/")
            if not name or project == _SHARED or is_kustomization(path):
                continue
            key = "Namespace" if file.data["kind"] == "Namespace" else name
            projects.setdefault(project, {}).setdefault(environment, {})[key] = file.data
    return projects


def _base(per_environment: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The objects every environment of the project has, as in the first of them."""
    first, *others = per_environment.values()
    return {key: obj for key, obj in first.items() if all(key in other for other in others)}


def _write_overlay(folder: Path, base: dict[str, Any], objects: dict[str, Any]) -> None:
    patches = []
    for key, obj in objects.items():
        if key not in base:
            continue
        operations = json_patch(base[key], obj)
        if operations:
            patches.append({"target": _target(base[key]), "patch": json.dumps(operations)})
    extra = {key: obj for key, obj in objects.items() if key not in base}
    project = folder.name
    _write_kustomization(folder, extra, [f"../../../base/{project}"], patches)


def _write_kustomization(
    folder: Path,
    objects: dict[str, Any],
    resources: list[str],
    patches: list[dict[str, Any]] | None = None,
) -> None:
    files = []
    for key, obj in objects.items():
        name = key if key.endswith(".yaml") else f"{key.lower()}.yaml"
        _write_yaml(folder / name, obj)
        files.append(name)
    kustomization: dict[str, Any] = {
        "apiVersion": _KUSTOMIZE_API,
        "kind": "Kustomization",
        "resources": [*resources, *files],
    }
    if patches:
        kustomization["patches"] = patches
    _write_yaml(folder / KUSTOMIZATION, kustomization)


def _target(obj: dict[str, Any]) -> dict[str, str]:
    group, _, version = str(obj["apiVersion"]).rpartition("/")
    target = {"version": version, "kind": obj["kind"], "name": obj["metadata"]["name"]}
    if group:
        target["group"] = group
    return target


def _pointer(path: tuple[str, ...]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in path)


def json_patch(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """RFC 6902 operations that turn `before` into `after` (maps by key, lists as a whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        operations: list[dict[str, Any]] = [
            {"op": "remove", "path": _pointer((*path, key))} for key in before if key not in after
        ]
        for key, value in after.items():
            if key not in before:
                operations.append({"op": "add", "path": _pointer((*path, key)), "value": value})
            else:
                operations.extend(json_patch(before[key], value, (*path, key)))
        return operations
    if before == after and type(before) is type(after):
        return []
    return [{"op": "replace", "path": _pointer(path), "value": after}]


def _write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False)
    path.write_text(text, encoding="utf-8")


def expected_objects(files: Environment) -> list[dict[str, Any]]:
    """What `kustomize build` of an environment's overlay gives: its objects, no kustomization."""
    return [file.data for path, file in files.items() if not is_kustomization(path)]
