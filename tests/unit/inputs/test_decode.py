"""Stage 2, `Document` -> model: one diagnostic per problem, placed at its file:line:column,
the wrong kind named with its folder, nulls allowed (a layer removes inherited values), and a
credential told on its own without quoting it elsewhere."""

from __future__ import annotations

import textwrap

import pytest

from manifold.core.diagnostics import Position, Problem, problem_diagnostic
from manifold.inputs.decode import credential_problems, decode
from manifold.models import Project
from tests.unit.helpers import document

PROJECT = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: demo, team: ai}
spec:
  platform: ome
"""


def test_a_valid_project_decodes_without_diagnostics() -> None:
    project, diagnostics = decode(document("projects/demo.yaml", PROJECT), "Project")
    assert isinstance(project, Project)
    assert project.metadata.name == "demo"
    assert diagnostics == []


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "file is empty; it should hold one Project", (1, 1)),
        ("- a\n- b\n", "the top level must be a mapping", (1, 1)),
        ("kind: Environment\n", "files under projects/ hold a Project, not an Environment", (1, 7)),
        (PROJECT + "  replicas: 2\n", "replicas", (6, 3)),
    ],
    ids=["empty", "not-a-mapping", "wrong-kind", "unknown-field"],
)
def test_a_document_that_is_no_project_says_why_and_where(
    text: str, message: str, position: tuple[int, int]
) -> None:
    project, diagnostics = decode(document("projects/demo.yaml", text), "Project")
    assert project is None
    [diagnostic] = diagnostics
    assert message in diagnostic.message
    assert diagnostic.file == "projects/demo.yaml"
    assert diagnostic.position == Position(*position)


def test_a_platform_file_that_holds_a_project_names_its_folder() -> None:
    _, [diagnostic] = decode(document("platform/x.yaml", PROJECT), "Platform")
    assert diagnostic.message == "files under platform/ hold a Platform, not a Project"


def test_null_removes_an_inherited_value_and_is_not_a_problem() -> None:
    text = PROJECT + "  serviceAccount: null\n"
    project, diagnostics = decode(document("projects/demo.yaml", text), "Project")
    assert diagnostics == [] and project is not None


def test_a_credential_is_told_once_and_the_model_refused() -> None:
    text = PROJECT.replace("team: ai}", "team: ai, annotations: {token: ghp_" + "a" * 36 + "}}")
    project, diagnostics = decode(document("projects/demo.yaml", text), "Project")
    assert project is None
    assert len(diagnostics) == 1
    assert "must not hold credentials" in diagnostics[0].message
    assert "a" * 36 not in diagnostics[0].message  # masked
    assert diagnostics[0].hint


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ({"env": [{"name": "T", "value": "ghp_" + "a" * 36}]}, "secret: {name: SECRET"),
        ({"args": ["--token=ghp_" + "a" * 36]}, "$(VARIABLE)"),
        ({"storage": {"uri": "s3://AKIAIOSFODNN7EXAMPLE:x@b"}}, "credentialsSecret"),
    ],
    ids=["env", "args", "storage"],
)
def test_credential_advice_fits_where_the_credential_is(data: dict[str, object], hint: str) -> None:
    problems = credential_problems(data)
    assert problems, data
    assert all(hint in (p.hint or "") for p in problems)


def test_plain_values_are_no_credentials() -> None:
    assert credential_problems({"env": [{"name": "MODE", "value": "fast"}], "replicas": 2}) == []


def test_problem_diagnostic_locates_the_path_in_the_document() -> None:
    doc = document("projects/demo.yaml", textwrap.dedent(PROJECT))
    diagnostic = problem_diagnostic(doc, Problem(("spec", "platform"), "no", hint="do"))
    assert (diagnostic.file, diagnostic.position, diagnostic.path) == (
        "projects/demo.yaml",
        Position(5, 13),
        ("spec", "platform"),
    )
    assert diagnostic.hint == "do"
