"""The Run:ai state file: what `runai apply` created, read back only as a state of the same
environment and format (else a problem that says how to recover, never a silent reset), written
whole, and one apply at a time."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.core.errors import OutputProblem, ProblemsFound
from manifold.targets.runai.state import Entry, State, load, locked, save, workload_key

_TEXT = st.text(min_size=1, max_size=8)
_ENTRIES = st.dictionaries(
    _TEXT,
    st.builds(Entry, _TEXT, st.text(max_size=8), st.dictionaries(_TEXT, st.integers(), max_size=2)),
    max_size=3,
)


@given(_ENTRIES)
def test_a_saved_state_loads_as_itself(workloads: dict[str, Entry]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "runai" / "dev.json"
        save(path, State("dev", workloads))
        assert load(path, "dev") == State("dev", workloads)
        assert sorted(p.name for p in path.parent.iterdir()) == ["dev.json"]


def test_no_file_is_an_empty_state(tmp_path: Path) -> None:
    assert load(tmp_path / "dev.json", "dev") == State("dev")


@pytest.mark.parametrize(
    "content",
    ['{"format": 1, "environment": "prod", "workloads": {}}', '{"format": 2}', "not json"],
    ids=["other-environment", "other-format", "broken"],
)
def test_a_state_in_doubt_is_a_problem_not_a_reset(tmp_path: Path, content: str) -> None:
    path = tmp_path / "dev.json"
    path.write_text(content)
    with pytest.raises(ProblemsFound, match="restore it"):
        load(path, "dev")


def test_workloads_are_keyed_by_cluster_project_and_name() -> None:
    request = {"clusterId": "c", "projectId": "12", "name": "chat", "spec": {}}
    assert workload_key(request) == "c/12/chat"


def test_one_apply_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    with (
        locked(path),
        pytest.raises(OutputProblem, match="another `manifold runai apply`"),
        locked(path),
    ):
        pass
    with locked(path):  # released
        pass
