"""core.yaml.dialect: the YAML 1.2 core schema for inputs, YAML 1.1 and lenient keys for
Kubernetes manifests, and what neither accepts (duplicate keys, tags)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Position
from tests.unit.core.yaml.support import refusal


class TestInputs:
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

    def test_a_colon_inside_a_plain_scalar_in_a_flow_mapping_is_text(self) -> None:
        # YAML 1.2: ':' followed by anything but a space does not end a plain scalar.
        assert yamlio.load_one("runtime: {image: vllm/vllm-openai:v0.9.0}\n") == {
            "runtime": {"image": "vllm/vllm-openai:v0.9.0"}
        }

    def test_merge_keys_give_way_to_the_mappings_own_keys(self) -> None:
        text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n"
        assert yamlio.load_one(text)["c"] == {"x": 1, "y": 3}

    def test_timestamps_stay_strings(self) -> None:
        assert yamlio.load_one("date: 2024-01-02\n") == {"date": "2024-01-02"}

    def test_duplicate_keys_are_refused(self) -> None:
        with pytest.raises(yamlio.YamlError) as raised:
            yamlio.load_one("a: 1\nb: 2\na: 3\n")
        assert "duplicate key" in raised.value.message
        assert raised.value.position == Position(3, 1)

    def test_duplicate_keys_are_named_without_their_values(self) -> None:
        refused = refusal(lambda: yamlio.load_one("token: first-secret\ntoken: second-secret\n"))
        assert refused.message.startswith("duplicate key 'token'")
        assert "secret" not in refused.message

    def test_tags_are_refused(self) -> None:
        refused = refusal(lambda: yamlio.load_one("a: !!python/object/apply:os.system [ls]\n"))
        assert "the tag '!!python/object/apply:os.system' is not supported" in refused.message

    def test_kubernetes_manifests_are_read_as_yaml_1_1(self) -> None:
        [document] = yamlio.load_all("a: yes\nb: 010\n", yamlio.Dialect(yaml_1_1=True))
        assert document == {"a": True, "b": 8}


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
