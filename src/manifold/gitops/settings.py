"""An environment's `sync` settings, merged along its `extends` chain, with the defaults
filled in (branch main, Flux in flux-system every 10m, Argo CD Applications in argocd), and
problems with them pointed at the file of the chain that wrote the setting.

Apart from `gitops.render` so that what the settings mean is read in one place and the
objects built from them in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifold.core.diagnostics import Diagnostic
from manifold.core.jsonpath import JsonPath
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.models.environment import Sync
from manifold.output.writer import RENDERED_DIR


@dataclass(frozen=True)
class FluxSettings:
    namespace: str
    interval: str
    secret: str | None


@dataclass(frozen=True)
class ArgoCdSettings:
    kind: str
    namespace: str
    project: str


@dataclass(frozen=True)
class SyncSettings:
    """An environment's merged `sync` settings with the defaults filled in."""

    environment: ResolvedEnvironment
    repository: str
    branch: str
    root: str | None
    cluster: str
    name: str
    flux: FluxSettings | None
    argocd: ArgoCdSettings | None

    @property
    def folder(self) -> str:
        """The environment's folder, relative to the git repository's root."""
        parts = (self.root, RENDERED_DIR, self.environment.name)
        return "/".join(part for part in parts if part)

    @property
    def object_name(self) -> str:
        return f"{self.name}-{self.environment.name}"


def sync_settings(environment: ResolvedEnvironment) -> SyncSettings | Diagnostic | None:
    sync: Sync | None = environment.spec.sync
    if sync is None:
        return None
    if sync.repository is None:
        return sync_diagnostic(
            environment,
            (),
            "sync has no repository",
            hint="set sync.repository here or in an environment this one extends",
        )
    if sync.flux is None and sync.argocd is None:
        return sync_diagnostic(
            environment,
            (),
            "sync names no controller",
            hint="add `flux: {}`, `argocd: {}` or both (`{}` takes the defaults)",
        )
    flux = None
    if sync.flux is not None:
        flux_settings = sync.flux
        flux = FluxSettings(
            flux_settings.namespace or "flux-system",
            flux_settings.interval or "10m",
            flux_settings.secret,
        )
    argocd = None
    if sync.argocd is not None:
        argocd_settings = sync.argocd
        argocd = ArgoCdSettings(
            argocd_settings.kind or "Application",
            argocd_settings.namespace or "argocd",
            argocd_settings.project or "default",
        )
    return SyncSettings(
        environment,
        sync.repository,
        sync.branch or "main",
        sync.root,
        sync.cluster or "in-cluster",
        sync.name or "manifold",
        flux,
        argocd,
    )


def sync_diagnostic(
    environment: ResolvedEnvironment, path: JsonPath, message: str, hint: str | None = None
) -> Diagnostic:
    """At the setting in the last file of the `extends` chain that writes it."""
    for link in reversed(environment.chain):
        node: Any = link.raw_spec.get("sync")
        if isinstance(node, dict) and _has(node, path):
            document = link.document
            break
    else:
        document = environment.chain[-1].document
    full = ("spec", "sync", *path)
    return Diagnostic(
        message, file=document.path, position=document.locate(full), path=full, hint=hint
    )


def _has(node: Any, path: JsonPath) -> bool:
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return False
        node = node[step]
    return True
