"""pydantic's error locations as paths into the user's data."""

from __future__ import annotations

from manifold.modelcheck import data_path


def test_union_tags_are_not_part_of_the_path() -> None:
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
