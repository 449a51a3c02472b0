"""Give rendered objects what every object gets: namespace, labels, annotations,
and the Namespace objects themselves. API requests (a `Manifest.form`) get the same labels
and annotations where their form keeps them, and no namespace."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment


class OwnerMetadata(Protocol):
    @property
    def team(self) -> str: ...
    @property
    def labels(self) -> dict[str, str] | None: ...
    @property
    def annotations(self) -> dict[str, str] | None: ...


class Owner(Protocol):
    """What objects are rendered for: a project (or the platform) in an environment."""

    @property
    def name(self) -> str: ...
    @property
    def namespace(self) -> str: ...
    @property
    def environment(self) -> ResolvedEnvironment: ...
    @property
    def metadata(self) -> OwnerMetadata: ...


MANAGED_BY = "manifold"
BUILT_IN_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
"""Every cluster has these; rendering them would hand them to the GitOps controller."""
ENVIRONMENT_LABEL = "manifold.dev/environment"
TEAM_LABEL = "manifold.dev/team"


def _metadata(
    name: str, namespace: str | None, labels: dict[str, str], annotations: dict[str, str]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    return metadata


def _ordered(body: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """apiVersion, kind, metadata, spec, then the rest in the order the target wrote them."""
    ordered = {"apiVersion": body["apiVersion"], "kind": body["kind"], "metadata": metadata}
    if "spec" in body:
        ordered["spec"] = body["spec"]
    for key, value in body.items():
        ordered.setdefault(key, value)
    return ordered


def finalize(manifests: list[Manifest], owner: Owner) -> list[Manifest]:
    """Labels and annotations of the environment, the owner and the target (later ones win),
    then manifold's own labels; namespaced objects go to the owner's namespace unless the
    target chose one."""
    environment = owner.environment
    annotations = {
        **(environment.spec.annotations or {}),
        **(owner.metadata.annotations or {}),
    }
    finalized = []
    for manifest in manifests:
        labels = {
            **(environment.spec.labels or {}),
            **(owner.metadata.labels or {}),
            **manifest.labels,
            "app.kubernetes.io/name": manifest.name,
            "app.kubernetes.io/part-of": owner.name,
            "app.kubernetes.io/managed-by": MANAGED_BY,
            ENVIRONMENT_LABEL: environment.name,
            TEAM_LABEL: owner.metadata.team,
        }
        if manifest.component:
            labels["app.kubernetes.io/component"] = manifest.component
        if manifest.form is not None:
            body = manifest.form.finalized(
                manifest.body, dict(sorted(labels.items())), dict(sorted(annotations.items()))
            )
            finalized.append(manifest.with_body(body))
            continue
        namespace = (manifest.namespace or owner.namespace) if manifest.namespaced else None
        own_annotations = manifest.metadata.get("annotations") or {}
        metadata = _metadata(manifest.name, namespace, labels, {**annotations, **own_annotations})
        finalized.append(manifest.with_body(_ordered(manifest.body, metadata)))
    return finalized


@dataclass(frozen=True)
class NamespaceUser:
    """What a Namespace is rendered from: who puts objects in it, and from which file."""

    name: str
    namespace: str
    team: str
    path: str


def namespaces(
    users: Sequence[NamespaceUser],
    environment: ResolvedEnvironment,
    others: Iterable[tuple[str, Owner, str]] = (),
) -> list[Manifest]:
    """One Namespace per namespace the users (projects) use, and per (namespace, owner,
    source file) of `others` (the platform's), except Kubernetes' own. A namespace that
    several owners share belongs to the environment (project None) and carries only the
    labels they agree on."""
    return [
        namespace_object(namespace, sharing, environment)
        for namespace, sharing in namespace_users(users, others)
    ]


def namespace_users(
    users: Sequence[NamespaceUser], others: Iterable[tuple[str, Owner, str]] = ()
) -> list[tuple[str, tuple[NamespaceUser, ...]]]:
    """Each namespace to render (`namespaces`), in order, with what it is rendered from: its
    Namespace object is `namespace_object` of these alone (and the environment), so a
    render that reuses it need not build it."""
    by_namespace: dict[str, list[NamespaceUser]] = defaultdict(list)
    for user in users:
        by_namespace[user.namespace].append(user)
    for namespace, owner, path in others:
        other = NamespaceUser(owner.name, namespace, owner.metadata.team, path)
        if other not in by_namespace[namespace]:
            by_namespace[namespace].append(other)
    return [
        (namespace, tuple(sharing))
        for namespace, sharing in sorted(by_namespace.items())
        if namespace not in BUILT_IN_NAMESPACES
    ]


def namespace_object(
    namespace: str, sharing: Sequence[NamespaceUser], environment: ResolvedEnvironment
) -> Manifest:
    labels = {
        **(environment.spec.labels or {}),
        "app.kubernetes.io/name": namespace,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        ENVIRONMENT_LABEL: environment.name,
    }
    teams = {user.team for user in sharing}
    if len(teams) == 1:
        labels[TEAM_LABEL] = teams.pop()
    single = sharing[0].name if len(sharing) == 1 else None
    if single is not None:
        labels["app.kubernetes.io/part-of"] = single
    body = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _metadata(namespace, None, labels, dict(environment.spec.annotations or {})),
    }
    sources = (
        *sorted(user.path for user in sharing),
        *environment.source_paths,
    )
    return Manifest(body, False, single, sources, None)
