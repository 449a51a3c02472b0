"""How YAML is parsed: YAML 1.2's core schema for manifold's own files (`yes` stays a string),
YAML 1.1 for Kubernetes manifests (`Dialect.yaml_1_1`), duplicate keys refused, and the
bounds (nodes, depth) that keep a hostile file cheap. libyaml does the parsing through
PyYAML's C parser: about 4x cheaper than ruamel.yaml's safe loader, 20x its round-trip one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from yaml import MappingNode, ScalarNode
from yaml._yaml import CParser
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver, Resolver

from manifold.core.diagnostics import Position
from manifold.core.jsonpath import JsonPath

MAX_NODES = 200_000


MAX_DEPTH = 64


class YamlError(Exception):
    """Text that is not acceptable YAML for manifold, with where the problem is."""

    def __init__(
        self,
        message: str,
        position: Position | None = None,
        path: JsonPath = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.path = path
        self.hint = hint


@dataclass(frozen=True)
class Dialect:
    """How strictly a text is read. Input files get the strictest reading; manifests given to
    `manifold validate` are read the way Kubernetes' own YAML reader reads them."""

    duplicate_keys: bool = False
    """Allow a key twice in a mapping; the last value wins."""
    string_keys: bool = False
    """Turn scalar keys (`5:`, `true:`) into strings instead of refusing them."""
    yaml_1_1: bool = False
    """YAML 1.1 scalars (yes/no/on/off booleans, 0755 octals), as Kubernetes reads them."""
    max_depth: int = MAX_DEPTH


INPUTS = Dialect()


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_FLATTENED = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")
"""Keys `flatten_mapping` rewrites: a mapping without them needs no flattening."""


LONGEST_WORD = 5
"""No implicit resolver of either dialect matches a plain scalar that starts with a letter and
is longer than this: those resolvers are lists of words (`false`, `null`, `yes`), checked by
tests/unit/core/test_yamlio.py."""


class _QuickResolving:
    """Most scalars of a manifest are quoted, plain text starting with a character no implicit
    resolver of the dialect starts with (`/models`), or a word longer than any the resolvers
    list (`metadata`, `nvidia.com/gpu`): those are strings whatever the regular expressions
    say, so they skip PyYAML's lookup and matching, which ran in Python once per scalar.
    Everything else is resolved exactly as before. (Neither dialect has resolvers for any first
    character, PyYAML's `None` key, which this would skip; `loader_for` checks.)"""

    yaml_implicit_resolvers: dict[Any, Any]

    def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> Any:
        if kind is ScalarNode and (
            not implicit[0]
            or (
                value
                and (
                    value[0] not in self.yaml_implicit_resolvers
                    or (len(value) > LONGEST_WORD and value[0].isalpha())
                )
            )
        ):
            return _STR
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _Yaml12Resolver(BaseResolver):
    """YAML 1.2's core schema: only true/false are booleans, only 0o is octal, no timestamps."""


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+.0123456789",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("merge", r"<<", "<"),
):
    _Yaml12Resolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$"), list(_first)
    )


class _PlainConstructor(SafeConstructor):
    """Timestamps stay the strings people wrote; manifold never wants a datetime. A duplicate
    key is named without its values, which may be long or secret; keys brought in by a merge
    (`<<: *base`) may be overridden by the mapping's own."""

    allow_duplicate_keys = False

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # A string or a null is its text or None, shared or not: no need for the bookkeeping
        # of anchors and recursion that PyYAML does for every node in Python.
        if node.__class__ is ScalarNode:
            if node.tag == _STR:
                return node.value
            if node.tag == _NULL:
                return None
        return super().construct_object(node, deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep)  # raises its ConstructorError
        if not any(key.tag in _FLATTENED for key, _ in node.value):
            return self._construct_plain_mapping(node, deep)
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        merged = len(node.value) - own
        mapping: dict[Any, Any] = {}
        own_keys: set[Any] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            key = self._construct_key(key_node)
            value = self.construct_object(value_node, deep=deep)
            if index < merged:
                mapping.setdefault(key, value)
                continue
            if key in own_keys and not self.allow_duplicate_keys:
                raise DuplicateKey(key, node.start_mark, key_node.start_mark)
            own_keys.add(key)
            mapping.pop(key, None)  # the last value wins, where duplicates are allowed
            mapping[key] = value
        return mapping

    def _construct_key(self, key_node: Any) -> Any:
        """A mapping key, made hashable (a list key becomes a tuple, which `load` refuses with
        its position)."""
        key = self.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = tuple(key) if isinstance(key, list) else repr(key)
        return key

    def _construct_plain_mapping(self, node: Any, deep: bool) -> dict[Any, Any]:
        """A mapping with no merge (`<<`) or value (`=`) keys, the usual kind: what
        `construct_mapping` gives, without flattening and with string keys taken as they are."""
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == _STR:
                key = key_node.value
            else:
                key = self._construct_key(key_node)
            value = self.construct_object(value_node, deep=deep)
            if key in mapping:
                if not self.allow_duplicate_keys:
                    raise DuplicateKey(key, node.start_mark, key_node.start_mark)
                del mapping[key]  # the last value wins, where duplicates are allowed
            mapping[key] = value
        return mapping


class _Yaml12Constructor(_PlainConstructor):
    def construct_yaml_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node))
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits)  # leading zeros are decimal in YAML 1.2


class DuplicateKey(ConstructorError):
    def __init__(self, key: Any, mapping_mark: Any, key_mark: Any) -> None:
        super().__init__("while constructing a mapping", mapping_mark, "duplicate key", key_mark)
        self.key = key


# PyYAML's stubs type add_constructor for its own loaders only.
_plain: Any = _PlainConstructor


_plain.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


_plain.add_constructor(
    "tag:yaml.org,2002:merge", SafeConstructor.construct_yaml_str
)  # `<<` as a value


_yaml12: Any = _Yaml12Constructor


_yaml12.add_constructor("tag:yaml.org,2002:int", _Yaml12Constructor.construct_yaml_int)


@functools.cache
def loader_for(dialect: Dialect) -> type[Any]:
    """A libyaml-backed loader class reading `dialect`."""
    constructor = _PlainConstructor if dialect.yaml_1_1 else _Yaml12Constructor
    resolver = Resolver if dialect.yaml_1_1 else _Yaml12Resolver
    assert None not in resolver.yaml_implicit_resolvers  # see _QuickResolving

    class Loader(CParser, constructor, _QuickResolving, resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            constructor.__init__(self)
            resolver.__init__(self)
            self.allow_duplicate_keys = dialect.duplicate_keys

    return Loader
