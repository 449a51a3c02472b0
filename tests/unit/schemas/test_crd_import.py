"""`manifold schemas import` (`manifold.schemas.crd_import`): CRD files into kubeconform's
layout, listed in schemas/imported.txt when they go into the repository (with source and
digest for one environment's), nothing written when any file is refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from manifold.core.errors import ProblemsFound
from manifold.core.options import ImportOptions
from manifold.schemas.crd_import import LISTING_HEADER, import_schemas
from manifold.schemas.store import ImportedFile, imported_files
from tests.unit.schemas.test_crd import CRD

WIDGET = "example.io/widget_v1.json"


def _repository(tmp_path: Path, *environments: str) -> Path:
    root = tmp_path / "repo"
    (root / "environments").mkdir(parents=True)
    for name in environments:
        (root / "environments" / f"{name}.yaml").write_text("")
    return root


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_into_the_repository_the_schema_is_written_and_listed(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    outcome = import_schemas(ImportOptions(root, (_file(tmp_path, "w.yaml", CRD),)))
    assert outcome.summary == "schemas/: 1 schema from 1 file"
    schema = json.loads((root / "schemas" / WIDGET).read_text())
    assert "size" in schema["properties"]["spec"]["properties"]
    listing = (root / "schemas" / "imported.txt").read_text()
    assert listing == LISTING_HEADER + WIDGET + "\n"
    assert imported_files(root) == [ImportedFile(WIDGET)]


def test_a_list_of_crds_and_other_objects_beside_them_are_read(tmp_path: Path) -> None:
    indented = "".join(f"  {line}\n" for line in CRD.splitlines())
    bundle = f"kind: List\nitems:\n- {indented[2:]}---\nkind: Namespace\nmetadata: {{name: x}}\n"
    root = _repository(tmp_path)
    import_schemas(ImportOptions(root, (_file(tmp_path, "bundle.yaml", bundle),)))
    assert (root / "schemas" / WIDGET).is_file()


def test_a_later_import_keeps_what_was_listed_before(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    import_schemas(ImportOptions(root, (_file(tmp_path, "w.yaml", CRD),)))
    gadget = CRD.replace("Widget", "Gadget")
    import_schemas(ImportOptions(root, (_file(tmp_path, "g.yaml", gadget),)))
    assert [f.path for f in imported_files(root)] == ["example.io/gadget_v1.json", WIDGET]


def test_for_one_environment_the_listing_names_source_and_digest(tmp_path: Path) -> None:
    root = _repository(tmp_path, "dev", "prod")
    options = ImportOptions(root, (_file(tmp_path, "w.yaml", CRD),), environment="dev")
    assert import_schemas(options).summary == "schemas/environments/dev/: 1 schema from 1 file"
    relative = f"environments/dev/{WIDGET}"
    text = (root / "schemas" / relative).read_text()
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert imported_files(root) == [ImportedFile(relative, "w.yaml", digest)]


def test_into_another_folder_it_only_converts(tmp_path: Path) -> None:
    root, out = _repository(tmp_path), tmp_path / "out"
    outcome = import_schemas(ImportOptions(root, (_file(tmp_path, "w.yaml", CRD),), output=out))
    assert outcome.summary == f"{out}: 1 schema from 1 file"
    assert (out / WIDGET).is_file()
    assert not (out / "imported.txt").exists() and not (root / "schemas").exists()


@pytest.mark.parametrize(
    ("text", "environment", "message"),
    [
        (None, None, "cannot read file"),
        ("a: [\n", None, ""),
        ("kind: ConfigMap\n", None, "no CustomResourceDefinition with an openAPIV3Schema"),
        (CRD, "staging", "no environment 'staging' in environments/"),
    ],
)
def test_a_refused_file_or_environment_writes_nothing(
    tmp_path: Path, text: str | None, environment: str | None, message: str
) -> None:
    root = _repository(tmp_path, "dev")
    good = _file(tmp_path, "good.yaml", CRD)
    bad = tmp_path / "bad.yaml" if text is None else _file(tmp_path, "bad.yaml", text)
    with pytest.raises(ProblemsFound, match="nothing was imported") as raised:
        import_schemas(ImportOptions(root, (good, bad), environment=environment))
    (problem,) = raised.value.diagnostics
    assert message in problem.message
    if environment is None:
        assert problem.file == str(bad)
    else:
        assert problem.hint == "name one of: dev"
    assert not (root / "schemas").exists()


def test_omes_real_crds_import(shared: Path, tmp_path: Path) -> None:
    files = tuple(
        sorted((shared / "reference" / "ome" / "crds" / "main" / "minimal").glob("*.yaml"))
    )
    root = _repository(tmp_path)
    outcome = import_schemas(ImportOptions(root, files))
    assert outcome.summary.endswith(f"from {len(files)} files")
    listed = {f.path for f in imported_files(root)}
    assert "ome.io/inferenceservice_v1beta1.json" in listed
