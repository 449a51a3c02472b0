"""pipeline.drift: what `check` says of rendered/ and schemas/ besides the build."""

from __future__ import annotations

from pathlib import Path

from manifold.output.writer import Changes
from manifold.pipeline import drift


def test_schema_drift_names_a_schema_file_out_of_date(example_repo: Path) -> None:
    assert drift.schema_drift(example_repo) == []
    schema = next(p for p in sorted((example_repo / "schemas").rglob("*.json")))
    schema.write_text("{}\n")
    [found] = drift.schema_drift(example_repo)
    assert found.file == schema.relative_to(example_repo).as_posix()
    assert "stale: run `manifold schemas generate`" in found.message


def test_a_missing_schema_file_is_named(example_repo: Path) -> None:
    schema = next(p for p in sorted((example_repo / "schemas").rglob("*.json")))
    schema.unlink()
    [found] = drift.schema_drift(example_repo)
    assert (found.file, found.message) == (
        schema.relative_to(example_repo).as_posix(),
        "missing: run `manifold schemas generate`",
    )


def test_each_change_of_rendered_is_told_with_what_to_do() -> None:
    changes = Changes(added=("dev/a.yaml",), changed=("dev/b.yaml",), removed=("dev/c.yaml",))
    assert [(d.file, d.message) for d in drift.rendered_drift(changes)] == [
        ("rendered/dev/a.yaml", "missing: run `manifold render`"),
        ("rendered/dev/b.yaml", "differs from what the inputs produce: run `manifold render`"),
        ("rendered/dev/c.yaml", "no longer produced by the inputs: run `manifold render`"),
    ]


def test_the_side_work_reads_rendered_once_and_schemas_only_when_owned(example_repo: Path) -> None:
    side = drift.CheckSideWork(example_repo, schemas_owned=False)
    assert side.generated() == {}
    (example_repo / "schemas" / "manifold.dev" / "project_v1alpha1.json").write_text("{}\n")
    side()
    assert side.schemas == []  # another shard owns schemas/
    assert side.generated()  # rendered/ was read
    current = side.tree()
    side.read_tree()
    assert side.tree() is current
    owner = drift.CheckSideWork(example_repo, schemas_owned=True)
    owner()
    assert [d.file for d in owner.schemas] == ["schemas/manifold.dev/project_v1alpha1.json"]
