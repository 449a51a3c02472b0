"""Reading YAML with positions, and the emitter: what it writes reads back identically in
YAML 1.1 (PyYAML, like Kubernetes' Go parsers) and YAML 1.2 (ruamel.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from manifold import yamlio
from manifold.diagnostics import Position


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


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_documents = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


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


class TestLoading:
    def test_one_document(self) -> None:
        assert yamlio.load_one("a: 1\nb: [x, y]\n") == {"a": 1, "b": ["x", "y"]}

    def test_empty_text_is_none(self) -> None:
        assert yamlio.load_one("# only a comment\n") is None

    def test_timestamps_stay_strings(self) -> None:
        assert yamlio.load_one("date: 2024-01-02\n") == {"date": "2024-01-02"}

    def test_syntax_error_has_a_position(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("a: [1, 2\nb: 3\n")
        assert raised.value.position is not None
        assert "syntax error" in raised.value.message

    def test_duplicate_keys_are_refused(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("a: 1\nb: 2\na: 3\n")
        assert "duplicate key" in raised.value.message
        assert raised.value.position == Position(3, 1)

    def test_several_documents_are_refused_where_one_is_expected(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("a: 1\n---\nb: 2\n")
        assert raised.value.position == Position(2, 1)
        assert "one YAML document" in raised.value.message

    def test_non_string_keys_are_refused(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("spec:\n  1: one\n")
        assert "not a string" in raised.value.message
        assert raised.value.path == ("spec",)

    def test_alias_expansion_is_bounded(self) -> None:
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in range(1, 9):
            refs = ", ".join([f"*a{level - 1}"] * 10)
            lines.append(f"a{level}: &a{level} [{refs}]")
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("\n".join(lines) + "\n")
        assert "anchors and aliases" in raised.value.message

    def test_deep_nesting_is_refused(self) -> None:
        text = "a: " + "[" * 100 + "]" * 100 + "\n"
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one(text)
        assert "deeper than" in raised.value.message


class TestPositions:
    TEXT = "apiVersion: v1\nspec:\n  services:\n  - name: chat\n    replicas:\n      min: 1\n"

    def test_value_position(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0, "replicas", "min")) == Position(6, 12)

    def test_key_position(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0, "replicas"), key=True) == Position(5, 5)

    def test_list_item_position(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0)) == Position(4, 5)

    def test_missing_path_stops_at_deepest_existing_part(self) -> None:
        index = yamlio.PositionIndex(self.TEXT)
        assert index.locate(("spec", "services", 0, "model")) == Position(4, 5)

    def test_unparsable_text_points_at_the_start(self) -> None:
        assert yamlio.PositionIndex("a: [").locate(("a",)) == Position(1, 1)


@pytest.mark.parametrize("text", ["a\ufffeb", "\uffff"])
def test_noncharacters_are_escaped(text: str) -> None:
    emitted = yamlio.emit({"k": text})
    assert "\\u" in emitted
    assert yamlio.load_one(emitted) == {"k": text}
