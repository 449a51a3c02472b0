from __future__ import annotations

import pytest

from manifold.core.jsonpath import format_json_path, parse_json_pointer, to_json_pointer


def test_format_json_path() -> None:
    assert format_json_path(("spec", "services", 0, "name")) == "spec.services[0].name"
    assert format_json_path(()) == ""
    assert format_json_path(("metadata", "labels", "app.kubernetes.io/name")) == (
        'metadata.labels["app.kubernetes.io/name"]'
    )
    assert format_json_path(("a", 'quo"te')) == 'a["quo\\"te"]'


def test_json_pointers_round_trip() -> None:
    path = ("metadata", "labels", "a/b~c")
    assert to_json_pointer(path) == "/metadata/labels/a~1b~0c"
    assert parse_json_pointer(to_json_pointer(path)) == path
    assert parse_json_pointer("") == ()


@pytest.mark.parametrize("pointer", ["spec", "/a/~2", "/~"])
def test_malformed_pointers(pointer: str) -> None:
    with pytest.raises(ValueError):
        parse_json_pointer(pointer)
