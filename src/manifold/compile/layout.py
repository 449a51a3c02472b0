"""Rendered objects -> the files of rendered/<env>/, as text.

`<env>/<project>/<kind>-<name>.yaml`, one object per file, and `<env>/<project>/kustomization.yaml`
listing exactly those files; `<env>/` itself has no kustomization.yaml (see `_kustomizations`
for why and how Flux and Argo CD build it). Objects that belong to no single project (a
namespace several projects share) go under `<env>/_shared/`, a name no project can have.

API requests (a `Manifest.form`) are not Kubernetes objects: Flux and Argo CD must not apply
them. They are written as canonical JSON to `<env>/_<platform>/<project>/<prefix>-<name>.json`,
which no kustomization lists, and `<env>/_<platform>/<project>/index.yaml` lists them. JSON
has no comments to carry manifold's header, so the index (which has the header) is what
makes those files manifold's (`header.split_ownership`). There is one index per project, not
one per environment: a list of every project's requests is a list in which two pull requests
adding projects whose names sort side by side edit neighbouring lines, and git cannot merge
them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from manifold.core import jsontext
from manifold.core import yaml as yamlio
from manifold.core.kept import KeptFile
from manifold.core.manifest import Manifest
from manifold.core.memo import Memo, Shelf
from manifold.output.header import REQUEST_INDEX, header

SHARED_DIR = "_shared"
KUSTOMIZATION = "kustomization.yaml"
PROJECT_FILE = "manifest.yaml"
"""The one file of a folder in the `perProject` layout (the name Argo CD's hydrator uses)."""


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
    text = jsontext.indented(body, sort_keys=True)
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
    documents: tuple[tuple[str, str], ...] = ()
    """For a file of several objects, fresh from `place_together`: each object's text (without
    header) by the name its own file would have, so files of one folder can be joined."""


def place(environment: str, manifest: Manifest) -> PlacedFile:
    path = manifest_path(environment, manifest)
    owned = manifest.project is not None
    if manifest.form is None:
        text = header(manifest.sources) + yamlio.emit(manifest.body)
        return PlacedFile(path, text, manifest.sources, owned)
    text = canonical_json(manifest.body)
    return PlacedFile(path, text, manifest.sources, owned, manifest.form.platform)


def place_together(environment: str, manifests: list[Manifest]) -> list[PlacedFile]:
    """The `perProject` layout: the objects of each folder in one multi-document file.

    As Argo CD's source hydrator writes one manifest.yaml per application. Each object's text
    is the same bytes as in its own file (less the header), in the order of those files'
    names; API requests keep a file each (they are JSON, one request per file).
    """
    placed: list[PlacedFile] = []
    folders: dict[str, list[tuple[str, Manifest]]] = defaultdict(list)
    for manifest in manifests:
        if manifest.form is not None:
            placed.append(place(environment, manifest))
            continue
        folder, _, name = manifest_path(environment, manifest).rpartition("/")
        folders[folder].append((name, manifest))
    for folder, members in folders.items():
        members.sort(key=lambda member: member[0])
        documents = tuple((name, yamlio.emit(manifest.body)) for name, manifest in members)
        sources = tuple(dict.fromkeys(s for _, manifest in members for s in manifest.sources))
        owned = any(manifest.project is not None for _, manifest in members)
        path = f"{folder}/{PROJECT_FILE}"
        placed.append(
            PlacedFile(path, _joined(sources, documents), sources, owned, None, documents)
        )
    return placed


def _joined(sources: tuple[str, ...], documents: tuple[tuple[str, str], ...]) -> str:
    return header(sources) + "---\n".join(text for _, text in documents)


def _merged(together: list[PlacedFile]) -> PlacedFile:
    """Files of one folder placed apart (the environment's own objects, one unit each)."""
    documents = sorted(document for item in together for document in item.documents)
    if len(documents) != sum(len(item.documents) for item in together) or any(
        not item.documents for item in together
    ):
        raise ValueError(f"{together[0].path}: a kept file cannot be joined with others")
    sources = tuple(dict.fromkeys(s for item in together for s in item.sources))
    owned = any(item.owned_by_project for item in together)
    text = _joined(sources, tuple(documents))
    return PlacedFile(together[0].path, text, sources, owned, None, tuple(documents))


def layout(
    environment: str,
    manifests: list[Manifest],
    environment_sources: tuple[str, ...],
    per_project: bool = False,
    memo: Memo | None = None,
) -> dict[str, str]:
    """The files of one environment; `manifests` must be free of collisions. `memo`: as
    for `assemble`."""
    if per_project:
        placed = place_together(environment, manifests)
    else:
        placed = [place(environment, manifest) for manifest in manifests]
    files = assemble(environment, placed, environment_sources, memo)
    return {path: text for path, text in files.items() if isinstance(text, str)}


def assemble(
    environment: str,
    placed: list[PlacedFile],
    environment_sources: tuple[str, ...],
    memo: Memo | None = None,
) -> dict[str, str | KeptFile]:
    """The objects' files with each folder's kustomization.yaml and the request indexes;
    `memo`: where the listings of the environment's last layout are kept (`LISTINGS`)."""
    paths = [item.path for item in placed]
    if len(set(paths)) != len(paths):  # files of one folder placed apart: joined
        by_path: dict[str, list[PlacedFile]] = defaultdict(list)
        for item in placed:
            by_path[item.path].append(item)
        placed = [group[0] if len(group) == 1 else _merged(group) for group in by_path.values()]
        paths = list(by_path)
    files: dict[str, str | KeptFile] = dict(zip(paths, [item.text for item in placed], strict=True))
    known = (memo.get(LISTINGS, environment) if memo is not None else None) or {}
    listings: Listings = {}
    platforms = sorted({item.request_platform for item in placed if item.request_platform})
    for path, members, make in [
        *_kustomizations(environment, placed, platforms, environment_sources),
        *_request_indexes(environment, placed),
    ]:
        before = known.get(path)
        # The same files (most often the very objects a reused project gave last time, which
        # compare at once) make the same listing: their names and sources are not gathered
        # again, nor the text emitted.
        text = before[1] if before is not None and before[0] == members else make()
        listings[path] = (members, text)
        files[path] = text
    if memo is not None:
        memo.put(LISTINGS, environment, listings)
    return dict(sorted(files.items()))


def _kustomizations(
    environment: str,
    placed: list[PlacedFile],
    request_platforms: list[str],
    environment_sources: tuple[str, ...],
) -> list[tuple[str, Members, Callable[[], str]]]:
    """A kustomization.yaml in each folder of the environment, listing that folder's objects.

    The environment's own folder has none: one there would list every project, a list that
    every pull request adding a project edits, and two such pull requests would conflict.
    Flux's kustomize-controller builds a folder without one from what it holds (it walks the
    folder, adds each subfolder that has a kustomization.yaml whole and does not descend into
    it, and takes every other .yaml/.yml file, which must decode as Kubernetes objects:
    fluxcd/pkg kustomize/kustomize_generator.go, findOrGenerateKustomization and
    scanManifests), and an Argo CD Application reads it as a directory source with `recurse`
    and an `exclude` for the kustomization files and requests (`gitops.render`). A request
    folder gets a kustomization listing nothing, so that Flux takes it whole and builds
    nothing from it instead of reading its index as a manifest.
    """
    folders = _by_folder(item for item in placed if item.request_platform is None)
    for platform in request_platforms:
        folders.setdefault(requests_dir(environment, platform), [])
    return [
        (
            f"{folder}/{KUSTOMIZATION}",
            (tuple(listed), environment_sources),
            partial(_folder_kustomization, folder, listed, environment_sources),
        )
        for folder, listed in folders.items()
    ]


def _request_indexes(
    environment: str, placed: list[PlacedFile]
) -> list[tuple[str, Members, Callable[[], str]]]:
    """The index of each folder of one project's requests (`_request_index`)."""
    folders = _by_folder(item for item in placed if item.request_platform is not None)
    return [
        (
            f"{folder}/{REQUEST_INDEX}",
            (tuple(listed), ()),
            partial(_request_index, environment, folder, listed),
        )
        for folder, listed in folders.items()
    ]


def _by_folder(placed: Iterable[PlacedFile]) -> dict[str, list[PlacedFile]]:
    folders: dict[str, list[PlacedFile]] = defaultdict(list)
    for item in placed:
        folders[item.path.rpartition("/")[0]].append(item)
    return folders


def _folder_kustomization(
    folder: str, members: list[PlacedFile], environment_sources: tuple[str, ...]
) -> str:
    resources = tuple(sorted(item.path.rpartition("/")[2] for item in members))
    sources = tuple(sorted({source for item in members for source in item.sources}))
    if not members or folder.endswith(f"/{SHARED_DIR}"):
        # The environment's folders (requests, shared namespaces) name the environment's
        # files only: a list of projects there is a line every added project edits.
        sources = tuple(environment_sources)
    return _kustomization(resources, sources)


def _kustomization(resources: tuple[str, ...], sources: tuple[str, ...]) -> str:
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": list(resources),
    }
    return header(sources) + yamlio.emit(kustomization)


Members = tuple[tuple[PlacedFile, ...], tuple[str, ...]]
"""What a listing is made of: the files of its folder, and the environment's files."""
Listings = dict[str, tuple[Members, str]]
"""The files that list a folder's files (kustomization.yaml, a request index) by path, each
with what it was made of."""
LISTINGS: Shelf[Listings] = Shelf("listings")
"""By environment, the listings its last layout made: a process that lays the environment
out again (`render --watch`) makes only those of folders that changed. 3,000 kustomizations
were 45 ms of a one-change render at N = 1,000 x 3; gathering every folder's names and
sources to look their texts up, 10 ms more; 600 request indexes, 5 ms."""


def _request_index(environment: str, folder: str, members: list[PlacedFile]) -> str:
    """One project's requests to a platform's API: the files of its folder manifold owns."""
    platform = folder.split("/")[1].removeprefix("_")
    note = (
        f"# Requests to the {platform} API, sent by `manifold {platform} apply --env "
        f"{environment}`.\n# No kustomization lists them: Flux and Argo CD never apply them. "
        "manifold owns the files listed here.\n"
    )
    listed = {item.path.rpartition("/")[2]: list(item.sources) for item in members}
    body = {"files": dict(sorted(listed.items()))}
    sources = sorted({source for sources in listed.values() for source in sources})
    return header(sources) + note + yamlio.emit(body)
