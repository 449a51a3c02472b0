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
from manifold.models.runai import RunaiWorkload
from manifold.targets.runai.options import Options

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
    if field != "exposedUrls":  # the URL itself is known at 2.22; only its field is not
        assert older == REQUEST


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


def test_a_credential_variable_may_not_repeat_a_name() -> None:
    variable = {"name": "MODEL_PATH", "userCredential": {"name": "hf", "key": "token"}}
    body, problems = _applied({"env": [variable]}, "2.24")
    assert problems == [
        "services[0].runai.env[0].name: environment variable 'MODEL_PATH' is also set by the "
        "service's env (or its model's MODEL_PATH): give it one source"
    ]
    assert body["spec"]["environmentVariables"] == REQUEST["spec"]["environmentVariables"]


def test_a_mig_profile_at_2_22_is_the_gpu_request() -> None:
    body, problems = _applied({"migProfile": "1g.10gb"}, "2.22")
    assert problems == []
    assert body["spec"]["compute"] == {
        "gpuDevicesRequest": 1,
        "gpuRequestType": "migProfile",
        "migProfile": "1g.10gb",
    }


@pytest.mark.parametrize(
    ("level", "compute", "refusal"),
    [
        ("2.24", {}, "Run:ai API 2.24 removed MIG profiles (compute.migProfile)"),
        (
            "2.22",
            {"gpuDevicesRequest": 1, "gpuRequestType": "portion", "gpuPortionRequest": 0.5},
            "a MIG profile is a share of one GPU of its own",
        ),
    ],
)
def test_a_mig_profile_refused(level: str, compute: dict[str, Any], refusal: str) -> None:
    body = copy.deepcopy(REQUEST)
    body["spec"]["compute"] = dict(compute)
    applying = Options(("services", 0), "dev", level)
    applying.apply(RunaiWorkload.model_validate({"migProfile": "1g.10gb"}), body)  # type: ignore[arg-type]
    [problem] = applying.found
    assert problem.path == ("services", 0, "runai", "migProfile")
    assert problem.message.startswith(refusal)
    assert body["spec"]["compute"] == compute
