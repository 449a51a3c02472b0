"""Project and platform instances: names, the project's own file first among its sources, and
`origin` tracing a merged path to the file that set it."""

from __future__ import annotations

from manifold.compile.instances import PlatformFile, ProjectFile
from manifold.inputs.decode import decode
from tests.unit.helpers import document, project_instance

PLATFORM = """\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {name: shared, team: platform}
spec: {platform: ome, namespace: models}
"""


def test_a_project_instance_names_its_project_and_sources() -> None:
    instance = project_instance("ome", "models: [{name: m, source: 'hf://a/b'}]", "labels: {a: b}")
    assert instance.name == "demo"
    assert instance.metadata.team == "ai"
    assert instance.project_path == "projects/demo.yaml" == instance.sources[0]
    assert instance.sources[1:] == instance.environment.source_paths
    assert instance.namespace == "demo-dev"
    origin = instance.origin(("models", 0, "source"))
    assert (origin.file, origin.path) == ("projects/demo.yaml", ("spec", "models", 0, "source"))


def test_files_give_their_name_and_raw_spec() -> None:
    doc = document("platform/shared.yaml", PLATFORM)
    platform, _ = decode(doc, "Platform")
    assert platform is not None
    file = PlatformFile(doc, platform)
    assert (file.name, file.raw_spec) == ("shared", {"platform": "ome", "namespace": "models"})
    project_doc = document(
        "projects/p.yaml",
        "apiVersion: manifold.dev/v1alpha1\nkind: Project\n"
        "metadata: {name: p, team: t}\nspec: {platform: ome}\n",
    )
    project, _ = decode(project_doc, "Project")
    assert project is not None
    assert ProjectFile(project_doc, project).name == "p"
    assert ProjectFile(project_doc, project).raw_spec == {"platform": "ome"}
