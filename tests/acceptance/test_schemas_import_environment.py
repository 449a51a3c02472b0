"""`manifold schemas import --env`: the CRDs one environment's cluster runs, and that
environment alone checked against exactly them (issue 18 §1), with the real CRDs of released
OME (`../shared/reference/ome/crds/main/full`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from manifold.core import yaml as yamlio
from manifold.schemas.crd import read_crd_documents
from manifold.schemas.store import IMPORTED_LIST
from tests.conftest import SHARED, run_cli

RELEASED = SHARED / "reference" / "ome" / "crds" / "main" / "full"
ISVC_CRD = RELEASED / "ome.io_inferenceservices.yaml.gz"
HOST_PID_PATCH = (
    "  patches:\n"
    "    - target: {kind: InferenceService}\n"
    "      mergePatch: {spec: {engine: {hostPID: true}}}\n"
)


def _released_crds() -> list[str]:
    """Every released CRD, the real (gzipped) file where a pruned copy exists beside it."""
    return sorted(str(path) for path in RELEASED.iterdir() if ".pruned." not in path.name)


def _import(root: Path, environment: str, *files: str) -> None:
    result = run_cli("schemas", "import", *files, "--env", environment, "-C", str(root))
    assert result.exit_code == 0, result.stderr


def _rendered(root: Path) -> dict[str, bytes]:
    folder = root / "rendered"
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_released_crds_imported_for_prod_check_prod_alone(shared: Path, example_repo: Path) -> None:
    _import(example_repo, "prod", *_released_crds())
    mine = example_repo / "schemas" / "environments" / "prod" / "ome.io"
    assert len(list(mine.glob("*.json"))) == 8
    listing = (example_repo / "schemas" / IMPORTED_LIST).read_text()
    text = (mine / "inferenceservice_v1beta1.json").read_text()
    digest = hashlib.sha256(text.encode()).hexdigest()
    line = "environments/prod/ome.io/inferenceservice_v1beta1.json  # from "
    assert f"{line}ome.io_inferenceservices.yaml.gz, sha256 {digest}\n" in listing
    # Nothing else changes: the repository-wide schemas stay manifold's own.
    assert run_cli("schemas", "generate", "-C", str(example_repo)).exit_code == 0
    assert (mine / "inferenceservice_v1beta1.json").read_text() == text
    checked = run_cli("check", "-C", str(example_repo))
    assert checked.exit_code == 0, checked.stderr

    # hostPID is in OME's real CRD, not among the fields manifold's own schema lists:
    # prod (imported) accepts it, dev (manifold's schemas) still refuses it.
    prod = example_repo / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("  patches:\n", HOST_PID_PATCH, 1))
    dev = example_repo / "environments" / "dev.yaml"
    dev.write_text(dev.read_text() + HOST_PID_PATCH)
    refused = run_cli("render", "-C", str(example_repo), "--env", "dev")
    assert refused.exit_code == 1
    assert "unknown field 'hostPID'" in refused.stderr
    accepted = run_cli("render", "-C", str(example_repo), "--env", "prod")
    assert accepted.exit_code == 0, accepted.stderr


def test_a_kind_the_imported_crds_lack_is_refused_where_it_is_asked_for(
    shared: Path, example_repo: Path
) -> None:
    _import(example_repo, "prod", str(ISVC_CRD))
    before = _rendered(example_repo)
    result = run_cli("render", "-C", str(example_repo))
    assert result.exit_code == 1
    assert (
        "ClusterServingRuntime (ome.io/v1beta1) is not among the CRDs imported for "
        "environment 'prod' (from ome.io_inferenceservices.yaml.gz; listed in "
        "schemas/imported.txt)"
    ) in result.stderr
    assert "platform/ml-platform.yaml:" in result.stderr
    assert "manifold schemas import FILE --env prod" in result.stderr
    assert "Traceback" not in result.stderr
    assert _rendered(example_repo) == before


def test_released_crds_imported_for_a_full_environment_refuse_its_pr5_kinds(
    shared: Path, example_repo: Path
) -> None:
    _import(example_repo, "dev", *_released_crds())
    result = run_cli("render", "-C", str(example_repo), "--env", "dev")
    assert result.exit_code == 1
    assert "TrainingJob (ome.io/v1beta1) is not among the CRDs imported for environment 'dev'" in (
        result.stderr
    )
    assert "ome.io_acceleratorclasses.yaml" in result.stderr


def test_check_reports_an_imported_file_edited_or_removed(shared: Path, example_repo: Path) -> None:
    _import(example_repo, "prod", *_released_crds())
    mine = example_repo / "schemas" / "environments" / "prod" / "ome.io"
    edited = mine / "inferenceservice_v1beta1.json"
    edited.write_text(edited.read_text().replace('"hostPID"', '"hostPid"'))
    (mine / "basemodel_v1beta1.json").unlink()
    result = run_cli("check", "-C", str(example_repo))
    assert result.exit_code == 3, result.stderr
    assert (
        "schemas/environments/prod/ome.io/inferenceservice_v1beta1.json: edited since it was "
        "imported from ome.io_inferenceservices.yaml.gz"
    ) in result.stderr
    assert "schemas/environments/prod/ome.io/basemodel_v1beta1.json: missing: import" in (
        result.stderr
    )


def test_an_unknown_environment_is_an_error_and_nothing_is_written(
    shared: Path, example_repo: Path
) -> None:
    result = run_cli("schemas", "import", str(ISVC_CRD), "--env", "qa", "-C", str(example_repo))
    assert result.exit_code == 1
    assert "no environment 'qa' in environments/" in result.stderr
    assert "dev, prod, staging" in result.stderr
    assert not (example_repo / "schemas" / "environments").exists()


def test_env_and_output_exclude_each_other(tmp_path: Path) -> None:
    result = run_cli("schemas", "import", "x.yaml", "--env", "prod", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "--env imports into the repository" in result.stderr


def test_a_kubectl_list_of_crds_imports_each(shared: Path, example_repo: Path) -> None:
    """`kubectl get crd A B -o yaml` prints one `kind: List`."""
    crds = [read_crd_documents(Path(path).read_bytes())[0] for path in _released_crds()]
    listed = example_repo / "prod-ome.yaml"
    listed.write_text(yamlio.emit({"apiVersion": "v1", "kind": "List", "items": crds}))
    result = run_cli("schemas", "import", str(listed), "--env", "prod", "-C", str(example_repo))
    assert result.exit_code == 0, result.stderr
    assert "8 schemas from 1 file" in result.stdout
    listing = (example_repo / "schemas" / IMPORTED_LIST).read_text()
    assert "environments/prod/ome.io/basemodel_v1beta1.json  # from prod-ome.yaml, " in listing
    checked = run_cli("check", "-C", str(example_repo))
    assert checked.exit_code == 0, checked.stderr
