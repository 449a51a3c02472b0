"""Reading YAML: YAML 1.2's core schema, one document where one is expected, and hostile
input (deep nesting, alias bombs, huge integers, tags, control characters) refused with a
position before it costs anything."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position
from manifold.core.yaml import load
from tests.unit.core.yaml.test_emit import json_documents


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
