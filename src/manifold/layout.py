"""Stage 9: rendered objects -> the files of rendered/<env>/, as text.

`<env>/<project>/<kind>-<name>.yaml`, one object per file, and `<env>/kustomization.yaml`
listing exactly those files. Objects that belong to no single project (a namespace several
projects share) go under `<env>/_shared/`, a name no project can have.
"""

from __future__ import annotations

from manifold import yamlio
from manifold.header import header
from manifold.targets.base import Manifest

SHARED_DIR = "_shared"
KUSTOMIZATION = "kustomization.yaml"


def manifest_path(environment: str, manifest: Manifest) -> str:
    folder = manifest.project or SHARED_DIR
    return f"{environment}/{folder}/{manifest.kind.lower()}-{manifest.name}.yaml"


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


def layout(
    environment: str, manifests: list[Manifest], environment_sources: tuple[str, ...]
) -> dict[str, str]:
    """The files of one environment; `manifests` must be free of collisions."""
    files: dict[str, str] = {}
    for manifest in manifests:
        path = manifest_path(environment, manifest)
        files[path] = header(manifest.sources) + yamlio.emit(manifest.body)
    resources = sorted(path.removeprefix(f"{environment}/") for path in files)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    }
    projects = sorted({m.sources[0] for m in manifests if m.project is not None and m.sources})
    files[f"{environment}/{KUSTOMIZATION}"] = header(
        [*projects, *environment_sources]
    ) + yamlio.emit(kustomization)
    return dict(sorted(files.items()))
