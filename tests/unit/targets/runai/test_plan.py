"""Run:ai API levels: the setting, what each level refuses, and what a PATCH may change.

The differences between the levels are those of `../shared/reference/runai/versions.md`
(2.24 added templateId, preemptibility, userCredential variables and exposedUrls'
authorizationType, removed compute.migProfile, and made preemptibility and imagePullSecrets
updatable in place).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from manifold.targets.runai.form import level_note
from manifold.targets.runai.plan import Action, Desired, compare
from manifold.targets.runai.settings import RunaiSettings
from manifold.targets.runai.state import Entry
from tests.unit.helpers import env_text, environments
from tests.unit.targets.runai.inputs import MODEL
from tests.unit.targets.runai.test_runai import SETTINGS, TARGET, _catalog, _instance

CONTROL_PLANE = {
    "baseUrl": "https://runai.example.com",
    "clusterId": "3f1c9a6e-0b7d-4c52-9e8a-5d2f1b4c7a90",
    "projectId": "12",
}
AT_2_22 = SETTINGS + '    apiLevel: "2.22"\n'


def test_the_level_defaults_to_2_24_and_takes_an_unquoted_number() -> None:
    assert RunaiSettings.model_validate(CONTROL_PLANE).api_level == "2.24"
    assert RunaiSettings.model_validate({**CONTROL_PLANE, "apiLevel": 2.22}).api_level == "2.22"
    with pytest.raises(ValidationError, match=r"'2\.22' or '2\.24'"):
        RunaiSettings.model_validate({**CONTROL_PLANE, "apiLevel": "2.23"})


def test_the_level_is_inherited_along_extends() -> None:
    resolved = environments(
        base=env_text("base", SETTINGS.strip() + '\n    apiLevel: "2.22"\n'),
        staging=env_text("staging", "extends: base\nplatforms:\n  runai: {projectId: '3'}\n"),
        prod=env_text("prod", "extends: staging\nplatforms:\n  runai: {apiLevel: '2.24'}\n"),
    )
    levels = {
        name: settings.api_level
        for name, environment in resolved.items()
        if (settings := environment.settings("runai", RunaiSettings)) is not None
    }
    assert levels == {"base": "2.22", "staging": "2.22", "prod": "2.24"}


def _problems(runai: str, settings: str, resources: str = "gpu: {count: 1}") -> list[str]:
    service = f"{{name: s, model: m, image: i, resources: {{{resources}}}, runai: {runai}}}"
    spec = f"{MODEL}\nservices: [{service}]"
    instance = _instance(spec, settings)
    problems = TARGET.compile(instance, _catalog(instance))[0]
    return [f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems]


NEEDS_2_24 = [
    # (runai options, path of the error, what the message names)
    ("{templateId: 0b6f3c1e-2d4a-4e8b-9c7d-1a2b3c4d5e6f}", "runai.templateId", "templateId"),
    ("{preemptibility: preemptible}", "runai.preemptibility", "preemptibility"),
    (
        "{env: [{name: T, userCredential: {name: c, key: k}}]}",
        "runai.env.0.userCredential",
        "an environment variable from a user credential",
    ),
    (
        "{exposedUrls: [{container: 9090, authorizationType: public}]}",
        "runai.exposedUrls.0.authorizationType",
        "exposedUrls[].authorizationType",
    ),
]


@pytest.mark.parametrize(("runai", "path", "what"), NEEDS_2_24)
def test_what_2_24_added_is_refused_at_2_22(runai: str, path: str, what: str) -> None:
    assert _problems(runai, AT_2_22) == [
        f"services.0.{path}: {what} needs Run:ai API 2.24, and environment 'dev' is at "
        "apiLevel '2.22'"
    ]
    assert _problems(runai, SETTINGS) == []


def test_a_mig_profile_is_refused_at_2_24_and_sent_at_2_22() -> None:
    (problem,) = _problems("{migProfile: 1g.10gb}", SETTINGS)
    assert problem.startswith("services.0.runai.migProfile: Run:ai API 2.24 removed MIG profiles")
    assert "resources.gpu.portion or resources.gpu.memory instead" in problem
    assert _problems("{migProfile: 1g.10gb}", AT_2_22) == []
    instance = _instance(
        f"{MODEL}\nservices: [{{name: s, model: m, image: i, runai: {{migProfile: 1g.10gb}}}}]",
        AT_2_22,
    )
    (manifest,) = TARGET.compile(instance, _catalog(instance))[1] or []
    assert manifest.body["spec"]["compute"] == {
        "gpuDevicesRequest": 1,
        "gpuRequestType": "migProfile",
        "migProfile": "1g.10gb",
    }


def test_a_mig_profile_is_not_a_second_share() -> None:
    assert _problems("{migProfile: 1g.10gb}", AT_2_22, "gpu: {count: 1, portion: 0.5}") == [
        "services.0.runai.migProfile: a MIG profile is a share of one GPU of its own: not with "
        "resources.gpu.portion or resources.gpu.memory"
    ]


def test_a_credential_variable_is_one_more_source_of_a_name() -> None:
    assert _problems(
        "{env: [{name: MODEL_PATH, userCredential: {name: c, key: k}}]}", SETTINGS
    ) == [
        "services.0.runai.env.0.name: environment variable 'MODEL_PATH' is also set by the "
        "service's env (or its model's MODEL_PATH): give it one source"
    ]


def _step(level: str, sent: dict[str, Any], wanted: dict[str, Any]) -> tuple[Action, str] | None:
    def body(extra: dict[str, Any]) -> dict[str, Any]:
        top = {k: v for k, v in extra.items() if k == "templateId"}
        spec = {"image": "i", **{k: v for k, v in extra.items() if k != "templateId"}}
        return {"name": "s", "projectId": "12", "clusterId": "c", **top, "spec": spec}

    desired = Desired("rendered/dev/_runai/p/inference-s.json", "p/s", body(wanted))
    entry = Entry("id", "p/s", body(sent))
    step = compare(desired, entry, entry.applied, "key", level)
    return None if step is None else (step.action, step.reason)


PATCHES = [
    # (level, sent, wanted, step expected)
    ("2.24", {}, {"preemptibility": "preemptible"}, (Action.UPDATE, "preemptibility")),
    (
        "2.22",
        {},
        {"preemptibility": "preemptible"},
        (Action.REPLACE, "preemptibility cannot change in place"),
    ),
    (
        "2.24",
        {"imagePullSecrets": [{"name": "a"}]},
        {"imagePullSecrets": [{"name": "b"}]},
        (Action.UPDATE, "imagePullSecrets"),
    ),
    (
        "2.24",
        {"templateId": "a"},
        {"templateId": "b"},
        (Action.REPLACE, "templateId cannot change in place"),
    ),
    ("2.24", {"templateId": "a"}, {"templateId": "a"}, None),
]


@pytest.mark.parametrize(("level", "sent", "wanted", "expected"), PATCHES)
def test_what_a_patch_changes_depends_on_the_level(
    level: str, sent: dict[str, Any], wanted: dict[str, Any], expected: Any
) -> None:
    assert _step(level, sent, wanted) == expected


@pytest.mark.parametrize(
    ("level", "unknown", "says"),
    [
        ("2.22", ("preemptibility",), "preemptibility needs Run:ai API level 2.24"),
        ("2.22", ("templateId",), "templateId needs Run:ai API level 2.24"),
        ("2.22", ("userCredential",), "userCredential needs Run:ai API level 2.24"),
        ("2.22", ("authorizationType",), "authorizationType needs Run:ai API level 2.24"),
        ("2.24", ("migProfile",), "Run:ai API level 2.24 removed migProfile"),
        ("2.22", ("nonsense",), None),
        ("2.24", ("preemptibility",), None),
        ("2.22", ("migProfile",), None),
    ],
)
def test_a_field_unknown_at_the_level_names_the_level_setting(
    level: str, unknown: tuple[str, ...], says: str | None
) -> None:
    note = level_note(level, unknown, "dev")
    if says is None:
        assert note is None
    else:
        assert note is not None
        message, hint = note
        assert says in message
        assert f"spec.platforms.runai.apiLevel {level!r}" in message
        assert "spec.platforms.runai.apiLevel:" in hint and "'dev'" in hint
