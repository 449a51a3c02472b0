"""A service's `runai:` options in its request, one row a field: what each writes at the
level that has it, and the refusal, at the input line, naming the environment's level and
the setting to change, where the level lacks it (Run:ai 2.24 added templateId,
preemptibility, variables from user credentials and exposed URLs' authorizationType, and
removed MIG profiles: ../shared/reference/runai/versions.md)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from manifold.core.jsonpath import format_json_path
from manifold.targets.registry import get_target
from manifold.targets.runai.option_models import RunaiWorkload
from manifold.targets.runai.options import Options
from tests.unit.helpers import lone_catalog
from tests.unit.targets.runai.inputs import MODEL, SETTINGS, at_level, instance

TEMPLATE = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"
REQUEST: dict[str, Any] = {
    "name": "s",
    "projectId": "12",
    "clusterId": "c",
    "spec": {
        "servingPort": {"container": 8000, "protocol": "http"},
        "environmentVariables": [{"name": "MODEL_PATH", "value": "a/b"}],
    },
}


def _applied(options: dict[str, Any], level: str) -> tuple[dict[str, Any], list[str]]:
    """The request with `options` applied, and the problems (path: message)."""
    body = copy.deepcopy(REQUEST)
    applying = Options(("services", 0), "dev", level)
    applying.apply(RunaiWorkload.model_validate(options), body)  # type: ignore[arg-type]
    return body, [f"{format_json_path(p.path)}: {p.message}" for p in applying.found]


CREDENTIAL = {"name": "TOKEN", "userCredential": {"name": "hf", "key": "token"}}


@pytest.mark.parametrize(
    ("options", "written"),
    [
        ({"templateId": TEMPLATE}, {"templateId": TEMPLATE}),
        ({"preemptibility": "preemptible"}, {"spec.preemptibility": "preemptible"}),
        (
            {"env": [CREDENTIAL]},
            {
                "spec.environmentVariables": [
                    {"name": "MODEL_PATH", "value": "a/b"},
                    {"name": "TOKEN", "userCredential": {"name": "hf", "key": "token"}},
                ]
            },
        ),
        (
            {"exposedUrls": [{"container": 9000, "authorizationType": "public", "name": "ui"}]},
            {
                "spec.exposedUrls": [
                    {"container": 9000, "authorizationType": "public", "name": "ui"}
                ]
            },
        ),
    ],
)
def test_what_2_24_added_is_written_at_2_24_and_refused_at_2_22(
    options: dict[str, Any], written: dict[str, Any]
) -> None:
    newer, problems = _applied(options, "2.24")
    assert problems == []
    for dotted, value in written.items():
        node: Any = newer
        for key in dotted.split("."):
            node = node[key]
        assert node == value
    older, refused = _applied(options, "2.22")
    [field] = options
    assert len(refused) == 1 and refused[0].startswith(f"services[0].runai.{field}")
    assert "needs Run:ai API 2.24, and environment 'dev' is at apiLevel '2.22'" in refused[0]
    if field != "exposedUrls":
        assert older == REQUEST
    else:  # the URL itself is known at 2.22; only its authorizationType is not, and is left out
        assert older["spec"]["exposedUrls"] == [{"container": 9000, "name": "ui"}]


def test_refusals_at_2_22_name_the_item_and_the_setting() -> None:
    applying = Options(("services", 3), "prod", "2.22")
    body = copy.deepcopy(REQUEST)
    applying.apply(RunaiWorkload.model_validate({"env": [CREDENTIAL]}), body)  # type: ignore[arg-type]
    [problem] = applying.found
    assert problem.path == ("services", 3, "runai", "env", 0, "userCredential")
    assert problem.hint == (
        "set spec.platforms.runai.apiLevel: \"2.24\" in environment 'prod' if its control "
        "plane runs Run:ai 2.24"
    )
    assert body == REQUEST  # nothing the level lacks is written


@pytest.mark.parametrize("level", ["2.22", "2.24"])
def test_serving_port_access_at_every_level(level: str) -> None:
    access = {
        "authorizationType": "authorizedUsersOrGroups",
        "authorizedUsers": ["ana"],
        "authorizedGroups": ["ml"],
        "clusterLocalAccessOnly": True,
    }
    body, problems = _applied({"servingPort": access}, level)
    assert problems == []
    assert body["spec"]["servingPort"] == {"container": 8000, "protocol": "http", **access}


# --------------------------------------------------------------------------- through the target
# The same rules as the whole target reports them, at the path the project's line is on.

TARGET = get_target("runai")
AT_2_22 = at_level("2.22")


def _problems(runai: str, settings: str, resources: str = "gpu: {count: 1}") -> list[str]:
    service = f"{{name: s, model: m, image: i, resources: {{{resources}}}, runai: {runai}}}"
    spec = f"{MODEL}\nservices: [{service}]"
    project = instance(spec, settings)
    problems = TARGET.compile(project, lone_catalog(project))[0]
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
    project = instance(
        f"{MODEL}\nservices: [{{name: s, model: m, image: i, runai: {{migProfile: 1g.10gb}}}}]",
        AT_2_22,
    )
    (manifest,) = TARGET.compile(project, lone_catalog(project))[1] or []
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
