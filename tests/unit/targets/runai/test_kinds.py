"""The shape of a Run:ai inference creation request: every request manifold renders (the example
and the valid cases, `_runai/*.json`) matches it, and a field the API does not have is refused."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.schemas.generate import typed_dict_schema
from manifold.targets.runai import kinds
from tests.unit.targets import rendered

REQUESTS = [
    body
    for path, body in rendered.rendered_files()
    if "/_runai/" in f"/{path}" and path.endswith(".json")
]


def test_there_are_rendered_requests() -> None:
    assert REQUESTS


@pytest.mark.parametrize("body", REQUESTS, ids=lambda body: str(body.get("name")))
def test_each_rendered_request_matches_the_creation_request(body: dict[str, Any]) -> None:
    schema = typed_dict_schema(kinds.InferenceCreationRequest)()
    assert rendered.errors(schema, body) == []
    assert rendered.refuses_an_unknown_field(kinds.InferenceCreationRequest, body)
