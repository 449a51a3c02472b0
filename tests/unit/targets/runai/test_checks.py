"""What `checks` refuses before a Run:ai request is built, one rule a row: the environment
must say where Run:ai is, a served model must be one the container can load, and a project
or platform file may hold only what inference needs."""

from __future__ import annotations

import pytest

from manifold.core.jsonpath import format_json_path
from manifold.targets.runai import checks
from tests.unit.helpers import lone_catalog
from tests.unit.targets.runai.inputs import SETTINGS, instance, platform, with_platform

SERVED = "services: [{name: s, model: m, image: i}]"


def _found(spec: str, settings: str = SETTINGS) -> list[str]:
    project = instance(spec, settings)
    return [
        f"{format_json_path(p.path)}: {p.message}"
        for p in checks.check(project, lone_catalog(project))
    ]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            f"models: [{{name: m, source: 'hf://a/b'}}]\n{SERVED}", [], id="hugging face loads"
        ),
        pytest.param(
            f"models: [{{name: m, source: 'pvc://claim/dir'}}]\n{SERVED}", [], id="own claim"
        ),
        pytest.param(
            f"models: [{{name: m, source: 's3://bucket/m'}}]\n{SERVED}",
            [],
            id="object stores pass through",
        ),
        pytest.param(
            f"models: [{{name: m, source: 'pvc://team:claim/dir'}}]\n{SERVED}",
            [
                "models[0].source: Run:ai mounts claims of the workload's own project: "
                "pvc://<claim>/<path>, without '<namespace>:'"
            ],
            id="claim of another namespace",
        ),
        pytest.param(
            f"models: [{{name: m, source: 'oci://n/t/b/x/o/y'}}]\n{SERVED}",
            [
                "models[0].source: Run:ai has no model store: the serving container loads "
                "model 'm' itself, from hf://, pvc://, s3://, gs:// or az://, not oci://"
            ],
            id="no model store",
        ),
        pytest.param(
            f"models: [{{name: m, source: 'hf://a/b', storage: {{path: /d}}}}]\n{SERVED}",
            [
                "models[0].storage: model 'm' has storage settings (downloads by OME's model "
                "agent); on Run:ai the serving container downloads the model itself"
            ],
            id="no storage settings",
        ),
        pytest.param(
            "models: [{name: m, source: 'oci://n/t/b/x/o/y'}]",
            [],
            id="models no service serves are not checked",
        ),
        pytest.param(
            "models: [{name: m, source: 'hf://a/b'}]\nnotebooks: [{name: lab, model: m}]",
            ["notebooks: Run:ai runs inference workloads only: notebooks has no Run:ai form here"],
            id="inference only",
        ),
        pytest.param(
            "models: [{name: m, source: 'hf://a/b'}]\nnotebooks: []",
            [],
            id="an empty part asks for nothing",
        ),
    ],
)
def test_project_rules(spec: str, expected: list[str]) -> None:
    assert _found(spec) == expected


def test_without_run_ai_settings_the_environment_and_its_files_are_named() -> None:
    assert _found("models: []", settings="") == [
        "platform: environment 'dev' has no Run:ai settings: add spec.platforms.runai "
        "(baseUrl, clusterId, projectId) to environments/dev.yaml"
    ]


def test_a_platform_models_problem_is_reported_at_the_reference() -> None:
    project = instance("services: [{name: s, model: shared-m, image: i}]")
    catalog = with_platform(project, "models: [{name: shared-m, source: 'oci://n/t/b/x/o/y'}]")
    [problem] = checks.check(project, catalog)
    assert problem.path == ("services", 0, "model")
    assert "Run:ai has no model store" in problem.message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("models: [{name: m, source: 'hf://a/b'}]\ngpuTypes: [{name: a100, nodePools: [a]}]", []),
        (
            "acceleratorClasses: [{name: h100}]",
            [(("acceleratorClasses",), "acceleratorClasses has no Run:ai form here")],
        ),
    ],
)
def test_platform_file_rules(spec: str, expected: list[tuple[tuple[str, ...], str]]) -> None:
    shared = platform(instance("models: []"), spec)
    found = [(p.path, p.message.split(": ", 1)[1]) for p in checks.check_platform(shared)]
    assert found == expected
    assert all(p.at_key for p in checks.check_platform(shared))
