"""The reconciler's comparisons and its state file, without a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.targets.runai.client import ApiError, RunaiClient
from manifold.targets.runai.plan import (
    AuthenticationFailed,
    Context,
    contains,
    patch_value,
    stop_on_authentication,
)
from manifold.targets.runai.settings import RunaiSettings
from manifold.targets.runai.state import Entry, State, load, save

CLUSTER = "c4e2a9d6-7b1f-4c3e-8d5a-6f0b2e4c8a17"


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


@pytest.mark.parametrize(
    ("changed", "told"),
    [
        (0, "nothing was changed"),
        (1, "1 change was made before"),
        (3, "3 changes were made before"),
    ],
)
def test_a_refused_token_says_what_was_already_done(
    tmp_path: Path, changed: int, told: str
) -> None:
    settings = RunaiSettings.model_validate(
        {"baseUrl": "https://acme.run.ai", "clusterId": CLUSTER, "projectId": "35"}
    )
    client = RunaiClient("https://acme.run.ai", "token")
    context = Context("prod", settings, client, tmp_path / "prod.json")
    with pytest.raises(AuthenticationFailed) as raised:
        stop_on_authentication(context, ApiError(401, "unauthorized"), changed)
    assert raised.value.message.endswith(f"; {told}")
    stop_on_authentication(context, ApiError(503, "busy"), changed)  # not a refused token
