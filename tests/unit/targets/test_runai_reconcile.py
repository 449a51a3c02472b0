"""The reconciler's comparisons and its state file, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.runai.reconcile import contains, patch_value
from manifold.targets.runai.state import Entry, State, load, save


@pytest.mark.parametrize(
    ("actual", "wanted", "expected"),
    [
        ({"a": 1, "b": 2}, {"a": 1}, True),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ({"a": {"x": 1, "server": True}}, {"a": {"x": 1}}, True),
        ([{"name": "A", "value": "1", "exclude": False}], [{"name": "A", "value": "1"}], True),
        ([{"name": "B"}, {"name": "A", "value": "1"}], [{"name": "A", "value": "1"}], True),
        ([{"name": "A", "value": "2"}], [{"name": "A", "value": "1"}], False),
        ([{"name": "B"}], [{"name": "A"}], False),
        (["a100", "h100"], ["h100", "a100"], False),
        (["a100", "h100"], ["a100"], False),
        ({"n": 1.0}, {"n": 1}, True),
        (None, {"a": 1}, False),
        ("x", "y", False),
    ],
)
def test_contains(actual: Any, wanted: Any, expected: bool) -> None:
    assert contains(actual, wanted) is expected


def test_patch_value_sets_everything_wanted_and_removes_only_what_manifold_set() -> None:
    old = {"gpuRequestType": "portion", "gpuPortionRequest": 0.5, "cpuCoreRequest": 2}
    new = {"gpuRequestType": "memory", "gpuMemoryRequest": "20Gi", "cpuCoreRequest": 2}
    assert patch_value(old, new) == {
        "gpuPortionRequest": None,
        "gpuRequestType": "memory",
        "gpuMemoryRequest": "20Gi",
        "cpuCoreRequest": 2,
    }
    assert patch_value({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}) == {"a": {"b": 1, "c": None}}
    assert patch_value(["a"], ["b"]) == ["b"]
    assert patch_value({"a": 1}, None) is None
    assert patch_value(None, {"a": 1}) == {"a": 1}


def test_state_round_trips_and_refuses_another_environment(tmp_path: Any) -> None:
    path = tmp_path / "dev.json"
    state = State("dev", {"c/1/w": Entry("id-1", "p/w", {"name": "w", "spec": {}})})
    save(path, state)
    assert load(path, "dev") == state
    with pytest.raises(Exception, match="not a format-1 state of environment 'prod'"):
        load(path, "prod")
    path.write_text("{not json")
    with pytest.raises(Exception, match="cannot read the Run:ai state file"):
        load(path, "dev")
