"""Rendered objects: Kubernetes' naming rules (names also name files), and unusable schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.compile.validate import identity_errors, object_errors
from manifold.schemas.store import SchemaStore


def _object(kind: str = "ConfigMap", **metadata: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": kind, "metadata": metadata}


@pytest.mark.parametrize(
    "name", ["../../etc/x", "/etc/x", "a\x00b", "Upper", "x" * 254, "-dash", "a_b", ""]
)
def test_names_kubernetes_refuses_are_errors(name: str) -> None:
    errors = identity_errors(_object(name=name))
    assert [error.path for error in errors] == [("metadata", "name")]


@pytest.mark.parametrize("name", ["chat", "a.b-c", "x" * 253, "0"])
def test_dns_subdomains_are_names(name: str) -> None:
    assert identity_errors(_object(name=name)) == []


def test_namespaces_and_namespace_objects_are_dns_labels() -> None:
    assert identity_errors(_object(name="a", namespace="a.b"))[0].path == ("metadata", "namespace")
    assert identity_errors(_object("Namespace", name="a.b"))[0].path == ("metadata", "name")


def test_an_api_version_that_is_a_path_is_refused_before_any_schema(tmp_path: Path) -> None:
    body = {**_object(name="a"), "apiVersion": "../../../tmp/v1"}
    errors = object_errors(body, SchemaStore(tmp_path), "1.33")
    assert [error.path for error in errors] == [("apiVersion",)]


def test_a_kind_that_is_not_camel_case_is_refused_before_any_schema(tmp_path: Path) -> None:
    errors = object_errors(_object("../Evil", name="a"), SchemaStore(tmp_path), "1.33")
    assert [(error.path, error.message) for error in errors] == [
        (("kind",), "'../Evil' is not a kind (CamelCase letters)")
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "is not valid JSON"),
        ('{"type": 12}', "is not a usable JSON Schema"),
        ('{"$ref": "https://example.com/s.json"}', "refers to 'https://example.com/s.json'"),
        ('{"$ref": "file:///etc/passwd"}', "refers to 'file:///etc/passwd'"),
    ],
)
def test_an_unusable_schema_file_is_an_error_for_its_objects(
    tmp_path: Path, content: str, reason: str
) -> None:
    schema = tmp_path / "schemas" / "v1" / "configmap_v1.json"
    schema.parent.mkdir(parents=True)
    schema.write_text(content)
    errors = object_errors(_object(name="a"), SchemaStore(tmp_path), "1.33")
    assert len(errors) == 1
    assert errors[0].message.startswith("its schema schemas/v1/configmap_v1.json ")
    assert reason in errors[0].message


@pytest.mark.parametrize(
    ("labels", "problem"),
    [
        ({"app.kubernetes.io/name": "x" * 63}, None),
        ({"app.kubernetes.io/name": ""}, None),
        ({"team": "ml_platform.v2"}, None),
        ({"app.kubernetes.io/name": "x" * 64}, "is 64 characters long; at most 63"),
        ({"tier": "-edge"}, "must start and end with a letter or digit"),
        ({"tier": "a b"}, "may hold only letters, digits"),
        ({"tier": 3}, "a label value must be text"),
        ({"Not_A.Domain/x": "v"}, "has a prefix that is not a DNS-1123 subdomain"),
        ({"example.com/": "v"}, "is not a qualified name"),
        ({"k" * 64: "v"}, "is not a qualified name"),
    ],
)
def test_label_keys_and_values_are_what_the_api_server_accepts(
    labels: dict[str, Any], problem: str | None
) -> None:
    errors = identity_errors({"kind": "ConfigMap", "metadata": {"name": "a", "labels": labels}})
    if problem is None:
        assert errors == []
    else:
        assert len(errors) == 1
        assert errors[0].path == ("metadata", "labels", next(iter(labels)))
        assert problem in errors[0].message
