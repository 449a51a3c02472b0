"""The Kubernetes versions with bundled schemas, found in kubernetes-validate's folder
without importing it."""

from __future__ import annotations

import subprocess
import sys

from manifold.schemas.kubernetes import bundled_schemas_folder, supported_kubernetes_versions


def test_versions_are_minor_versions_in_numeric_order() -> None:
    versions = supported_kubernetes_versions()
    assert versions, "kubernetes-validate bundles no schemas"
    parsed = [tuple(int(part) for part in version.split(".")) for version in versions]
    assert all(len(version) == 2 for version in parsed)
    assert parsed == sorted(parsed) and len(set(parsed)) == len(parsed)
    assert "1.9" not in versions or parsed.index((1, 9)) < parsed.index((1, 10))


def test_each_version_has_its_strict_schema_folder() -> None:
    folder = bundled_schemas_folder()
    for version in supported_kubernetes_versions():
        assert any(folder.glob(f"v{version}.*-local-strict")), version


def test_the_versions_are_found_without_importing_kubernetes_validate() -> None:
    code = (
        "import sys; from manifold.schemas.kubernetes import supported_kubernetes_versions as v; "
        "v(); print('kubernetes_validate' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
