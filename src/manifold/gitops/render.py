"""The environments' `sync` settings -> Flux and Argo CD objects, as files of rendered/.

They sit beside the environments' folders, never inside one, so a controller that applies
rendered/<env>/ never applies (or prunes) its own definition:

    rendered/_flux/<env>/   a GitRepository and a Kustomization for one environment's cluster
    rendered/_argocd/       an Application per environment, or the ApplicationSets

Each of these folders has a kustomization.yaml listing its files, so bootstrapping a cluster is one
`kubectl apply -k` (or one Flux Kustomization / Argo CD Application pointing at the folder).
Environment names are DNS labels: folders starting with '_' cannot collide with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from manifold.compile import layout
from manifold.compile.finalize import ENVIRONMENT_LABEL, MANAGED_BY
from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Diagnostic
from manifold.core.jsonpath import JsonPath
from manifold.gitops import kinds
from manifold.gitops.settings import (
    ArgoCdSettings,
    FluxSettings,
    SyncSettings,
    sync_diagnostic,
    sync_settings,
)
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.output.header import header
from manifold.targets.kubernetes import ObjectMeta

FLUX_DIR = "_flux"
ARGOCD_DIR = "_argocd"
FOLDERS = frozenset({FLUX_DIR, ARGOCD_DIR})
"""Top-level folders of rendered/ that belong to no single environment."""


@dataclass(frozen=True)
class SyncObject:
    body: dict[str, Any]
    path: str
    """Relative to rendered/."""
    environments: tuple[ResolvedEnvironment, ...]
    """The environments it syncs (several for an ApplicationSet)."""

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({p for env in self.environments for p in env.source_paths}))

    @property
    def identity(self) -> tuple[str, str, str]:
        metadata = self.body["metadata"]
        return (self.body["kind"], metadata["namespace"], metadata["name"])

    def diagnostic(self, message: str) -> Diagnostic:
        """A problem with the object, reported at the `sync` settings it was written from."""
        return sync_diagnostic(self.environments[0], (), message)


def sync_layout(objects: Iterable[SyncObject]) -> dict[str, str]:
    """The files of rendered/_flux/ and rendered/_argocd/, each folder with a kustomization."""
    files: dict[str, str] = {}
    by_folder: dict[str, list[SyncObject]] = defaultdict(list)
    for sync_object in objects:
        body = yamlio.emit(sync_object.body)
        files[sync_object.path] = header(sync_object.sources) + body
        by_folder[sync_object.path.rpartition("/")[0]].append(sync_object)
    for folder, members in by_folder.items():
        resources = sorted(m.path.removeprefix(folder + "/") for m in members)
        sources = sorted({source for m in members for source in m.sources})
        kustomization = {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": resources,
        }
        files[f"{folder}/{layout.KUSTOMIZATION}"] = header(sources) + yamlio.emit(kustomization)
    return dict(sorted(files.items()))


def sync_objects(
    environments: Mapping[str, ResolvedEnvironment],
) -> tuple[list[SyncObject], list[Diagnostic]]:
    """The Flux and Argo CD objects of every environment that has `sync` settings."""
    objects: list[SyncObject] = []
    diagnostics: list[Diagnostic] = []
    application_sets: dict[str, list[SyncSettings]] = defaultdict(list)
    for name in sorted(environments):
        settings = sync_settings(environments[name])
        if isinstance(settings, Diagnostic):
            diagnostics.append(settings)
            continue
        if settings is None:
            continue
        if settings.flux is not None:
            objects.extend(_flux(settings, settings.flux))
        if settings.argocd is not None and settings.argocd.kind == "Application":
            objects.append(_application(settings, settings.argocd))
        elif settings.argocd is not None:
            application_sets[settings.name].append(settings)
    for members in application_sets.values():
        application_set, found = _application_set(members)
        objects.append(application_set)
        diagnostics.extend(found)
    diagnostics.extend(_collisions(objects))
    return objects, diagnostics


# --------------------------------------------------------------------------- Flux


def _flux(settings: SyncSettings, flux: FluxSettings) -> list[SyncObject]:
    name = settings.object_name
    environment = settings.environment
    metadata = _metadata(name, flux.namespace, environment.name)
    source_spec: kinds.GitRepositorySpec = {
        "interval": flux.interval,
        "url": settings.repository,
        "ref": {"branch": settings.branch},
        "ignore": _only(settings.folder),
    }
    if flux.secret is not None:
        source_spec["secretRef"] = {"name": flux.secret}
    source: kinds.GitRepository = {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": metadata,
        "spec": source_spec,
    }
    kustomization: kinds.FluxKustomization = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": metadata,
        "spec": {
            "interval": flux.interval,
            "sourceRef": {"kind": "GitRepository", "name": name},
            "path": f"./{settings.folder}",
            "prune": True,
        },
    }
    folder = f"{FLUX_DIR}/{environment.name}"
    return [
        SyncObject(dict(body), f"{folder}/{body['kind'].lower()}-{name}.yaml", (environment,))
        for body in (source, kustomization)
    ]


def _only(folder: str) -> str:
    """A .sourceignore that leaves nothing in Flux's artifact but `folder`."""
    parts = folder.split("/")
    lines = ["/*"]
    for depth in range(len(parts)):
        if depth:
            lines.append(f"/{'/'.join(parts[:depth])}/*")
        lines.append(f"!/{'/'.join(parts[: depth + 1])}/")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Argo CD

ARGOCD_EXCLUDE = "{*/kustomization.yaml,_*/index.yaml,*.json}"
"""What an Application leaves out of an environment's folder, read as a directory source
(it has no kustomization.yaml of its own, see `layout._kustomizations`): the project folders'
kustomization files (Argo CD would take each for an object) and the API requests with their
indexes. Argo CD reads every .yaml, .yml, .json and .jsonnet file under the path when
`recurse` is set, and matches `exclude` against the path relative to it with a glob whose
`*` also matches '/' (argoproj/argo-cd reposerver/repository/repository.go,
getPotentiallyValidManifestFile; util/glob/glob.go compiles without separators)."""


def _application_spec(
    settings: SyncSettings, argocd: ArgoCdSettings, path: str
) -> kinds.ApplicationSpec:
    cluster = settings.cluster
    destination: kinds.ApplicationDestination = (
        {"server": cluster} if cluster.startswith(("https://", "http://")) else {"name": cluster}
    )
    return {
        "project": argocd.project,
        "source": {
            "repoURL": settings.repository,
            "targetRevision": settings.branch,
            "path": path,
            "directory": {"recurse": True, "exclude": ARGOCD_EXCLUDE},
        },
        "destination": destination,
        "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
    }


def _application(settings: SyncSettings, argocd: ArgoCdSettings) -> SyncObject:
    name = settings.object_name
    environment = settings.environment
    body: kinds.Application = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": _metadata(name, argocd.namespace, environment.name),
        "spec": _application_spec(settings, argocd, settings.folder),
    }
    return SyncObject(dict(body), f"{ARGOCD_DIR}/application-{name}.yaml", (environment,))


_SHARED_SETTINGS: tuple[tuple[str, str, JsonPath], ...] = (
    ("repository", "repository", ("repository",)),
    ("branch", "branch", ("branch",)),
    ("root", "root", ("root",)),
    ("cluster", "cluster", ("cluster",)),
    ("Argo CD namespace", "argocd.namespace", ("argocd", "namespace")),
    ("Argo CD project", "argocd.project", ("argocd", "project")),
)


def _setting(settings: SyncSettings, dotted: str) -> Any:
    value: Any = settings
    for attribute in dotted.split("."):
        value = getattr(value, attribute)
    return value


def _application_set(members: list[SyncSettings]) -> tuple[SyncObject, list[Diagnostic]]:
    """One ApplicationSet whose git directory generator lists the members' folders."""
    first = members[0]
    assert first.argocd is not None
    diagnostics = []
    for member in members[1:]:
        for label, attribute, path in _SHARED_SETTINGS:
            mine, theirs = _setting(member, attribute), _setting(first, attribute)
            if mine != theirs:
                diagnostics.append(
                    sync_diagnostic(
                        member.environment,
                        path,
                        f"ApplicationSet {first.name!r} also serves environment "
                        f"{first.environment.name!r}, whose {label} is {theirs!r}, not {mine!r}",
                        hint="make them equal, or give this environment its own sync.name",
                    )
                )
    template_metadata: kinds.TemplateMetadata = {
        "name": f"{first.name}-{{{{.path.basename}}}}",
        "labels": {
            "app.kubernetes.io/managed-by": MANAGED_BY,
            ENVIRONMENT_LABEL: "{{.path.basename}}",
        },
    }
    body: kinds.ApplicationSet = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": _metadata(first.name, first.argocd.namespace, None),
        "spec": {
            "goTemplate": True,
            "goTemplateOptions": ["missingkey=error"],
            "generators": [
                {
                    "git": {
                        "repoURL": first.repository,
                        "revision": first.branch,
                        "directories": [{"path": member.folder} for member in members],
                    }
                }
            ],
            "template": {
                "metadata": template_metadata,
                "spec": _application_spec(first, first.argocd, "{{.path.path}}"),
            },
        },
    }
    file = f"{ARGOCD_DIR}/applicationset-{first.name}.yaml"
    environments = tuple(member.environment for member in members)
    return SyncObject(dict(body), file, environments), diagnostics


# --------------------------------------------------------------------------- shared


def _metadata(name: str, namespace: str, environment: str | None) -> ObjectMeta:
    labels = {"app.kubernetes.io/managed-by": MANAGED_BY, "app.kubernetes.io/name": name}
    if environment is not None:
        labels[ENVIRONMENT_LABEL] = environment
    return {"name": name, "namespace": namespace, "labels": dict(sorted(labels.items()))}


def _collisions(objects: Iterable[SyncObject]) -> list[Diagnostic]:
    seen: dict[tuple[str, str, str], SyncObject] = {}
    diagnostics = []
    for sync_object in objects:
        other = seen.setdefault(sync_object.identity, sync_object)
        if other is sync_object:
            continue
        kind, namespace, name = sync_object.identity
        environment = sync_object.environments[0]
        diagnostics.append(
            sync_diagnostic(
                environment,
                ("name",),
                f"{kind} {namespace}/{name} is written for environments "
                f"{other.environments[0].name!r} and {environment.name!r}",
                hint="give one of them another sync.name",
            )
        )
    return diagnostics
