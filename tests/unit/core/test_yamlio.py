"""Reading YAML with positions, and the emitter: what it writes reads back identically in
YAML 1.1 (PyYAML, like Kubernetes' Go parsers) and YAML 1.2 (ruamel.yaml)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position
from manifold.core.yaml import load


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


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.text(alphabet=" \n\tab:#-'\"", max_size=20)  # YAML's structural characters, dense
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
    def test_a_colon_inside_a_plain_scalar_in_a_flow_mapping_is_text(self) -> None:
        # YAML 1.2: ':' followed by anything but a space does not end a plain scalar.
        assert yamlio.load_one("runtime: {image: vllm/vllm-openai:v0.9.0}\n") == {
            "runtime": {"image": "vllm/vllm-openai:v0.9.0"}
        }

    def test_yaml_1_2_core_schema(self) -> None:
        text = "a: yes\nb: 010\nc: 0o10\nd: 2024-01-01\ne: 1_000\nf: <<\ng: 0x1f\n"
        assert yamlio.load_one(text) == {
            "a": "yes",
            "b": 10,
            "c": 8,
            "d": "2024-01-01",
            "e": "1_000",
            "f": "<<",
            "g": 31,
        }

    def test_kubernetes_manifests_are_read_as_yaml_1_1(self) -> None:
        [document] = yamlio.load_all("a: yes\nb: 010\n", yamlio.Dialect(yaml_1_1=True))
        assert document == {"a": True, "b": 8}

    def test_merge_keys_give_way_to_the_mappings_own_keys(self) -> None:
        text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n"
        assert yamlio.load_one(text)["c"] == {"x": 1, "y": 3}

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


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(json_documents, st.booleans())
def test_the_nesting_bound_never_underestimates(document: Any, flow: bool) -> None:
    # The bound decides whether the exact (event-based) depth check runs: it must never be
    # below the real depth, in block or in flow style.
    text = json.dumps(document) if flow else yamlio.emit({"root": document})
    real = _depth(document) + (0 if flow else 1)
    assert load._nesting_bound(text) >= real


def _refusal(load: Callable[[], object]) -> yamlio.YamlError:
    with pytest.raises(yamlio.YamlError) as raised:
        load()
    return raised.value


class TestHostileInput:
    def test_deep_nesting_is_refused_before_the_parser_recurses(self) -> None:
        # 200,000 levels used to overflow the C stack of ruamel.yaml's composer.
        refused = _refusal(lambda: yamlio.load_one("- " * 200_000 + "x\n"))
        assert refused.message == "nesting is deeper than 64 levels"
        assert refused.position == Position(1, 129)

    def test_compact_nesting_below_the_limit_is_read(self) -> None:
        assert yamlio.load_one("- " * 60 + "x\n") is not None

    def test_an_alias_inside_its_own_anchor_is_refused(self) -> None:
        refused = _refusal(lambda: yamlio.load_one("a: &a [1, *a]\n"))
        assert "contains itself" in refused.message
        assert refused.path == ("a", 1)

    def test_shared_aliases_are_fine(self) -> None:
        assert yamlio.load_one("a: &a [1]\nb: *a\nc: *a\n") == {"a": [1], "b": [1], "c": [1]}

    def test_alias_bombs_are_reported_at_the_first_alias(self) -> None:
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 7)]
        refused = _refusal(lambda: yamlio.load_one("\n".join(lines) + "\n"))
        assert refused.path[1] in range(10)
        assert len(refused.path) == 2

    def test_integers_too_long_for_python_are_refused(self) -> None:
        refused = _refusal(lambda: yamlio.load_one("a: b\nn: " + "7" * 5000 + "\n"))
        assert "more digits" in refused.message
        assert refused.position == Position(2, 4)

    def test_control_characters_are_located(self) -> None:
        refused = _refusal(lambda: yamlio.load_one("a: b\nc: d\x1be\n"))
        assert "U+001B" in refused.message
        assert refused.position == Position(2, 5)

    def test_duplicate_keys_are_named_without_their_values(self) -> None:
        refused = _refusal(lambda: yamlio.load_one("token: first-secret\ntoken: second-secret\n"))
        assert refused.message.startswith("duplicate key 'token'")
        assert "secret" not in refused.message

    def test_tags_are_refused(self) -> None:
        refused = _refusal(lambda: yamlio.load_one("a: !!python/object/apply:os.system [ls]\n"))
        assert "the tag '!!python/object/apply:os.system' is not supported" in refused.message

    @pytest.mark.parametrize(
        ("text", "hint"),
        [
            ("a:\n\tb: 1\n", "indent with spaces"),
            ("a: @b\n", "put the value in quotes"),
            ("a: b: c\n", "must be quoted"),
            ("a: 1\nb 2\nc: 3\n", "line 2 has no ':'"),
            ('a: "x\nb: 1\nc: "y"\n', "is a closing quote missing?"),
            ("a: *nothing\n", "anchor"),
        ],
    )
    def test_syntax_errors_come_with_a_hint(self, text: str, hint: str) -> None:
        refused = _refusal(lambda: yamlio.load_one(text))
        assert refused.hint is not None and hint in refused.hint


class TestKubernetesDialect:
    LENIENT = yamlio.Dialect(duplicate_keys=True, string_keys=True, yaml_1_1=True)

    def test_the_last_duplicate_wins(self) -> None:
        assert yamlio.load_all("a: 1\na: 2\n", self.LENIENT) == [{"a": 2}]

    def test_scalar_keys_become_strings(self) -> None:
        text = "data:\n  5: x\n  3.14: w\n  true: z\n"
        assert yamlio.load_all(text, self.LENIENT) == [
            {"data": {"5": "x", "3.14": "w", "true": "z"}}
        ]

    def test_yaml_1_1_scalars(self) -> None:
        assert yamlio.load_all("a: yes\nb: 0755\n", self.LENIENT) == [{"a": True, "b": 493}]

    def test_list_keys_are_still_refused(self) -> None:
        with pytest.raises(yamlio.YamlError):
            yamlio.load_all("? [a, b]\n: c\n", self.LENIENT)


@pytest.mark.parametrize(
    ("text", "index", "position"),
    [
        ("ab\ncd", 4, Position(2, 2)),
        ("ab\r\ncd", 5, Position(2, 2)),
        ("ab\rcd", 4, Position(2, 2)),
        ("abc", 0, Position(1, 1)),
    ],
)
def test_positions_count_line_breaks_as_editors_do(
    text: str, index: int, position: Position
) -> None:
    assert yamlio.position_at(text, index) == position


@pytest.mark.parametrize(
    "value", ["a\u202eb", "zero\u200bwidth", "tag \U000e0041", "line\u2028sep", "bom\ufeff"]
)
def test_invisible_characters_are_emitted_as_escapes_and_read_back(value: str) -> None:
    emitted = yamlio.emit({"k": value})
    assert emitted.replace("\n", "").isprintable(), emitted
    assert yamlio.load_one(emitted) == {"k": value}
    as_json = yamlio.visible(json.dumps({"k": value}, ensure_ascii=False), json_style=True)
    assert as_json.isprintable() and json.loads(as_json) == {"k": value}


@pytest.mark.parametrize("yaml_1_1", [False, True], ids=["yaml-1.2", "yaml-1.1"])
def test_resolvers_of_a_letter_are_short_words(yaml_1_1: bool) -> None:
    """The loader takes a plain scalar that starts with a letter and is longer than
    `dialect.LONGEST_WORD` for a string without asking the resolvers: that holds only while
    every resolver reached by a letter is an alternation of words that short."""
    from manifold.core.yaml import dialect

    resolvers = dialect.loader_for(dialect.Dialect(yaml_1_1=yaml_1_1)).yaml_implicit_resolvers
    assert None not in resolvers
    for first, entries in resolvers.items():
        if not first.isalpha():
            continue
        for _tag, pattern in entries:
            body = pattern.pattern.removeprefix("^(?:").removesuffix(")$")
            if pattern.flags & re.VERBOSE:
                body = "".join(body.split())
            for word in body.split("|"):
                assert re.fullmatch(r"[~\w]*", word), (first, pattern.pattern)  # a literal word
                assert not word[:1].isalpha() or len(word) <= dialect.LONGEST_WORD, word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: falsehood", {"a": "falsehood"}),
        ("a: nullable", {"a": "nullable"}),
        ("a: FALSE", {"a": False}),
        ("a: Null", {"a": None}),
        ("a: yes", {"a": "yes"}),
        ("a: 0o17", {"a": 15}),
        ("a: 017", {"a": 17}),
        ("a: '017'", {"a": "017"}),
        ("a: !!str 12", {"a": "12"}),
        ("a: ~", {"a": None}),
        ("a: .inf", {"a": float("inf")}),
    ],
)
def test_quick_resolution_keeps_yaml_1_2(text: str, expected: Any) -> None:
    assert yamlio.load_all(text) == [expected]
