"""A Run:ai project -> one `InferenceCreationRequest` per service (`request`, `render`):
the request's envelope and spec, and, one row a rule, the container and pod fields Run:ai
has no place for."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.core.jsonpath import format_json_path
from manifold.targets.runai.form import FORM
from manifold.targets.runai.render import UNSUPPORTED, render, request
from tests.unit.helpers import lone_catalog
from tests.unit.targets.runai.inputs import MODEL, SETTINGS, at_level, instance


def _request(service: str, settings: str = SETTINGS) -> tuple[Any, list[str]]:
    project = instance(f"{MODEL}\nservices: [{{name: s, model: m, {service}}}]", settings)
    [given_service] = project.spec.services
    body, problems = request(project, lone_catalog(project), 0, given_service)
    return body, [f"{format_json_path(p.path)}: {p.message}" for p in problems]


def test_a_request_names_its_cluster_and_project() -> None:
    body, problems = _request("image: i")
    assert problems == []
    assert {k: v for k, v in body.items() if k != "spec"} == {
        "name": "s",
        "projectId": "12",
        "clusterId": "3f1c9a6e-0b7d-4c52-9e8a-5d2f1b4c7a90",
    }
    assert body["spec"] == {
        "image": "i",
        "servingPort": {"container": 8080, "protocol": "http"},
        "environmentVariables": [{"name": "MODEL_PATH", "value": "a/b"}],
        "autoscaling": {"minReplicas": 1, "maxReplicas": 1},
    }


@pytest.mark.parametrize(
    ("service", "field"),
    [
        ("livenessProbe: {httpGet: {path: /}}", "livenessProbe"),
        ("startupProbe: {httpGet: {path: /}}", "startupProbe"),
        ("securityContext: {runAsNonRoot: true}", "securityContext"),
        ("serviceAccountName: sa", "serviceAccountName"),
        ("schedulerName: other", "schedulerName"),
        ("hostNetwork: true", "hostNetwork"),
        ("hostIPC: true", "hostIPC"),
        ("dnsPolicy: None", "dnsPolicy"),
        ("enableServiceLinks: false", "enableServiceLinks"),
    ],
)
def test_fields_run_ai_has_no_place_for(service: str, field: str) -> None:
    assert _request(f"image: i, {service}")[1] == [f"services[0].{field}: {UNSUPPORTED[field]}"]


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        (
            "image: i, ports: [{containerPort: 1}, {containerPort: 2}]",
            "services[0].ports: Run:ai serves one port; give the service one",
        ),
        (
            "image: i, decoder: {image: d}",
            "services[0].decoder: Run:ai serves with one kind of replica: it has no decoder",
        ),
        (
            "image: i, router: {image: r}",
            "services[0].router: Run:ai balances requests across replicas itself; it has no router",
        ),
        (
            "image: i, leader: {image: l}, worker: {image: w, size: 2}",
            "services[0].leader: multi-node inference is Run:ai's distributed-inference API, "
            "not this one",
        ),
    ],
)
def test_what_one_request_cannot_hold(service: str, expected: str) -> None:
    assert _request(service)[1][0] == expected


def test_pod_fields_in_run_ai_words() -> None:
    body, problems = _request(
        "image: i, priorityClassName: high, labels: {b: '2', a: '1'}, annotations: {x: y},"
        " volumes: [{name: v, emptyDir: {}}], volumeMounts: [{name: v, mountPath: /v}]",
        SETTINGS + "    nodePools: [first, second]\n",
    )
    assert problems == []
    spec = body["spec"]
    assert spec["priorityClass"] == "high"
    assert spec["labels"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]
    assert spec["annotations"] == [{"name": "x", "value": "y"}]
    assert spec["nodePools"] == ["first", "second"]
    assert spec["storage"] == {"emptyDirVolume": [{"name": "v", "path": "/v"}]}


def test_the_models_claim_is_mounted_first_and_a_given_model_path_wins() -> None:
    project = instance(
        "models: [{name: m, source: 'pvc://claim/llama'}]\n"
        "services: [{name: s, model: m, image: i, env: [{name: MODEL_PATH, value: /x}],"
        " volumes: [{name: d, persistentVolumeClaim: {claimName: data}}],"
        " volumeMounts: [{name: d, mountPath: /d}]}]"
    )
    body, problems = request(project, lone_catalog(project), 0, project.spec.services[0])
    assert problems == []
    assert body is not None
    assert [claim["claimName"] for claim in body["spec"]["storage"]["pvc"]] == ["claim", "data"]
    assert body["spec"]["environmentVariables"] == [{"name": "MODEL_PATH", "value": "/x"}]


@pytest.mark.parametrize("level", ["2.22", "2.24"])
def test_render_gives_one_manifest_a_service_at_the_environments_level(level: str) -> None:
    project = instance(
        f"{MODEL}\nservices: [{{name: a, model: m, image: i}}, {{name: b, model: m, image: i}}]",
        at_level(level),
    )
    manifests = render(project, lone_catalog(project))
    assert [(m.name, m.spec_path, m.schema_variant, m.form) for m in manifests] == [
        ("a", ("services", 0), level, FORM),
        ("b", ("services", 1), level, FORM),
    ]


_WORDS = st.lists(
    st.text(alphabet=st.sampled_from(list("ab $()'\"\\\t-=/.é")), max_size=6),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(command=_WORDS, args=_WORDS)
def test_command_and_args_split_back_into_their_words(command: list[str], args: list[str]) -> None:
    """Run:ai splits the command and the arguments like a shell: the one string each becomes
    splits back into the words given."""
    project = instance(f"{MODEL}\nservices: [{{name: s, model: m, image: i}}]")
    service = project.spec.services[0].model_copy(update={"command": command, "args": args})
    body, problems = request(project, lone_catalog(project), 0, service)
    assert problems == [] and body is not None
    assert shlex.split(body["spec"]["command"]) == command
    assert shlex.split(body["spec"]["args"]) == args
