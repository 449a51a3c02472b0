"""pydantic errors in the user's terms: paths into their data, messages, did-you-mean."""

from __future__ import annotations

from typing import Any

from manifold.core import modelcheck
from manifold.core.modelcheck import data_path
from manifold.models.environment import EnvironmentSpec
from manifold.models.project import ProjectSpec

SPEC: dict[str, Any] = {
    "platform": "ome",
    "models": [{"name": "m", "source": "hf://a/b"}],
    "services": [{"name": "chat", "model": "m"}],
}


def _problems(model: Any, data: Any) -> list[tuple[tuple[str | int, ...], str, str | None]]:
    result, problems = modelcheck.validate(model, data)
    assert result is None
    return [(p.path, p.message, p.hint) for p in problems]


def test_valid_data_gives_a_model() -> None:
    spec, problems = modelcheck.validate(ProjectSpec, SPEC)
    assert problems == []
    assert spec is not None and spec.services[0].model == "m"


def test_unknown_field_points_at_the_key_with_a_suggestion() -> None:
    data = {**SPEC, "services": [{"name": "chat", "model": "m", "replicaz": {}}]}
    _, problems = modelcheck.validate(ProjectSpec, data)
    assert [(p.path, p.at_key, p.hint) for p in problems] == [
        (("services", 0, "replicaz"), True, "did you mean 'replicas'?")
    ]


def test_unknown_field_without_a_close_match_lists_the_known_ones() -> None:
    problems = _problems(EnvironmentSpec, {"zzz": 1})
    assert problems[0][0] == ("zzz",)
    assert "known fields:" in problems[0][1] and "namespace" in problems[0][1]


def test_missing_field() -> None:
    data = {**SPEC, "services": [{"name": "chat"}]}
    assert _problems(ProjectSpec, data) == [
        (("services", 0, "model"), "missing required field 'model'", None)
    ]


def test_literal_with_suggestion() -> None:
    problems = _problems(ProjectSpec, {**SPEC, "platform": "omee"})
    assert problems[0][0] == ("platform",)
    assert problems[0][2] == "did you mean 'ome'?"


def test_wrong_types_name_what_was_expected_and_found() -> None:
    replicas = {"min": "1", "max": 2}
    data = {**SPEC, "services": [{"name": "chat", "model": "m", "replicas": replicas}]}
    assert _problems(ProjectSpec, data) == [
        (("services", 0, "replicas", "min"), "expected an integer, got a string", None)
    ]


def test_union_tags_are_not_part_of_the_path() -> None:
    runtime = {"image": "x", "portt": 1}
    data = {**SPEC, "services": [{"name": "chat", "model": "m", "runtime": runtime}]}
    _, problems = modelcheck.validate(ProjectSpec, data)
    assert [(p.path, p.hint) for p in problems] == [
        (("services", 0, "runtime", "portt"), "did you mean 'port'?")
    ]


def test_custom_validators_keep_their_message() -> None:
    data = {**SPEC, "services": [{"name": "chat", "model": "m", "replicas": {"min": 3, "max": 2}}]}
    assert _problems(ProjectSpec, data) == [
        (("services", 0, "replicas"), "min (3) is greater than max (2)", None)
    ]


def test_ranges() -> None:
    data = {**SPEC, "services": [{"name": "c", "model": "m", "replicas": {"min": -1, "max": 0}}]}
    messages = {m for _, m, _ in _problems(ProjectSpec, data)}
    assert messages == {"must be at least 0, got -1", "must be at least 1, got 0"}


def test_data_path_skips_union_tags_and_member_names() -> None:
    data = {"runtime": {"image": 3}}
    assert modelcheck.data_path(data, ("runtime", "inline", "image", "str")) == ("runtime", "image")
    assert modelcheck.data_path(data, ("runtime", "missing")) == ("runtime", "missing")


def test_allowed_fields_follow_the_data_through_unions() -> None:
    data = {"services": [{"runtime": {"ref": "x"}}]}
    fields = modelcheck.allowed_fields(ProjectSpec, data, ("services", 0, "runtime"))
    assert sorted(fields) == ["ref", "scope"]


def test_union_tags_are_not_part_of_the_path_2() -> None:
    data = {"runtime": {"image": "x", "port": 0}}
    assert data_path(data, ("runtime", "inline", "port")) == ("runtime", "port")


def test_a_tag_named_like_a_field_is_recognised_by_what_follows() -> None:
    patch = {"target": {"knd": "X"}, "mergePatch": {"spec": {}}}
    assert data_path(patch, ("mergePatch", "target", "knd")) == ("target", "knd")
    operations = {"target": {}, "jsonPatch": [{"op": "delete"}]}
    loc = ("jsonPatch", "jsonPatch", 0, "op")
    assert data_path(operations, loc) == ("jsonPatch", 0, "op")


def test_a_field_that_is_not_a_tag_is_followed() -> None:
    data = {"spec": {"spec": {"x": 1}}}
    assert data_path(data, ("spec", "spec", "x")) == ("spec", "spec", "x")
