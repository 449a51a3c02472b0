"""Recognising and masking credentials (the fakes below have the right shape, no meaning)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.cli.report import clean
from manifold.core import secrets
from manifold.inputs.sources import ENVIRONMENTS_DIR, PROJECTS_DIR, discover, read_document
from tests.conftest import REPO_ROOT

# (text, kind, what masking keeps); split so that the file itself holds no credential
KNOWN = [
    ("ghp_" + "Zq8x3LrT0vN5mK2pW7yB4cF9hJ1dS6gA0eQu", "GitHub", "ghp_****"),
    ("github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuv", "GitHub", "github_pat_****"),
    ("glpat-" + "xY7zQ2wR9tS4uV1pK8lM", "GitLab", "glpat-****"),
    ("hf_" + "kQ7wE2rT9yU4iO1pA6sD3fG8hJ0kL5zXcVb", "Hugging Face", "hf_****"),
    ("sk-proj-" + "Tm4xQ8wE2rT6yU0iO3pA9sD5fG1hJ7kL4zXcVbNm", "OpenAI", "sk-proj-****"),
    (
        "sk-ant-api03-" + "Tm4xQ8wE2rT6yU0iO3pA9sD5fG1hJ7kL4zXcVbNm",
        "Anthropic",
        "sk-ant-api03-****",
    ),
    ("xoxb-" + "1234567890-abcdefghij", "Slack token", "xoxb-****"),
    ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "Stripe", "sk_live_****"),
    ("npm_" + "abcdefghijklmnopqrstuvwxyz0123456789", "npm", "npm_****"),
    ("AKIA" + "Q3ZT7WXN4MPL2RKV", "AWS", "AKIA****"),
    ("AIza" + "SyA-1234567890abcdefghijklmnopqrstu", "Google", "AIza****"),
    ("eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "JSON Web Token", "eyJ****"),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        "PEM",
        "-----BEGIN RSA PRIVATE KEY-----****",
    ),
    ("-----BEGIN PRIVATE KEY-----\ncut short", "PEM", "-----BEGIN PRIVATE KEY-----****"),
    ("postgres://app:" + "hunter2hunter2@db:5432/x", "password", "postgres://app:****@db:5432/x"),
    (
        "Authorization: Bearer " + "qW3eR5tY7uI9oP1aS3dF",
        "Authorization",
        "Authorization: Bearer ****",
    ),
    (
        "DefaultEndpointsProtocol=https;AccountKey=" + "abcdEFGH1234ijklMNOP5678==",
        "Azure",
        "AccountKey=****",
    ),
    ("s3://minio:" + "pa/ss@bucket/models", "password", "s3://minio:****@bucket/models"),
    ("LS0tLS1CRUdJTi" + "BQUklWQVRFIEtFWS0tLS0tCk1JSUU=", "base64-encoded PEM", "****"),
    ("eC0tLS0tQkVHSU" + "4gUFJJVkFURSBLRVktLS0tLQo=", "base64-encoded PEM", "****"),
]


@pytest.mark.parametrize(("text", "kind", "kept"), KNOWN)
def test_known_formats_are_found_and_masked(text: str, kind: str, kept: str) -> None:
    findings = secrets.find(f"prefix {text} suffix")
    assert len(findings) == 1
    assert kind in findings[0].kind
    masked = secrets.mask_text(f"prefix {text} suffix")
    assert kept in masked
    assert secrets.find(masked) == []


PLAIN = [
    "hf://meta-llama/Llama-3.1-8B-Instruct",
    "docker.io/vllm/vllm-openai:v0.9.0@sha256:" + "9f86d081884c7d659a2feaa0c55ad015" * 2,
    "Llama-3.1-8B-Instruct-AWQ-int4",
    "Qwen2ForCausalLM-AWQ-4bit-with-a-long-suffix",
    "NousResearch/Hermes-2-Pro-Llama-3-8B",  # served model names in OME's catalogue
    "Qwen/Qwen3-Next-80B-A3B-Instruct",
    "123e4567-e89b-12d3-a456-426614174000",
    "$(HF_TOKEN)",
    "postgres://app:$(DB_PASSWORD)@db:5432/x",
    "/var/run/secrets/token",
    "--max-num-seqs=256",
    "sk-learn-pipeline-example",
    "basic auth is off",
    "TOKENIZERS_PARALLELISM",
    "https://registry.example.com:443/@scope/package",
    "http://host:8080/users/@me",
]


@pytest.mark.parametrize("text", PLAIN)
def test_ordinary_values_are_left_alone(text: str) -> None:
    assert secrets.find(text) == []
    assert not secrets.looks_random(text)
    assert secrets.mask_text(text) == text


def test_the_repository_example_holds_no_credential() -> None:
    for folder in (PROJECTS_DIR, ENVIRONMENTS_DIR):
        for relative in discover(REPO_ROOT, folder):
            document = read_document(REPO_ROOT, relative)
            assert not isinstance(document, secrets.SecretValue)
            assert list(secrets.secret_values(getattr(document, "data", None))) == []


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("HF_TOKEN", True),
        ("HUGGING_FACE_HUB_TOKEN", True),
        ("OPENAI_API_KEY", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("secretAccessKey", True),
        ("--db-password", True),
        ("jwtSecret", True),
        ("client_credentials", True),
        ("MAX_TOKENS", False),
        ("TOKENIZERS_PARALLELISM", False),
        ("TOKEN_URL", False),
        ("PASSWORD_FILE", False),
        ("CACHE_KEY", False),
        ("SECRET_NAME", False),
        ("PWD", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert secrets.is_secret_name(name) is secret


def test_random_values_are_told_from_names() -> None:
    assert secrets.looks_random("vR8tY2uI5oP1aS9dF4gH7jK0lZ3xC6vB2nM8qW1e")
    assert not secrets.looks_random("vR8tY2uI5oP1aS9dF4gH7jK0lZ3x")  # too short to tell
    assert not secrets.looks_random("9f86d081884c7d659a2feaa0c55ad015")  # hex: a digest


@given(st.sampled_from([text for text, _, _ in KNOWN]), st.text(max_size=20), st.text(max_size=20))
def test_masked_text_never_holds_the_secret(secret: str, before: str, after: str) -> None:
    masked = secrets.mask_text(before + " " + secret + " " + after)
    finding = secrets.find(secret)[0]
    assert secret[finding.start : finding.end] not in masked


def test_printed_text_carries_no_control_characters_and_no_credential() -> None:
    printed = clean("kind \x1b[2J\n::error::x \u202e " + KNOWN[0][0])
    assert printed == "kind \\u001b[2J\\u000a::error::x \\u202e ghp_****"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"hyperParameters": {"aws_secret_access_key": "plain"}}, ("hyperParameters",)),
        ({"configuration": {"storage": {"password": "hunter2"}}}, ("configuration", "storage")),
        ({"config": {"api_token": "abc"}}, ("config",)),
        (
            {"readinessProbe": {"httpGet": {"httpHeaders": [{"name": "X-Api-Key", "value": "k"}]}}},
            ("readinessProbe", "httpGet", "httpHeaders", 0),
        ),
    ],
)
def test_named_credentials_are_found_wherever_the_user_names_keys(
    data: dict[str, object], path: tuple[str | int, ...]
) -> None:
    found = list(secrets.secret_values(data))
    assert len(found) == 1
    assert found[0].path[: len(path)] == path
    assert "the name says it is a secret" in found[0].why


def test_settings_that_name_no_secret_are_left_alone() -> None:
    data = {"hyperParameters": {"learning_rate": "3e-4", "tokenizer": "fast"}}
    assert list(secrets.secret_values(data)) == []


_TOKEN = "hf_" + "kQ7wE2rT9yU4iO1pA6sD3fG8hJ0kL5zXcVb"
_CLEAN = {
    "metadata": {"name": "svc", "labels": {"team": "a"}},
    "spec": {
        "containers": [{"name": "c", "env": [{"name": "MODE", "value": "fast"}], "args": ["-v"]}],
    },
}


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"metadata": {"labels": {"HF_TOKEN": "abc"}}}, ("metadata", "labels", "HF_TOKEN")),
        ({"metadata": {"annotations": {"note": _TOKEN}}}, ("metadata", "annotations", "note")),
        ({"spec": {"token": _TOKEN}}, ("spec", "token")),
        (
            {"spec": {"containers": [{"env": [{"name": "HF_TOKEN", "value": "abc"}]}]}},
            ("spec", "containers", 0, "env", 0, "value"),
        ),
        ({"spec": {"replicas": 3}}, None),
        ({"metadata": {"labels": {"tier": "gold"}}}, None),
    ],
)
def test_what_a_merge_patch_brings_is_scanned_as_a_whole_object_would_be(
    patch: dict[str, object], path: tuple[str, ...] | None
) -> None:
    from manifold.compile.overlay import merge_patch

    patched = merge_patch(_CLEAN, patch)
    found = list(secrets.added_secret_values(patched, _CLEAN))
    assert [value.path for value in found] == [
        value.path for value in secrets.secret_values(patched)
    ]
    assert [value.path for value in found] == ([] if path is None else [path])


@pytest.mark.parametrize(
    ("operations", "path"),
    [
        (
            [
                {
                    "op": "add",
                    "path": "/spec/containers/0/env/-",
                    "value": {"name": "API_KEY", "value": "x1"},
                }
            ],
            ("spec", "containers", 0, "env", 1, "value"),
        ),
        (
            [{"op": "add", "path": "/spec/containers/0/args/0", "value": "--api-key=s3cr3tvalue"}],
            ("spec", "containers", 0, "args", 0),
        ),
        # a value moved under a key that makes it a secret is scanned where it lands
        (
            [
                {"op": "add", "path": "/spec/note", "value": {"name": "HF_TOKEN", "value": "abc"}},
                {"op": "move", "from": "/spec/note", "path": "/spec/containers/0/env/0"},
            ],
            ("spec", "containers", 0, "env", 0, "value"),
        ),
        ([{"op": "replace", "path": "/spec/containers/0/args/0", "value": "-q"}], None),
        ([{"op": "remove", "path": "/metadata/labels"}], None),
    ],
)
def test_what_a_json_patch_brings_is_scanned_where_it_lands(
    operations: list[dict[str, object]], path: tuple[str | int, ...] | None
) -> None:
    from manifold.compile.overlay import json_patch

    patched = json_patch(_CLEAN, operations)
    found = [
        value.path[: len(path or ())] for value in secrets.added_secret_values(patched, _CLEAN)
    ]
    assert found == ([] if path is None else [path])
    assert bool(found) == any(True for _ in secrets.secret_values(patched))


def test_what_the_object_already_held_is_not_scanned_again() -> None:
    before = {"spec": {"token": _TOKEN}, "metadata": {"name": "a"}}
    after = {**before, "metadata": {"name": "b"}}
    assert list(secrets.added_secret_values(after, before)) == []
    assert list(secrets.added_secret_values(after, {})) != []
