"""jobs: how many processes manifold works with, set in one place."""

from __future__ import annotations

import multiprocessing

import pytest

from manifold.core.jobs import JOBS_VARIABLE, jobs_wanted


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="one process without fork()"
)
@pytest.mark.parametrize(("setting", "wanted"), [("3", 3), ("1", 1)])
def test_the_number_of_processes_can_be_set(
    monkeypatch: pytest.MonkeyPatch, setting: str, wanted: int
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, setting)
    assert jobs_wanted() == wanted


@pytest.mark.parametrize("setting", ["none", "0", "-2", ""])
def test_a_setting_that_is_not_a_positive_number_means_one_per_cpu(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, setting)
    assert jobs_wanted() >= 1
