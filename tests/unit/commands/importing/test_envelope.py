"""What an imported object must be before its spec is looked at, one row per refusal: OME's
apiVersion, a kind the import takes, a name, a namespace for namespaced kinds, labels and
annotations that are maps of strings, and no other metadata a manifold file could not give
back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manifold.commands.importing.envelope import check_envelope
from manifold.commands.importing.reading import read
from manifold.targets.ome.keda import AUTOSCALER_CLASS

API = "ome.io/v1beta1"


def _check(body: dict[str, Any], tmp_path: Path) -> str | None:
    (tmp_path / "o.yaml").write_text(json.dumps(body))
    [found] = read(tmp_path, (Path("o.yaml"),))
    diagnostic = check_envelope(found)
    return (
        None
        if diagnostic is None
        else f"{'.'.join(map(str, diagnostic.path))}: {diagnostic.message}"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"apiVersion": API, "kind": "ClusterBaseModel", "metadata": {"name": "m"}}, None),
        (
            {"apiVersion": API, "kind": "BaseModel", "metadata": {"name": "m", "namespace": "n"}},
            None,
        ),
        ({"apiVersion": "v1", "kind": "BaseModel"}, "apiVersion: apiVersion 'v1' is not OME's"),
        ({"apiVersion": API, "kind": "BenchmarkJob"}, "metadata: the object has no metadata.name"),
        (
            {"apiVersion": API, "kind": "Pod"},
            "kind: kind 'Pod' is not an OME kind manifold imports",
        ),
        (
            {"apiVersion": API, "kind": "BaseModel", "metadata": {}},
            "metadata: the object has no metadata.name",
        ),
        (
            {"apiVersion": API, "kind": "BaseModel", "metadata": {"name": "m"}},
            "metadata: the BaseModel has no metadata.namespace",
        ),
        (
            {
                "apiVersion": API,
                "kind": "ClusterBaseModel",
                "metadata": {"name": "m", "namespace": "n"},
            },
            "metadata.namespace: metadata.namespace is not imported",
        ),
        (
            {
                "apiVersion": API,
                "kind": "BaseModel",
                "metadata": {"name": "m", "namespace": "n", "uid": "1"},
            },
            "metadata.uid: metadata.uid is not imported",
        ),
        (
            {
                "apiVersion": API,
                "kind": "ClusterBaseModel",
                "metadata": {"name": "m", "labels": {"tier": "gold"}, "annotations": {"a": "b"}},
            },
            None,
        ),
        (
            {
                "apiVersion": API,
                "kind": "ClusterBaseModel",
                "metadata": {"name": "m", "labels": []},
            },
            "metadata.labels: metadata.labels is not a mapping",
        ),
        (
            {
                "apiVersion": API,
                "kind": "AcceleratorClass",
                "metadata": {"name": "m", "annotations": {"replicas": 3}},
            },
            "metadata.annotations.replicas: metadata.annotations['replicas'] is not a string",
        ),
        (
            {
                "apiVersion": API,
                "kind": "InferenceService",
                "metadata": {
                    "name": "s",
                    "namespace": "n",
                    "annotations": {AUTOSCALER_CLASS: "keda"},
                },
            },
            None,
        ),
    ],
)
def test_envelope(body: dict[str, Any], problem: str | None, tmp_path: Path) -> None:
    found = _check(body, tmp_path)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem), found
