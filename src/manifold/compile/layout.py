"""Stage 9: rendered objects -> the files of rendered/<env>/, as text.

`<env>/<project>/<kind>-<name>.yaml`, one object per file, and `<env>/kustomization.yaml`
listing exactly those files. Objects that belong to no single project (a namespace several
projects share) go under `<env>/_shared/`, a name no project can have.

API requests (a `Manifest.form`) are not Kubernetes objects: Flux and Argo CD must not apply
them. They are written as canonical JSON to `<env>/_<platform>/<project>/<prefix>-<name>.json`,
which kustomization.yaml does not list, and `<env>/_<platform>/index.yaml` lists them. JSON
has no comments to carry manifold's header, so the index (which has the header) is what
makes those files manifold's (`header.split_ownership`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from manifold.core import yaml as yamlio
from manifold.core.manifest import Manifest
from manifold.output.header import REQUEST_INDEX, header
from manifold.reuse.treestate import KeptFile

SHARED_DIR = "_shared"
KUSTOMIZATION = "kustomization.yaml"


def requests_dir(environment: str, platform: str) -> str:
    """Where an environment's requests to a platform's API are written."""
    return f"{environment}/_{platform}"


def manifest_path(environment: str, manifest: Manifest) -> str:
    if manifest.form is not None:
        folder = requests_dir(environment, manifest.form.platform)
        return f"{folder}/{manifest.project}/{manifest.form.file_prefix}-{manifest.name}.json"
    folder = manifest.project or SHARED_DIR
    return f"{environment}/{folder}/{manifest.kind.lower()}-{manifest.name}.yaml"


def canonical_json(body: Any) -> str:
    """One text per value: sorted keys, two-space indents, UTF-8, a final newline."""
    text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False)
    return yamlio.visible(text, json_style=True) + "\n"


def collisions(environment: str, manifests: list[Manifest]) -> list[tuple[Manifest, Manifest]]:
    """Pairs of objects Kubernetes would take for one (same identity) or that would share a file."""
    owners: dict[str, Manifest] = {}
    identities: dict[tuple[str, str, str, str], Manifest] = {}
    pairs = []
    for manifest in manifests:
        path = manifest_path(environment, manifest)
        other = identities.get(manifest.identity) or owners.get(path)
        if other is not None:
            pairs.append((manifest, other))
            continue
        identities[manifest.identity] = manifest
        owners[path] = manifest
    return pairs


@dataclass(frozen=True, slots=True)
class PlacedFile:
    """One object's file: where it goes and what it holds, and what the environment's
    kustomization.yaml (or request index) needs to know about it."""

    path: str
    text: str | KeptFile
    sources: tuple[str, ...]
    owned_by_project: bool
    request_platform: str | None = None
    """The platform whose API request this is (listed in an index, not a kustomization)."""


def place(environment: str, manifest: Manifest) -> PlacedFile:
    path = manifest_path(environment, manifest)
    owned = manifest.project is not None
    if manifest.form is None:
        text = header(manifest.sources) + yamlio.emit(manifest.body)
        return PlacedFile(path, text, manifest.sources, owned)
    text = canonical_json(manifest.body)
    return PlacedFile(path, text, manifest.sources, owned, manifest.form.platform)


def layout(
    environment: str, manifests: list[Manifest], environment_sources: tuple[str, ...]
) -> dict[str, str]:
    """The files of one environment; `manifests` must be free of collisions."""
    placed = [place(environment, manifest) for manifest in manifests]
    files = assemble(environment, placed, environment_sources)
    return {path: text for path, text in files.items() if isinstance(text, str)}


def assemble(
    environment: str, placed: list[PlacedFile], environment_sources: tuple[str, ...]
) -> dict[str, str | KeptFile]:
    """The objects' files with the environment's kustomization.yaml and request indexes."""
    files: dict[str, str | KeptFile] = {}
    requests: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for item in placed:
        files[item.path] = item.text
        if item.request_platform is not None:
            folder = requests_dir(environment, item.request_platform)
            requests[item.request_platform][item.path.removeprefix(f"{folder}/")] = list(
                item.sources
            )
    resources = sorted(
        path.removeprefix(f"{environment}/") for path in files if path.endswith(".yaml")
    )
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    }
    # The header names the environment's files only: a list of every project there would be
    # one line that every pull request adding a project edits, so two such pull requests
    # would always conflict in git. Each object's own file names its project.
    files[f"{environment}/{KUSTOMIZATION}"] = header(environment_sources) + yamlio.emit(
        kustomization
    )
    for platform, listed in requests.items():
        index = f"{requests_dir(environment, platform)}/{REQUEST_INDEX}"
        files[index] = _request_index(environment, platform, listed, environment_sources)
    return dict(sorted(files.items()))


def _request_index(
    environment: str,
    platform: str,
    listed: dict[str, list[str]],
    environment_sources: tuple[str, ...],
) -> str:
    note = (
        f"# Requests to the {platform} API, sent by `manifold {platform} apply --env "
        f"{environment}`.\n# No kustomization lists them: Flux and Argo CD never apply them. "
        "manifold owns the files listed here.\n"
    )
    body = {"files": dict(sorted(listed.items()))}
    return header(environment_sources) + note + yamlio.emit(body)
