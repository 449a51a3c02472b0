"""Each target's rules as tables, one fixture file per rule family (`rules/<platform>/*.yaml`),
as sqlglot keeps one fixture file per optimizer pass: a project spec in, the exact problems
out. A broken rule fails here by its name, not as a whole-tree snapshot diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from manifold.core.jsonpath import format_json_path
from manifold.targets.registry import get_target
from tests.unit.helpers import lone_catalog, project_instance

RULES = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    cases = []
    for fixture in sorted(RULES.glob("*/*.yaml")):
        family = yaml.safe_load(fixture.read_text())
        for case in family["cases"]:
            cases.append(
                pytest.param(
                    family["platform"],
                    family.get("environment", ""),
                    family.get("base", "") + case["spec"],
                    case["problems"],
                    id=f"{fixture.parent.name}/{fixture.stem}: {case['rule']}",
                )
            )
    return cases


@pytest.mark.parametrize(("platform", "environment", "spec", "expected"), _cases())
def test_rule(platform: str, environment: str, spec: str, expected: list[dict[str, str]]) -> None:
    instance = project_instance(platform, spec, environment)
    problems, manifests = get_target(platform).compile(instance, lone_catalog(instance))
    found = [{"path": format_json_path(p.path), "message": p.message} for p in problems]
    assert found == expected
    assert (manifests is None) == bool(expected)
