"""The same objects as a Kapitan project: a reclass inventory and one kadet component.

One target per environment. Each project is a class holding its objects as rendered in the
first environment it appears in (`manifold.projects.<project>`); a class per environment and
project (`manifold.<env>.<project>`) holds what differs there, in reclass's merge terms: maps
merge, scalars replace, and a `~`-prefixed key replaces what would otherwise merge (lists,
which reclass appends to, and maps that lose keys). The kadet component writes each object of
the target's inventory to its file (Kapitan adds `.yaml`), so `kapitan compile` writes
`compiled/<env>/` with the files (and objects) of rendered/<env>/.

Kapitan runs from its own virtual environment (`install`), never manifold's.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.objects import Environment

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_OVERRIDE = "~"
_COMPONENT = '''\
"""Writes every object of the target's inventory to its file."""

from kapitan.inputs.kadet import BaseObj, inventory


def main():
    output = BaseObj()
    for entry in inventory().parameters.manifold_objects.values():
        output.root[entry.path] = entry.body
    return output
'''


@dataclass(frozen=True)
class Installation:
    executable: Path | None
    reason: str = ""
    """Why Kapitan is not available, when it is not."""
    version: str = ""


def install(cache: Path) -> Installation:
    """Kapitan in its own virtual environment under `cache`, created on first use."""
    venv = cache / "kapitan-venv"
    executable = venv / "bin" / "kapitan"
    if not executable.exists():
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "kapitan"],
        ]
        for step in steps:
            result = subprocess.run(step, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
                return Installation(None, f"`{' '.join(step[-3:])}` failed: {last[0]}")
    result = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return Installation(None, f"kapitan --version failed: {result.stderr.strip()[-200:]}")
    return Installation(executable, version=result.stdout.strip())


def write_kapitan(environments: dict[str, Environment], folder: Path) -> None:
    """The inventory and component under `folder`, to be compiled from there."""
    projects = _by_project(environments)
    classes = folder / "inventory" / "classes" / "manifold"
    for project, per_environment in projects.items():
        first, *others = per_environment.values()
        base = {key: entry for key, entry in first.items() if all(key in o for o in others)}
        _write_yaml(classes / "projects" / f"{project}.yml", _parameters(base))
        for environment, entries in per_environment.items():
            delta = {}
            for key, entry in entries.items():
                change = reclass_delta(base[key], entry) if key in base else entry
                if change is None:
                    delta[_OVERRIDE + key] = entry
                elif change:
                    delta[key] = change
            _write_yaml(classes / environment / f"{project}.yml", _parameters(delta))
    for environment in environments:
        names = [name for name, present in projects.items() if environment in present]
        target = {
            "classes": [
                *(f"manifold.projects.{name}" for name in names),
                *(f"manifold.{environment}.{name}" for name in names),
                f"manifold.{environment}.environment",
            ],
            "parameters": {
                "kapitan": {
                    "vars": {"target": environment},
                    "compile": [
                        {
                            "output_path": ".",
                            "input_type": "kadet",
                            "input_paths": ["components/manifold"],
                            "output_type": "yaml",
                        }
                    ],
                }
            },
        }
        _write_yaml(folder / "inventory" / "targets" / f"{environment}.yml", target)
        shared = {
            _key(path): {"path": path.removesuffix(".yaml"), "body": file.data}
            for path, file in environments[environment].items()
            if "/" not in path or path.startswith("_shared/")
        }
        _write_yaml(classes / environment / "environment.yml", _parameters(shared))
    component = folder / "components" / "manifold" / "__init__.py"
    component.parent.mkdir(parents=True, exist_ok=True)
    component.write_text(_COMPONENT, encoding="utf-8")


def _by_project(environments: dict[str, Environment]) -> dict[str, dict[str, dict[str, Any]]]:
    """{project: {environment: {key: {path, body}}}}; a Namespace is keyed by its kind."""
    projects: dict[str, dict[str, dict[str, Any]]] = {}
    for environment, files in environments.items():
        for path, file in files.items():
            project, _, name = path.partition("/")
            if not name or project == "_shared":
                continue
            kind = file.data["kind"]
            key = _key(f"{project}/namespace" if kind == "Namespace" else path)
            entry = {"path": path.removesuffix(".yaml"), "body": file.data}
            projects.setdefault(project, {}).setdefault(environment, {})[key] = entry
    return projects


def _key(path: str) -> str:
    return path.removesuffix(".yaml").replace("/", "--").replace(".", "_")


def _parameters(objects: dict[str, Any]) -> dict[str, Any]:
    return {"parameters": {"manifold_objects": escaped(objects)}}


_REFERENCES = ("${", "$[")
"""How reclass's references and inventory queries start."""


def escaped(data: Any) -> Any:
    """`data` with every string that reclass would read as a reference (`${...}`, such as
    Substratus's `${{ secrets.NAME.KEY }}`) or a query (`$[...]`) escaped with a backslash,
    which reclass removes."""
    if isinstance(data, dict):
        return {key: escaped(value) for key, value in data.items()}
    if isinstance(data, list):
        return [escaped(item) for item in data]
    if isinstance(data, str) and "$" in data:
        for start in _REFERENCES:
            data = data.replace(start, "\\" + start)
    return data


def reclass_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any] | None:
    """What a class merged over `before` must say to give `after`; None when `after` drops
    a key of `before` (reclass cannot remove one: the caller replaces the whole map)."""
    if any(key not in after for key in before):
        return None
    delta: dict[str, Any] = {}
    for key, value in after.items():
        if key not in before:
            delta[key] = value
        elif before[key] == value and type(before[key]) is type(value):
            continue
        elif isinstance(value, dict) and isinstance(before[key], dict):
            inner = reclass_delta(before[key], value)
            if inner is None:
                delta[_OVERRIDE + key] = value
            else:
                delta[key] = inner
        elif isinstance(value, dict | list) or isinstance(before[key], dict | list):
            delta[_OVERRIDE + key] = value
        else:
            delta[key] = value
    return delta


def _write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False)
    path.write_text(text, encoding="utf-8")
