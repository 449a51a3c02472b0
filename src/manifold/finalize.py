"""Stage 6: give rendered objects what every object gets: namespace, labels, annotations,
and the Namespace objects themselves."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from manifold.environments import ResolvedEnvironment
from manifold.expand import ProjectInstance
from manifold.targets.base import Manifest

MANAGED_BY = "manifold"
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


def finalize(manifests: list[Manifest], instance: ProjectInstance) -> list[Manifest]:
    environment = instance.environment
    project = instance.project
    annotations = {
        **(environment.spec.annotations or {}),
        **(project.metadata.annotations or {}),
    }
    finalized = []
    for manifest in manifests:
        labels = {
            **(environment.spec.labels or {}),
            **(project.metadata.labels or {}),
            "app.kubernetes.io/name": manifest.name,
            "app.kubernetes.io/part-of": project.name,
            "app.kubernetes.io/managed-by": MANAGED_BY,
            ENVIRONMENT_LABEL: environment.name,
            TEAM_LABEL: project.metadata.team,
        }
        if manifest.component:
            labels["app.kubernetes.io/component"] = manifest.component
        namespace = instance.namespace if manifest.namespaced else None
        metadata = _metadata(manifest.name, namespace, labels, annotations)
        finalized.append(manifest.with_body(_ordered(manifest.body, metadata)))
    return finalized


def namespaces(
    instances: list[ProjectInstance], environment: ResolvedEnvironment
) -> list[Manifest]:
    """One Namespace per namespace the instances use. A namespace that several projects share
    belongs to the environment (project None) and carries only the labels they agree on."""
    users: dict[str, list[ProjectInstance]] = defaultdict(list)
    for instance in instances:
        users[instance.namespace].append(instance)
    manifests = []
    for namespace, sharing in sorted(users.items()):
        labels = {
            **(environment.spec.labels or {}),
            "app.kubernetes.io/name": namespace,
            "app.kubernetes.io/managed-by": MANAGED_BY,
            ENVIRONMENT_LABEL: environment.name,
        }
        teams = {instance.project.metadata.team for instance in sharing}
        if len(teams) == 1:
            labels[TEAM_LABEL] = teams.pop()
        owner = sharing[0].name if len(sharing) == 1 else None
        if owner is not None:
            labels["app.kubernetes.io/part-of"] = owner
        body = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": _metadata(
                namespace, None, labels, dict(environment.spec.annotations or {})
            ),
        }
        sources = (
            *sorted(instance.project_path for instance in sharing),
            *environment.source_paths,
        )
        manifests.append(Manifest(body, False, owner, sources, None))
    return manifests
