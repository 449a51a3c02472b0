"""`manifold schemas import`: kubeconform's converter fixture, and real CRDs as the schemas
a repository's rendered objects are checked against."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from manifold.schemas.store import IMPORTED_LIST
from tests.conftest import SHARED, run_cli

FIXTURES = SHARED / "reference" / "kubeconform-fixtures" / "scripts-fixtures"
FIXTURE_CRD = FIXTURES / "prometheus-operator-0prometheusCustomResourceDefinition.yaml"
OME_FULL = SHARED / "reference" / "ome" / "crds" / "main" / "full"


def test_reproduces_kubeconforms_converter_output(shared: Path, tmp_path: Path) -> None:
    result = run_cli("schemas", "import", str(FIXTURE_CRD), "-o", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "monitoring.coreos.com" / "prometheus_v1.json"
    assert written.read_bytes() == (FIXTURES / "prometheus_v1-expected.json").read_bytes()
    assert not (tmp_path / IMPORTED_LIST).exists()


def test_reproduces_the_deny_root_variant(shared: Path, tmp_path: Path) -> None:
    args = ["-o", str(tmp_path), "--deny-root-additional-properties"]
    assert run_cli("schemas", "import", str(FIXTURE_CRD), *args).exit_code == 0
    written = tmp_path / "monitoring.coreos.com" / "prometheus_v1.json"
    expected = FIXTURES / "prometheus_v1-denyRootAdditionalProperties.json"
    assert written.read_bytes() == expected.read_bytes()


def test_gzipped_and_multi_document_files(shared: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.yaml.gz"
    texts = [
        (OME_FULL / "ome.io_basemodels.yaml").read_text(),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: ome}\n",
        (OME_FULL / "ome.io_acceleratorclasses.yaml").read_text(),
    ]
    bundle.write_bytes(gzip.compress("\n---\n".join(texts).encode()))
    output = tmp_path / "out"
    result = run_cli("schemas", "import", str(bundle), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert "2 schemas from 1 file" in result.stdout
    assert sorted(p.name for p in (output / "ome.io").iterdir()) == [
        "acceleratorclass_v1beta1.json",
        "basemodel_v1beta1.json",
    ]


def test_a_file_without_crds_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    not_a_crd = tmp_path / "namespace.yaml"
    not_a_crd.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")
    output = tmp_path / "out"
    result = run_cli("schemas", "import", str(not_a_crd), "-o", str(output))
    assert result.exit_code == 1
    assert "no CustomResourceDefinition" in result.stderr
    assert not output.exists()


def test_imported_schemas_replace_manifolds_and_survive_generate(
    shared: Path, example_repo: Path
) -> None:
    crd = OME_FULL / "ome.io_inferenceservices.yaml.gz"
    result = run_cli("schemas", "import", str(crd), "-C", str(example_repo))
    assert result.exit_code == 0, result.stderr
    imported = example_repo / "schemas" / "ome.io" / "inferenceservice_v1beta1.json"
    listing = (example_repo / "schemas" / IMPORTED_LIST).read_text()
    assert "ome.io/inferenceservice_v1beta1.json\n" in listing
    real = imported.read_text()
    assert json.loads(real)["properties"]["spec"]["properties"]["predictor"]

    assert run_cli("schemas", "generate", "-C", str(example_repo)).exit_code == 0
    assert imported.read_text() == real
    checked = run_cli("check", "-C", str(example_repo))
    assert checked.exit_code == 0, checked.stderr


def test_rendered_objects_are_checked_against_imported_schemas(
    shared: Path, example_repo: Path
) -> None:
    environment = example_repo / "environments" / "dev.yaml"
    # hostPID is in OME's real CRD, not among the fields manifold's own schema lists.
    environment.write_text(
        environment.read_text()
        + "  patches:\n"
        + "    - target: {kind: InferenceService}\n"
        + "      mergePatch: {spec: {engine: {hostPID: true}}}\n"
    )
    refused = run_cli("validate", "-C", str(example_repo))
    assert refused.exit_code == 1
    assert "unknown field 'hostPID'" in refused.stderr

    crd = OME_FULL / "ome.io_inferenceservices.yaml.gz"
    assert run_cli("schemas", "import", str(crd), "-C", str(example_repo)).exit_code == 0
    accepted = run_cli("validate", "-C", str(example_repo))
    assert accepted.exit_code == 0, accepted.stderr
