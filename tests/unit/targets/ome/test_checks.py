"""What OME would refuse, checked before rendering (`manifold.targets.ome.checks`): one rule a
row in checks.yaml (sqlglot keeps one fixture file per pass): a project spec in, each
problem `check` gives out, its path and how its message begins.
Scenario, router and priority rules have their own modules and tests (benchmark_checks,
routers, conflicts); here is how `check` gathers them and the rules it holds itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from manifold.core.jsonpath import format_json_path
from manifold.targets.ome.checks import check, gpu_shares
from tests.unit.helpers import lone_catalog, project_instance

RULES = Path(__file__).with_name("checks.yaml")


def _cases() -> list[Any]:
    cases = yaml.safe_load(RULES.read_text(encoding="utf-8"))["cases"]
    return [pytest.param(case["spec"], case["problems"], id=case["rule"]) for case in cases]


@pytest.mark.parametrize(("spec", "expected"), _cases())
def test_rule(spec: str, expected: list[dict[str, str]]) -> None:
    instance = project_instance("ome", spec)
    found = [(format_json_path(p.path), p.message) for p in check(instance, lone_catalog(instance))]
    assert len(found) == len(expected), found
    for (path, message), want in zip(found, expected, strict=True):
        assert (path, message[: len(want["starts"])]) == (want["path"], want["starts"])


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        ({"gpu": {"count": 1}}, []),
        ({"gpu": {"portion": 0.5, "memory": "20Gi"}}, [("gpu", "portion"), ("gpu", "memory")]),
        (
            {"a": [{"resources": {"gpu": {"memory": "1Gi"}}}]},
            [("a", 0, "resources", "gpu", "memory")],
        ),
        ({"gpu": "whole"}, []),
    ],
)
def test_gpu_shares_are_found_at_any_depth(data: Any, paths: list[tuple[Any, ...]]) -> None:
    assert [problem.path for problem in gpu_shares(data)] == paths
