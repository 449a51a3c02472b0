"""What Substratus's controller (upstream 7352fb0) adds to a pod, and the notebook rule a
project can break: NOTEBOOK_TOKEN is set after a notebook's own variables
(notebook_controller.go:331-335), so a notebook's own is refused where it is written."""

from __future__ import annotations

import pytest

from manifold.core.diagnostics import Severity
from manifold.models.env import EnvValue
from manifold.targets.substratus import controller
from tests.unit.targets.substratus.inputs import messages, problems

MODEL = "models: [{name: m, source: 'hf://a/b'}]"
REFUSED = (
    "Substratus sets NOTEBOOK_TOKEN to 'default' after a notebook's own variables, so this one "
    "never reaches the container (and Jupyter's token is 'default')"
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "notebooks: [{name: lab, image: i, env: [{name: A, value: '1'},"
            " {name: NOTEBOOK_TOKEN, secret: {name: nb, key: token}}]}]",
            [f"notebooks[0].env[1].name: {REFUSED}"],
        ),
        (  # first in the list
            "notebooks: [{name: lab, image: i,"
            " env: [{name: NOTEBOOK_TOKEN, secret: {name: other, key: t}}]}]",
            [f"notebooks[0].env[0].name: {REFUSED}"],
        ),
        (
            "notebooks: [{name: lab, image: i,"
            " env: [{name: JUPYTER_TOKEN, secret: {name: nb, key: token}}]}]",
            [],
        ),
        ("notebooks: [{name: lab, image: i}]", []),
        (  # a server has no token of the controller's
            f"{MODEL}\nservices: [{{name: s, model: m, image: i,"
            " env: [{name: NOTEBOOK_TOKEN, secret: {name: nb, key: token}}]}]",
            [],
        ),
    ],
)
def test_a_notebooks_own_token_is_refused(spec: str, expected: list[str]) -> None:
    found = problems(spec)
    assert messages(found) == expected
    assert all(p.severity is Severity.ERROR for p in found)


def test_the_token_check_points_at_each_name() -> None:
    variables = [EnvValue(name="NOTEBOOK_TOKEN", value="a"), EnvValue(name="B", value="b")]
    assert [p.path for p in controller.notebook_token(variables, ("env",))] == [("env", 0, "name")]


def test_the_defaults_are_the_controllers_and_the_crds() -> None:
    """resources.go:22-26 (no resources; gigabyte = 2^30, utils.go:10) and
    common_types.go:78-88 (the CRD's per field)."""
    assert controller.NO_RESOURCES == {"cpu": 2, "memory": "4Gi", "disk": "100Gi"}
    assert controller.CRD_DEFAULTS == {"cpu": 2, "memory": "10Gi", "disk": "10Gi"}


def test_a_notebooks_default_command_is_jupyter_lab_with_the_token() -> None:
    """notebook_controller.go:320-329: Jupyter Lab on /content, its token from the variable."""
    command = controller.NOTEBOOK_COMMAND
    assert command[:2] == ("jupyter", "lab")
    assert "--NotebookApp.token=$(NOTEBOOK_TOKEN)" in command
    assert "--notebook-dir=/content" in command
