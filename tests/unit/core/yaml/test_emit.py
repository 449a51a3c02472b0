"""core.yaml.emit: what the emitter writes reads back identically in YAML 1.1 (PyYAML, like
Kubernetes' Go parsers) and YAML 1.2 (ruamel.yaml), and shows no invisible character."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from manifold.core import yaml as yamlio
from tests.unit.core.yaml.support import json_documents


def _yaml11(text: str) -> Any:
    return yaml.safe_load(text)


def _yaml12(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


TRICKY_STRINGS = [
    "",
    " ",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "null",
    "~",
    "1",
    "1.0",
    "1e3",
    "0x1f",
    "0o17",
    "017",
    "1_000",
    "-_",
    "_",
    "1.2.3",
    "1:30",
    ".5",
    ".inf",
    "-.inf",
    ".NaN",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "<<",
    "=",
    "-",
    "- x",
    "-x",
    "--port",
    "?",
    ":",
    "a: b",
    "a #b",
    "#comment",
    "@at",
    "`tick",
    "!tag",
    "&anchor",
    "*alias",
    "|",
    ">",
    "[a]",
    "{a: b}",
    "'quoted'",
    '"quoted"',
    "%percent",
    "trailing ",
    " leading",
    "tab\there",
    "line\nbreak",
    "two\n\nblank lines\n",
    "ends with newline\n",
    "ends with two\n\n",
    "  indented first line\nsecond",
    "\n  indented after a blank line\nsecond\n",
    "unicode: é ü 漢字",
    "nbsp\u00a0here",
    "nel\x85here",
    "ls\u2028here",
    "bom\ufeffhere",
    "ctrl\x01char",
    "del\x7fchar",
    "hf://meta-llama/Llama-3.1-8B-Instruct",
    "docker.io/vllm/vllm-openai:v0.9.0.1",
    "$(MODEL_PATH)",
    "---",
    "...",
    "--- x",
    "0.5B",
    "8B",
    "16Gi",
]


@pytest.mark.parametrize("text", TRICKY_STRINGS)
def test_tricky_strings_read_back_as_themselves(text: str) -> None:
    document = {"value": text, text or "empty": [text], "nested": {"list": [{"k": text}]}}
    emitted = yamlio.emit(document)
    assert _yaml11(emitted) == document
    assert _yaml12(emitted) == document


def test_plain_strings_stay_unquoted() -> None:
    emitted = yamlio.emit({"image": "docker.io/vllm/vllm-openai:v0.9.0.1", "arg": "--port"})
    assert emitted == "image: docker.io/vllm/vllm-openai:v0.9.0.1\narg: --port\n"


def test_layout_is_block_style_with_unindented_sequences() -> None:
    document = {
        "apiVersion": "v1",
        "spec": {"list": [{"name": "a", "v": 1}, "s", [1, 2]], "empty": {}, "none": []},
        "script": "line one\nline two\n",
    }
    assert yamlio.emit(document) == (
        "apiVersion: v1\n"
        "spec:\n"
        "  list:\n"
        "  - name: a\n"
        "    v: 1\n"
        "  - s\n"
        "  - - 1\n"
        "    - 2\n"
        "  empty: {}\n"
        "  none: []\n"
        "script: |\n"
        "  line one\n"
        "  line two\n"
    )


def test_numbers_and_booleans() -> None:
    document = {"i": 3, "f": 0.5, "e": 1e-05, "big": 1e20, "t": True, "n": None, "neg": -2}
    emitted = yamlio.emit(document)
    assert _yaml11(emitted) == document
    assert _yaml12(emitted) == document


def test_non_finite_floats() -> None:
    emitted = yamlio.emit({"a": float("inf"), "b": float("-inf")})
    assert emitted == "a: .inf\nb: -.inf\n"


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_documents, min_size=1, max_size=5))
def test_any_document_reads_back_identically(document: dict[str, Any]) -> None:
    emitted = yamlio.emit(document)
    assert _yaml12(emitted) == document
    assert _yaml11(emitted) == document


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_documents, min_size=1, max_size=5))
def test_emitting_is_deterministic_and_manifold_reads_it_back(document: dict[str, Any]) -> None:
    emitted = yamlio.emit(document)
    assert yamlio.emit(document) == emitted
    assert yamlio.load_one(emitted) == document


@pytest.mark.parametrize("text", ["a\ufffeb", "\uffff"])
def test_noncharacters_are_escaped(text: str) -> None:
    emitted = yamlio.emit({"k": text})
    assert "\\u" in emitted
    assert yamlio.load_one(emitted) == {"k": text}


@pytest.mark.parametrize(
    "value", ["a\u202eb", "zero\u200bwidth", "tag \U000e0041", "line\u2028sep", "bom\ufeff"]
)
def test_invisible_characters_are_emitted_as_escapes_and_read_back(value: str) -> None:
    emitted = yamlio.emit({"k": value})
    assert emitted.replace("\n", "").isprintable(), emitted
    assert yamlio.load_one(emitted) == {"k": value}
    as_json = yamlio.visible(json.dumps({"k": value}, ensure_ascii=False), json_style=True)
    assert as_json.isprintable() and json.loads(as_json) == {"k": value}
