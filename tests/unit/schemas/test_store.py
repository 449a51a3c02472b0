"""schemas/imported.txt as `manifold.schemas.store` reads it: repository-wide lines (a path)
and an environment's (a path, the file it came from and its digest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.schemas.store import ImportedFile, environment_imports, imported_files

DIGEST = "ab" * 32
PROD_MODEL = "environments/prod/ome.io/basemodel_v1beta1.json"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ome.io/basemodel_v1beta1.json", ImportedFile("ome.io/basemodel_v1beta1.json")),
        (
            f"{PROD_MODEL}  # from crds.yaml.gz, sha256 {DIGEST}",
            ImportedFile(PROD_MODEL, "crds.yaml.gz", DIGEST),
        ),
        (
            f"environments/qa/ome.io/user_v1beta1.json  # from a, b.yaml, sha256 {DIGEST}",
            ImportedFile("environments/qa/ome.io/user_v1beta1.json", "a, b.yaml", DIGEST),
        ),
        ("  ome.io/x_v1.json   # a note", ImportedFile("ome.io/x_v1.json")),
    ],
)
def test_a_line_reads_back_as_written(tmp_path: Path, line: str, expected: ImportedFile) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "imported.txt").write_text(f"# header\n\n{line}\n")
    assert imported_files(tmp_path) == [expected]
    if expected.source is not None:
        assert expected.line() == f"{line}\n"


def test_environment_imports_by_group(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    entries = [
        ImportedFile("ome.io/basemodel_v1beta1.json"),
        ImportedFile("environments/prod/ome.io/basemodel_v1beta1.json", "a.yaml", DIGEST),
        ImportedFile("environments/prod/ray.io/raycluster_v1.json", "b.yaml", DIGEST),
        ImportedFile("environments/dev/ome.io/user_v1beta1.json", "c.yaml", DIGEST),
    ]
    text = "".join(entry.line() for entry in entries)
    (tmp_path / "schemas" / "imported.txt").write_text(text)
    assert environment_imports(tmp_path, "prod") == {
        "ome.io": [entries[1]],
        "ray.io": [entries[2]],
    }
    assert environment_imports(tmp_path, "staging") == {}
    assert [entry.environment for entry in entries] == [None, "prod", "prod", "dev"]
