"""`spec.platforms.runai`: where workloads go (URL, cluster, project ids per project), the API
level (an unquoted YAML number read as its text), and the token's variable."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from manifold.core import modelcheck
from manifold.targets.runai.settings import RunaiSettings
from tests.unit.helpers import env_text, environments
from tests.unit.targets.runai.inputs import at_level

BASE = {
    "baseUrl": "https://runai.example.com",
    "clusterId": "3f1c9a6e-0b7d-4c52-9e8a-5d2f1b4c7a90",
    "projectId": "12",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({}, None),
        ({"apiLevel": 2.22}, None),
        ({"apiLevel": "2.23"}, "apiLevel"),
        ({"baseUrl": "runai.example.com"}, "baseUrl"),
        ({"clusterId": "not-a-uuid"}, "clusterId"),
        ({"projectId": "twelve"}, "projectId"),
        ({"projectIds": {"Bad_Name": "3"}}, "projectIds"),
        ({"nodePools": []}, "nodePools"),
        ({"tokenVariable": "1TOKEN"}, "tokenVariable"),
    ],
)
def test_settings(change: dict[str, Any], problem: str | None) -> None:
    _, problems = modelcheck.validate(RunaiSettings, {**BASE, **change})
    assert [p.path[0] for p in problems][:1] == ([problem] if problem else [])


def test_an_unquoted_level_is_read_as_its_text() -> None:
    settings, _ = modelcheck.validate(RunaiSettings, {**BASE, "apiLevel": 2.22})
    assert settings is not None and settings.api_level == "2.22"


def test_a_project_may_have_its_own_run_ai_project() -> None:
    settings, _ = modelcheck.validate(RunaiSettings, {**BASE, "projectIds": {"chat": "7"}})
    assert settings is not None
    assert (settings.project_of("chat"), settings.project_of("other")) == ("7", "12")
    assert settings.token_variable == "RUNAI_TOKEN"


def test_the_level_defaults_to_2_24_and_takes_an_unquoted_number() -> None:
    assert RunaiSettings.model_validate(BASE).api_level == "2.24"
    assert RunaiSettings.model_validate({**BASE, "apiLevel": 2.22}).api_level == "2.22"
    with pytest.raises(ValidationError, match=r"'2\.22' or '2\.24'"):
        RunaiSettings.model_validate({**BASE, "apiLevel": "2.23"})


def test_the_level_is_inherited_along_extends() -> None:
    resolved = environments(
        base=env_text("base", at_level("2.22").strip()),
        staging=env_text("staging", "extends: base\nplatforms:\n  runai: {projectId: '3'}\n"),
        prod=env_text("prod", "extends: staging\nplatforms:\n  runai: {apiLevel: '2.24'}\n"),
    )
    levels = {
        name: settings.api_level
        for name, environment in resolved.items()
        if (settings := environment.settings("runai", RunaiSettings)) is not None
    }
    assert levels == {"base": "2.22", "staging": "2.22", "prod": "2.24"}
