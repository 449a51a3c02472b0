"""The Substratus target as the registry holds it: the schemas of its levels' kinds. Its
rules are tested where they live: convert, render, platform and the level modules."""

from __future__ import annotations

from manifold.targets.registry import get_target

TARGET = get_target("substratus")


def test_kinds_that_share_a_name_across_levels_have_a_schema_with_variants() -> None:
    schemas = {kind.kind: kind.schema() for kind in TARGET.output_kinds()}
    variants = {
        kind: [ref["$ref"].rsplit("/", 1)[1] for ref in schema.get("anyOf", [])]
        for kind, schema in schemas.items()
    }
    assert variants == {
        "Dataset": ["v0.10", "v0.3"],
        "Model": ["v0.10", "v0.3"],
        "ModelServer": ["v0.3", "v0.4.0"],
        "Notebook": ["v0.10", "v0.3"],
        "Server": [],
    }
