"""Each platform checks its own blocks: problems at the block's path, in the usual wording."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.blocks import block_problems
from manifold.models.project import ProjectSpec

SERVICE = {"name": "answer", "model": "tiny-llm"}


def _spec(*services: dict[str, Any]) -> dict[str, Any]:
    return {"platform": "runai", "services": list(services)}


@pytest.mark.parametrize(
    ("runai", "expected"),
    [
        ({"preemptibility": "preemptible"}, []),
        ({"preemptable": True}, [(("services", 0, "runai", "preemptable"), "unknown field")]),
        (
            {"exposedUrls": [{"container": 70000}]},
            [(("services", 0, "runai", "exposedUrls", 0, "container"), "must be at most 65535")],
        ),
        (5, []),  # not a mapping: the spec's own check says so
    ],
)
def test_runai_block(runai: Any, expected: list[tuple[tuple[Any, ...], str]]) -> None:
    problems = block_problems(ProjectSpec, _spec({**SERVICE, "runai": runai}))
    assert [p.path for p in problems] == [path for path, _ in expected]
    assert all(p.message.startswith(m) for p, (_, m) in zip(problems, expected, strict=True))


def test_blocks_are_checked_when_the_rest_is_wrong() -> None:
    spec = _spec({**SERVICE, "replicaz": 2}, {**SERVICE, "runai": {"migProfile": "9g"}})
    problems = block_problems(ProjectSpec, spec)
    assert [p.path for p in problems] == [("services", 1, "runai", "migProfile")]


@pytest.mark.parametrize("data", [None, [], "text", {"services": "none"}, {"services": [3]}])
def test_other_shapes_are_left_to_the_spec(data: Any) -> None:
    assert block_problems(ProjectSpec, data) == []
