"""kubeconform's schema locations: template variables, versions, what is refused."""

from __future__ import annotations

import pytest

from manifold.core.errors import UsageProblem
from manifold.schemas.kubernetes import supported_kubernetes_versions
from manifold.schemas.locations import Kind, SchemaLocations, expand, kubernetes_version


@pytest.mark.parametrize(
    ("api_version", "kind", "expected"),
    [
        ("v1", "Service", ("v1", "service", "v1", "-v1")),
        ("apps/v1", "Deployment", ("apps", "deployment", "v1", "-apps-v1")),
        (
            "sagemaker.aws.amazon.com/v1",
            "TrainingJob",
            ("sagemaker.aws.amazon.com", "trainingjob", "v1", "-sagemaker-v1"),
        ),
    ],
)
def test_template_variables(api_version: str, kind: str, expected: tuple[str, ...]) -> None:
    variables = Kind(api_version, kind).variables(kubernetes_version("1.30.2"), strict=True)
    assert (
        variables["Group"],
        variables["ResourceKind"],
        variables["ResourceAPIVersion"],
        variables["KindSuffix"],
    ) == expected
    assert variables["NormalizedKubernetesVersion"] == "v1.30.2"
    assert variables["StrictSuffix"] == "-strict"


def test_templates_accept_go_spacing() -> None:
    variables = Kind("apps/v1", "Deployment").variables(kubernetes_version(None), strict=False)
    assert expand("x/{{.Group}}/{{ .ResourceKind }}{{- .KindSuffix -}}.json", variables) == (
        "x/apps/deployment-apps-v1.json"
    )


def test_versions() -> None:
    newest = supported_kubernetes_versions()[-1]
    assert kubernetes_version(None) == kubernetes_version("master")
    assert kubernetes_version("master").bundled == newest
    assert kubernetes_version("1.31").name == "1.31.0"
    old = kubernetes_version("1.20.0")
    assert old.fallback and old.bundled == supported_kubernetes_versions()[0]
    with pytest.raises(UsageProblem):
        kubernetes_version("latest")


@pytest.mark.parametrize(
    "location", ["x/{{ .Foo }}.json", "x/{{ .Group }.json", "{{ printf }}.json"]
)
def test_unknown_template_constructs_are_refused(location: str) -> None:
    with pytest.raises(UsageProblem, match="failed initialising"):
        SchemaLocations((location,), version=kubernetes_version(None), strict=False, cache=None)
