"""Secret-looking values never reach a diff."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from manifold.core.masking import CHANGED, MISSING, mask, mask_pair
from manifold.core.secrets import MASK, mask_text
from manifold.core.secrets import is_secret_name as secret_key


@pytest.mark.parametrize(
    "key",
    [
        "HF_TOKEN",
        "password",
        "DB_PASSWORD",
        "apiKey",
        "OPENAI_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "clientSecret",
        "--api-key",
        "--token",
    ],
)
def test_secret_names(key: str) -> None:
    assert secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "maxTokens",
        "MAX_TOKENS",
        "tokenizer",
        "--max-tokens",
        "secretName",
        "secretKeyRef",
        "tokenSecretRef",
        "AWS_ACCESS_KEY_ID",
        "key",
        "LOG_LEVEL",
        "storageUri",
        "PWD",
    ],
)
def test_names_that_are_not_secrets(key: str) -> None:
    assert not secret_key(key)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("--api-key=abc --max-tokens=4096", f"--api-key={MASK} --max-tokens=4096"),
        # the kind of credential stays readable, its secret part does not
        ("https://bob:hunter2@git.example.com/x", f"https://bob:{MASK}@git.example.com/x"),
        ("token ghp_" + "a" * 36, f"token ghp_{MASK}"),
        ("hf_" + "B" * 34, f"hf_{MASK}"),
        ("AKIAABCDEFGHIJKLMNOP", f"AKIA{MASK}"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n",
            f"-----BEGIN RSA PRIVATE KEY-----{MASK}\n",
        ),
        ("hf://meta-llama/Llama-3.1-8B-Instruct", "hf://meta-llama/Llama-3.1-8B-Instruct"),
        ("--model-path=$(MODEL_PATH)", "--model-path=$(MODEL_PATH)"),
    ],
)
def test_credential_shapes_in_text(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_environment_variables_flags_and_keys() -> None:
    document = {
        "env": [
            {"name": "HF_TOKEN", "value": "abc"},
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "k", "key": "api-key"}}},
        ],
        "args": ["--token", "abc", "--port", "8080"],
        "auth": {"password": "p", "username": "u"},
    }
    assert mask(document) == {
        "env": [
            {"name": "HF_TOKEN", "value": MASK},
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "k", "key": "api-key"}}},
        ],
        "args": ["--token", MASK, "--port", "8080"],
        "auth": {"password": MASK, "username": "u"},
    }


def test_secret_objects_mask_all_their_data() -> None:
    secret = {"kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "YQ=="}, "type": "Opaque"}
    assert mask(secret) == {**secret, "data": {"a": MASK}}


def test_a_changed_secret_says_so_and_an_unchanged_one_does_not() -> None:
    old = {"env": [{"name": "B", "value": "same"}, {"name": "HF_TOKEN", "value": "old"}]}
    new = {"env": [{"name": "HF_TOKEN", "value": "new"}, {"name": "B", "value": "same"}]}
    before, after = mask_pair(old, new)
    assert before["env"][1] == {"name": "HF_TOKEN", "value": MASK}
    assert after["env"][0] == {"name": "HF_TOKEN", "value": CHANGED}
    unchanged_before, unchanged_after = mask_pair(old, old)
    assert unchanged_before == unchanged_after
    assert mask_pair({"password": "x"}, MISSING) == ({"password": MASK}, MISSING)


def test_numbers_under_secret_keys_and_references_in_secret_keys() -> None:
    volume = {"name": "certs", "secret": {"secretName": "tls-certs", "defaultMode": 420}}
    assert mask(volume) == volume, "a secret's name is not a secret"
    assert mask({"pin": {"password": 1234, "passwordRequired": True}}) == {
        "pin": {"password": MASK, "passwordRequired": True}
    }


def test_items_with_the_same_name_keep_their_own_values() -> None:
    twice = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]
    assert mask({"env": twice}) == {"env": twice}


def test_whole_objects_are_masked_for_a_diff() -> None:
    secret_object: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds", "annotations": {"note": "rotate ghp_" + "a" * 36}},
        "data": {"token": "aGVsbG8="},
        "stringData": {"password": "hunter2"},
    }
    deployment: dict[str, Any] = {
        "kind": "InferenceService",
        "spec": {
            "env": [
                {"name": "HF_TOKEN", "value": "hunter2hunter2"},
                {"name": "LOG_LEVEL", "value": "info"},
                {"name": "HF_TOKEN_REF", "valueFrom": {"secretKeyRef": {"name": "a", "key": "b"}}},
            ],
            "args": ["--api-key", "letmein", "--port=8080", "--token=abc"],
        },
    }
    frozen = copy.deepcopy((secret_object, deployment))
    masked = mask(secret_object)
    assert masked["data"] == {"token": "****"}
    assert masked["stringData"] == {"password": "****"}
    assert masked["metadata"]["annotations"]["note"] == "rotate ghp_****"
    shown = mask(deployment)
    assert shown["spec"]["env"][0]["value"] == "****"
    assert shown["spec"]["env"][1]["value"] == "info"
    assert shown["spec"]["env"][2] == deployment["spec"]["env"][2]
    assert shown["spec"]["args"] == ["--api-key", "****", "--port=8080", "--token=****"]
    assert (secret_object, deployment) == frozen
