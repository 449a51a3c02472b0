"""Flux and Argo CD kinds manifold writes, as typed dicts.

Field names follow the upstream CRDs (Flux source-controller and kustomize-controller `v1`,
Argo CD `argoproj.io/v1alpha1`); only the fields manifold sets are listed, and the schemas
generated from these refuse any other.
"""

from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import with_config
from typing_extensions import TypedDict

from manifold.core.manifest import OutputKind
from manifold.schemas.generate import typed_dict_schema
from manifold.targets.kubernetes import STRICT, ObjectMeta

FLUX_SOURCE = "source.toolkit.fluxcd.io/v1"
FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io/v1"
ARGOCD = "argoproj.io/v1alpha1"


@with_config(STRICT)
class LocalReference(TypedDict):
    name: str


@with_config(STRICT)
class GitReference(TypedDict):
    branch: str


@with_config(STRICT)
class GitRepositorySpec(TypedDict):
    interval: str
    url: str
    ref: GitReference
    ignore: str
    secretRef: NotRequired[LocalReference]


@with_config(STRICT)
class GitRepository(TypedDict):
    apiVersion: Literal["source.toolkit.fluxcd.io/v1"]
    kind: Literal["GitRepository"]
    metadata: ObjectMeta
    spec: GitRepositorySpec


@with_config(STRICT)
class SourceReference(TypedDict):
    kind: Literal["GitRepository"]
    name: str


@with_config(STRICT)
class FluxKustomizationSpec(TypedDict):
    interval: str
    sourceRef: SourceReference
    path: str
    prune: bool


@with_config(STRICT)
class FluxKustomization(TypedDict):
    apiVersion: Literal["kustomize.toolkit.fluxcd.io/v1"]
    kind: Literal["Kustomization"]
    metadata: ObjectMeta
    spec: FluxKustomizationSpec


@with_config(STRICT)
class ApplicationSourceDirectory(TypedDict):
    recurse: bool
    exclude: str


@with_config(STRICT)
class ApplicationSource(TypedDict):
    repoURL: str
    targetRevision: str
    path: str
    directory: ApplicationSourceDirectory


@with_config(STRICT)
class ApplicationDestination(TypedDict, total=False):
    name: str
    server: str


@with_config(STRICT)
class AutomatedSync(TypedDict):
    prune: bool
    selfHeal: bool


@with_config(STRICT)
class SyncPolicy(TypedDict):
    automated: AutomatedSync


@with_config(STRICT)
class ApplicationSpec(TypedDict):
    project: str
    source: ApplicationSource
    destination: ApplicationDestination
    syncPolicy: SyncPolicy


@with_config(STRICT)
class Application(TypedDict):
    apiVersion: Literal["argoproj.io/v1alpha1"]
    kind: Literal["Application"]
    metadata: ObjectMeta
    spec: ApplicationSpec


@with_config(STRICT)
class GitDirectory(TypedDict):
    path: str


@with_config(STRICT)
class GitGenerator(TypedDict):
    repoURL: str
    revision: str
    directories: list[GitDirectory]


@with_config(STRICT)
class Generator(TypedDict):
    git: GitGenerator


@with_config(STRICT)
class TemplateMetadata(TypedDict):
    name: str
    labels: NotRequired[dict[str, str]]


@with_config(STRICT)
class ApplicationTemplate(TypedDict):
    metadata: TemplateMetadata
    spec: ApplicationSpec


@with_config(STRICT)
class ApplicationSetSpec(TypedDict):
    goTemplate: bool
    goTemplateOptions: list[str]
    generators: list[Generator]
    template: ApplicationTemplate


@with_config(STRICT)
class ApplicationSet(TypedDict):
    apiVersion: Literal["argoproj.io/v1alpha1"]
    kind: Literal["ApplicationSet"]
    metadata: ObjectMeta
    spec: ApplicationSetSpec


OUTPUT_KINDS = (
    OutputKind(FLUX_SOURCE, "GitRepository", True, typed_dict_schema(GitRepository)),
    OutputKind(FLUX_KUSTOMIZE, "Kustomization", True, typed_dict_schema(FluxKustomization)),
    OutputKind(ARGOCD, "Application", True, typed_dict_schema(Application)),
    OutputKind(ARGOCD, "ApplicationSet", True, typed_dict_schema(ApplicationSet)),
)
"""Every kind the gitops objects are; their schemas go to schemas/ like the targets' kinds."""
