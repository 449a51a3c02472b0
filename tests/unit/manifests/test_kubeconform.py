"""The small translations between manifold and kubeconform."""

from __future__ import annotations

import pytest

from manifold.manifests.kubeconform import _path, applied, kubernetes_release


@pytest.mark.parametrize(
    ("version", "release"), [("1.31", "1.31.0"), ("v1.30", "1.30.0"), ("v1.30.2", "1.30.2")]
)
def test_kubeconform_wants_a_full_release(version: str, release: str) -> None:
    assert kubernetes_release(version) == release


def test_json_pointers_become_paths() -> None:
    assert _path("/spec/engine/tolerations/0/key") == ("spec", "engine", "tolerations", 0, "key")
    assert _path("/metadata/labels/app.kubernetes.io~1name") == (
        "metadata",
        "labels",
        "app.kubernetes.io/name",
    )
    assert _path("") == ()
    assert _path("no-leading-slash") == ()


def test_only_what_a_kustomization_applies_is_checked() -> None:
    """Files kept apart from what the controllers apply (requests for an API, notes) are not
    Kubernetes objects, and kubeconform would fail them."""
    files = {
        "dev/kustomization.yaml": "resources:\n- demo/configmap-a.yaml\n",
        "dev/demo/configmap-a.yaml": "kind: ConfigMap\n",
        "dev/requests/inference-a.json": "{}\n",
        "_flux/dev/kustomization.yaml": "resources:\n- kustomization-x.yaml\n",
        "_flux/dev/kustomization-x.yaml": "kind: Kustomization\n",
    }
    assert applied(files) == {
        "dev/demo/configmap-a.yaml": "kind: ConfigMap\n",
        "_flux/dev/kustomization-x.yaml": "kind: Kustomization\n",
    }
