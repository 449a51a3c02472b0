"""Which documents `manifold validate` takes for kustomize's own configuration: by content."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.manifests.validate import is_kustomize_config

CASES: list[tuple[str, dict[str, Any], bool]] = [
    (
        "kustomize v1beta1",
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"},
        True,
    ),
    (
        "kustomize component",
        {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component"},
        True,
    ),
    ("no apiVersion, kind Kustomization", {"kind": "Kustomization", "resources": []}, True),
    ("neither apiVersion nor kind, kustomize fields", {"resources": ["a.yaml"]}, True),
    ("neither apiVersion nor kind, no kustomize field", {"metadata": {"name": "x"}}, False),
    (
        "Flux Kustomization",
        {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization"},
        False,
    ),
    ("a look-alike group", {"apiVersion": "kustomize.config.k8s.io.evil/v1", "kind": "X"}, False),
    ("a ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap"}, False),
    ("no apiVersion, another kind", {"kind": "ConfigMap", "resources": []}, False),
    ("apiVersion not a string", {"apiVersion": 1, "kind": "Kustomization"}, False),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_kustomize_config_is_told_by_content(body: dict[str, Any], expected: bool) -> None:
    assert is_kustomize_config(body) is expected
