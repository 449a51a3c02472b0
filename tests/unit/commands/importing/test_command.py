"""`manifold import`: what it writes, what it refuses, and that it never half-writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.commands.importing.command import import_objects
from manifold.core import yaml as yamlio
from manifold.core.errors import ProblemsFound, UsageProblem
from manifold.core.options import ObjectImportOptions
from manifold.models.platform import Platform
from manifold.models.project import Project
from manifold.targets.ome.importing.entries import entry_of

MODEL = """\
apiVersion: ome.io/v1beta1
kind: ClusterBaseModel
metadata:
  name: small
spec:
  modelType: llama
  storage: {storageUri: "hf://org/small", key: hf-token}
"""
KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"


def _import(root: Path, *, force: bool = False) -> Path:
    import_objects(ObjectImportOptions(root, (Path("ome"),), Path("platform/ome.yaml"), force))
    return root / "platform" / "ome.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "ome").mkdir()
    (tmp_path / "ome" / "model.yaml").write_text(MODEL)
    (tmp_path / "ome" / "kustomization.yaml").write_text(KUSTOMIZATION)
    return tmp_path


def test_it_writes_a_commented_platform_file_with_what_was_kept_verbatim(repo: Path) -> None:
    text = _import(repo).read_text()
    assert text.startswith("# Imported by `manifold import` from OME objects: 1 ClusterBaseModel.")
    assert "  # ClusterBaseModel small, from ome/model.yaml:1\n" in text
    assert "  # kept verbatim under omeSpec: modelType\n" in text
    platform = Platform.model_validate(yamlio.load_one(text))
    (model,) = platform.spec.models
    assert model.source == "hf://org/small"
    assert model.ome_spec == {"modelType": "llama"}
    assert model.storage is not None and model.storage.credentials_secret == "hf-token"


def test_labels_and_annotations_are_carried_except_those_manifold_sets(repo: Path) -> None:
    labelled = MODEL.replace(
        "name: small",
        "name: small\n  labels: {team: a, app.kubernetes.io/managed-by: manifold}\n"
        "  annotations: {example.com/owner: me, manifold.dev/note: x}",
    )
    (repo / "ome" / "model.yaml").write_text(labelled)
    text = _import(repo).read_text()
    assert (
        "  # left out, manifold sets them itself: label app.kubernetes.io/managed-by, "
        "annotation manifold.dev/note\n" in text
    )
    (model,) = Platform.model_validate(yamlio.load_one(text)).spec.models
    assert model.metadata is not None
    assert (model.metadata.labels, model.metadata.annotations) == (
        {"team": "a"},
        {"example.com/owner": "me"},
    )


def test_an_existing_file_is_kept_unless_forced(repo: Path) -> None:
    target = repo / "platform" / "ome.yaml"
    target.parent.mkdir()
    target.write_text("mine\n")
    with pytest.raises(UsageProblem, match="--force"):
        _import(repo)
    assert target.read_text() == "mine\n"
    _import(repo, force=True)
    assert target.read_text().startswith("# Imported")
    assert sorted(p.name for p in target.parent.iterdir()) == ["ome.yaml"]  # no temporary left


def test_nothing_is_written_when_one_object_is_refused(repo: Path) -> None:
    (repo / "ome" / "other.yaml").write_text(
        MODEL.replace("small", "other").replace("ome.io/v1beta1", "v1")
    )
    with pytest.raises(ProblemsFound) as raised:
        _import(repo)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.file, diagnostic.path) == ("ome/other.yaml", ("apiVersion",))
    assert not (repo / "platform").exists()


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            ("name: small", "name: small\n  labels: {team: 7}"),
            ("metadata", "labels", "team"),
            "not a string",
        ),
        (("kind: ClusterBaseModel", "kind: TrainingJob"), ("kind",), "not an OME kind"),
        (("kind: ClusterBaseModel", "kind: BaseModel"), ("metadata",), "no metadata.namespace"),
        (("kind: ClusterBaseModel", "kind: Widget"), ("kind",), "not an OME kind"),
        (("modelType: llama", "modelType: 7"), ("spec", "modelType"), "schema refuses"),
    ],
    ids=[
        "a label that is not a string",
        "a kind of the unreleased API",
        "a namespaced object without its namespace",
        "unknown kind",
        "a pass-through of the wrong type",
    ],
)
def test_refusals_point_at_the_field(
    repo: Path, change: tuple[str, str], path: tuple[str, ...], message: str
) -> None:
    (repo / "ome" / "model.yaml").write_text(MODEL.replace(*change))
    with pytest.raises(ProblemsFound) as raised:
        _import(repo)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.path == path
    assert message in diagnostic.message


def test_the_same_object_twice_is_refused(repo: Path) -> None:
    (repo / "ome" / "again.yaml").write_text(MODEL)
    with pytest.raises(ProblemsFound, match="cannot import") as raised:
        _import(repo)
    assert {d.file for d in raised.value.diagnostics} == {"ome/again.yaml", "ome/model.yaml"}


def test_a_field_that_would_not_render_back_is_refused() -> None:
    body = yamlio.load_one(MODEL)
    body["spec"]["storage"]["downloadPolicy"] = "ReuseIfExists"
    body["spec"]["maxTokens"] = 0  # manifold's model refuses it: not rendered back
    with pytest.raises(Exception, match="maxTokens"):
        entry_of(body)


def test_namespaced_objects_become_a_project_named_after_their_namespace(repo: Path) -> None:
    namespaced = MODEL.replace("ClusterBaseModel", "BaseModel").replace(
        "name: small", "name: small\n  namespace: team-a"
    )
    (repo / "ome" / "model.yaml").write_text(namespaced)
    text = _import(repo).read_text()
    assert "# They were in namespace team-a" in text
    project = Project.model_validate(yamlio.load_one(text))
    assert project.metadata.name == "team-a"
    (model,) = project.spec.models
    assert (model.name, model.scope, model.ome_spec) == (
        "small",
        "namespace",
        {"modelType": "llama"},
    )


def test_one_file_holds_one_namespace(repo: Path) -> None:
    other = MODEL.replace("ClusterBaseModel", "BaseModel").replace(
        "name: small", "name: other\n  namespace: team-b"
    )
    (repo / "ome" / "other.yaml").write_text(other)
    with pytest.raises(ProblemsFound) as raised:
        _import(repo)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.file == "ome/other.yaml"
    assert "one namespace" in diagnostic.message


def test_a_refusal_is_reported_once_when_paths_overlap(repo: Path) -> None:
    """`manifold import ome ome/model.yaml` (a folder and a file in it) reports each refusal
    of the file once, not once for each path that names it."""
    (repo / "ome" / "model.yaml").write_text(MODEL.replace("ome.io/v1beta1", "v1"))
    paths = (Path("ome"), Path("ome/model.yaml"))
    with pytest.raises(ProblemsFound) as raised:
        import_objects(ObjectImportOptions(repo, paths, Path("platform/ome.yaml"), False))
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.file, diagnostic.path) == ("ome/model.yaml", ("apiVersion",))


def test_objects_named_through_overlapping_paths_import_once(repo: Path) -> None:
    paths = (Path("ome/model.yaml"), Path("ome"))
    outcome = import_objects(ObjectImportOptions(repo, paths, Path("platform/ome.yaml"), False))
    assert outcome.details == {"to": "platform/ome.yaml", "objects": 1}
