"""A synthetic manifold repository: N projects that look like a platform team's, the
environments they render in, and a platform file per target platform.

Projects take their platform in turn from PLATFORM_CYCLE: of every five, three are OME, one
Substratus and one Run:ai, so every N has the same mix and the first three projects already
cover the three platforms. Everything else about project i is drawn from a random generator
seeded with the seed and i, so project i is the same whatever N is, on every machine and
Python version: the repository for N=100 is the first hundred projects of the one for
N=1,000. The first project of each platform (in the first five) shows everything its
platform module generates (fine-tunes, benchmarks, notebooks), so that the tiny
repositories of the tests exercise all of it; the others draw what they have.

The platform files (bench/synthetic/<platform>.py) do not depend on N: they define every
shared runtime, training runtime and accelerator class the projects name, so manifold
checks each reference, and every generated repository renders without errors.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.synthetic import ome, ome_platform, runai, substratus
from bench.synthetic.catalog import DOMAINS, PURPOSES, TEAMS
from bench.synthetic.environments import API_VERSION, environment_document, environment_names

__all__ = [
    "GENERATED_PLATFORMS",
    "PLATFORM_CYCLE",
    "SEED",
    "Repository",
    "environment_document",
    "environment_names",
    "platform_documents",
    "project_document",
    "project_name",
    "project_platform",
    "write_project",
    "write_repository",
]

SEED = "manifold-bench-1"
PLATFORM_CYCLE = ("ome", "substratus", "runai", "ome", "ome")
"""The platforms of projects 0, 1, 2, ... in turn: 60% OME, 20% Substratus, 20% Run:ai."""
GENERATED_PLATFORMS = ("ome", "substratus", "runai")

_Spec = Callable[[random.Random, str, tuple[str, ...], bool], dict[str, Any]]
_SPECS: dict[str, _Spec] = {"ome": ome.spec, "substratus": substratus.spec, "runai": runai.spec}
_PLATFORM_FILES = {
    "ome": (ome_platform.PLATFORM_NAME, ome_platform.platform_spec),
    "substratus": (substratus.PLATFORM_NAME, substratus.platform_spec),
    "runai": (runai.PLATFORM_NAME, runai.platform_spec),
}


@dataclass(frozen=True)
class Repository:
    """What `write_repository` wrote: its folder and the names in it."""

    root: Path
    projects: tuple[str, ...]
    environments: tuple[str, ...]


def project_platform(index: int) -> str:
    return PLATFORM_CYCLE[index % len(PLATFORM_CYCLE)]


def project_name(index: int, seed: str = SEED) -> str:
    rng = random.Random(f"{seed}:name:{index}")
    return f"{rng.choice(DOMAINS)}-{rng.choice(PURPOSES)}-{index:04d}"


def project_document(
    index: int, environments: tuple[str, ...], revision: int = 0, seed: str = SEED
) -> dict[str, Any]:
    """Project `index` as the plain data of its file. A different `revision` changes one label
    (on every object the project renders), as a small pull request would."""
    rng = random.Random(f"{seed}:project:{index}")
    name = project_name(index, seed)
    platform = project_platform(index)
    labels = {"cost-center": f"cc-{rng.randrange(1000, 9999)}"}
    if rng.random() < 0.3:
        labels["data-classification"] = rng.choice(["internal", "confidential", "public"])
    if revision:
        labels["revision"] = f"r{revision}"
    showcase = index < len(PLATFORM_CYCLE)
    return {
        "apiVersion": API_VERSION,
        "kind": "Project",
        "metadata": {"name": name, "team": rng.choice(TEAMS), "labels": labels},
        "spec": {"platform": platform, **_SPECS[platform](rng, name, environments, showcase)},
    }


def platform_documents() -> list[dict[str, Any]]:
    """The platform file of each target platform, as plain data."""
    return [
        {
            "apiVersion": API_VERSION,
            "kind": "Platform",
            "metadata": {"name": name, "team": "ml-platform"},
            "spec": spec(),
        }
        for name, spec in _PLATFORM_FILES.values()
    ]


# --------------------------------------------------------------------------- files


def to_yaml(data: Any, schema: str | None = None) -> str:
    header = f"# yaml-language-server: $schema=../schemas/manifold.dev/{schema}\n" if schema else ""
    return header + yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=100)


def write_project(
    root: Path, index: int, environments: tuple[str, ...], revision: int, seed: str = SEED
) -> Path:
    """The project's file, saved as most editors save: a new file renamed over the old one.
    A process watching the repository then sees the old text or the new, never a file cut
    short: written in place, a look between the truncation and the write sees a change the
    render's own look may miss, and the watcher renders once more ("up to date"), which
    bench/watching.py would time as the next change."""
    document = project_document(index, environments, revision, seed)
    path = root / "projects" / f"{document['metadata']['name']}.yaml"
    saving = path.with_name(f".{path.name}.saving")  # not a .yaml file: never read as one
    saving.write_text(to_yaml(document, "project_v1alpha1.json"), encoding="utf-8")
    saving.replace(path)
    return path


def write_repository(
    root: Path, projects: int, environments: int, seed: str = SEED, files: str | None = None
) -> Repository:
    """A manifold repository in `root` (created; must not hold projects/, environments/ or
    platform/); `files` is every environment's `spec.files` (the file layout), if given."""
    names = environment_names(environments)
    for folder in ("projects", "environments", "platform"):
        (root / folder).mkdir(parents=True)
    for name in names:
        document = environment_document(name)
        if files is not None:
            document["spec"]["files"] = files
        text = to_yaml(document, "environment_v1alpha1.json")
        (root / "environments" / f"{name}.yaml").write_text(text, encoding="utf-8")
    for document in platform_documents():
        text = to_yaml(document, "platform_v1alpha1.json")
        (root / "platform" / f"{document['metadata']['name']}.yaml").write_text(text, "utf-8")
    written = [write_project(root, index, names, 0, seed).stem for index in range(projects)]
    return Repository(root, tuple(written), names)
