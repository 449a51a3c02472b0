from __future__ import annotations

from manifold.compile.expand import expand
from manifold.compile.finalize import NamespaceUser, finalize, namespaces
from manifold.compile.instances import ProjectInstance
from manifold.core.manifest import Manifest
from manifold.models.labels import MANIFOLD_LABELS
from tests.unit.helpers import env_text, environments, project_file


def _instance(name: str, team: str, env_spec: str = "") -> ProjectInstance:
    text = (
        "apiVersion: manifold.dev/v1alpha1\nkind: Project\n"
        f"metadata: {{name: {name}, team: {team}, annotations: {{owner: project}},\n"
        "  labels: {tier: project}}\n"
        "spec: {platform: ome}\n"
    )
    envs = environments(dev=env_text("dev", env_spec or "labels: {tier: env, env-only: x}"))
    instance, problems = expand(project_file(text, f"projects/{name}.yaml"), envs["dev"])
    assert instance is not None, problems
    return instance


def _user(instance: ProjectInstance) -> NamespaceUser:
    return NamespaceUser(
        instance.name, instance.namespace, instance.metadata.team, instance.project_path
    )


def test_labels_layer_environment_then_project_then_manifold() -> None:
    instance = _instance("demo", "ai")
    body = {
        "apiVersion": "ome.io/v1beta1",
        "kind": "BaseModel",
        "metadata": {"name": "m"},
        "spec": {"storage": {}},
        "status": {},
    }
    [result] = finalize([Manifest(body, True, "demo", instance.sources, "model")], instance)
    metadata = result.body["metadata"]
    assert list(result.body) == ["apiVersion", "kind", "metadata", "spec", "status"]
    assert metadata["namespace"] == "demo-dev"
    assert metadata["labels"] == {
        "app.kubernetes.io/component": "model",
        "app.kubernetes.io/managed-by": "manifold",
        "app.kubernetes.io/name": "m",
        "app.kubernetes.io/part-of": "demo",
        "env-only": "x",
        "manifold.dev/environment": "dev",
        "manifold.dev/team": "ai",
        "tier": "project",
    }
    assert metadata["annotations"] == {"owner": "project"}


def test_cluster_scoped_objects_get_no_namespace() -> None:
    instance = _instance("demo", "ai")
    body = {"apiVersion": "ome.io/v1beta1", "kind": "ClusterBaseModel", "metadata": {"name": "m"}}
    [result] = finalize([Manifest(body, False, "demo", instance.sources)], instance)
    assert "namespace" not in result.body["metadata"]


def test_a_namespace_per_project_or_shared() -> None:
    own = namespaces([_user(_instance("a", "t1"))], _instance("a", "t1").environment)
    assert [(m.name, m.project, m.labels.get("app.kubernetes.io/part-of")) for m in own] == [
        ("a-dev", "a", "a")
    ]
    shared_env = "namespace: 'ml-{{ environment }}'"
    sharing = [_instance("a", "t1", shared_env), _instance("b", "t2", shared_env)]
    [shared] = namespaces([_user(i) for i in sharing], sharing[0].environment)
    assert (shared.name, shared.project) == ("ml-dev", None)
    assert "app.kubernetes.io/part-of" not in shared.labels
    assert "manifold.dev/team" not in shared.labels
    assert shared.sources == ("projects/a.yaml", "projects/b.yaml", "environments/dev.yaml")


def test_an_entry_s_labels_and_annotations_win_over_the_file_s_and_the_environment_s() -> None:
    """Merge order, later wins: environment, file (project or platform metadata), the entry's
    own `metadata` (on the rendered body, targets.ome.objects.ome_object), then manifold's own
    labels, which the entry may not set (models.labels.MANIFOLD_LABELS)."""
    instance = _instance("demo", "ai", "labels: {tier: env, env-only: x}\nannotations: {a: env}")
    entry = {"labels": {"tier": "entry"}, "annotations": {"owner": "entry", "b": "entry"}}
    body = {"apiVersion": "ome.io/v1beta1", "kind": "BaseModel", "metadata": {"name": "m", **entry}}
    [result] = finalize([Manifest(body, True, "demo", instance.sources, "model")], instance)
    metadata = result.body["metadata"]
    assert metadata["annotations"] == {"a": "env", "b": "entry", "owner": "entry"}
    own = {key: metadata["labels"][key] for key in ("tier", "env-only", "app.kubernetes.io/name")}
    assert own == {"tier": "entry", "env-only": "x", "app.kubernetes.io/name": "m"}
    assert set(metadata["labels"]) - {"tier", "env-only"} <= {
        *MANIFOLD_LABELS,
        "manifold.dev/environment",
        "manifold.dev/team",
    }  # every other label is manifold's, and the models refuse them in an entry
