"""Secret-looking values never reach a diff."""

from __future__ import annotations

import pytest

from manifold.masking import CHANGED, MASK, MISSING, mask, mask_pair, mask_text, secret_key


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
        ("https://bob:hunter2@git.example.com/x", f"https://{MASK}@git.example.com/x"),
        ("token ghp_" + "a" * 36, f"token {MASK}"),
        ("hf_" + "B" * 34, MASK),
        ("AKIAABCDEFGHIJKLMNOP", MASK),
        ("-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n", MASK + "\n"),
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
