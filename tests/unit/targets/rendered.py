"""Every object manifold renders for the example and the valid cases (read from rendered/ and
the acceptance snapshots), and a test of the kinds a target module declares against them: each
kind's schema accepts some rendered object, and refuses it with a field the kind lacks."""

from __future__ import annotations

import functools
import importlib
import json
import re
from typing import Any, ClassVar

import jsonschema
from typing_extensions import is_typeddict

from manifold.core import yaml as yamlio
from manifold.schemas.generate import typed_dict_schema
from tests.conftest import REPO_ROOT

SNAPSHOTS = REPO_ROOT / "tests" / "acceptance" / "__snapshots__" / "test_cases"
_FILE = re.compile(r"^# ===== (\S+)\n", re.M)


def _chunks(text: str) -> list[tuple[str, str]]:
    parts = _FILE.split(text)
    return list(zip(parts[1::2], parts[2::2], strict=True))


@functools.cache
def rendered_files() -> tuple[tuple[str, Any], ...]:
    """(path, body) of every rendered object: YAML documents and JSON requests."""
    texts = [
        (str(path.relative_to(REPO_ROOT / "rendered")), path.read_text(encoding="utf-8"))
        for path in sorted((REPO_ROOT / "rendered").rglob("*"))
        if path.is_file()
    ]
    for snapshot in sorted(SNAPSHOTS.glob("test_valid_case*.yaml")):
        texts.extend(_chunks(snapshot.read_text(encoding="utf-8")))
    found: list[tuple[str, Any]] = []
    for path, text in texts:
        if path.endswith(".json"):
            found.append((path, json.loads(text)))
        elif path.endswith(".yaml"):
            found.extend((path, body) for body in yamlio.load_all(text) if isinstance(body, dict))
    return tuple(found)


def declared_kinds(module: Any) -> dict[str, Any]:
    """The module's top-level object shapes by kind name: typed dicts with a literal `kind`."""
    kinds = {}
    for value in vars(module).values():
        if is_typeddict(value) and value.__module__ == module.__name__:
            kind = value.__annotations__.get("kind")
            written = getattr(kind, "__forward_arg__", str(kind))  # postponed annotations
            match = re.fullmatch(r"""Literal\[["'](\w+)["']\]""", written)
            if match:
                kinds[match.group(1)] = value
    return kinds


def errors(schema: dict[str, Any], body: Any) -> list[str]:
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [error.message for error in validator.iter_errors(body)]


def accepted(shape: Any, kind: str) -> list[Any]:
    """The rendered objects of `kind` that the shape's schema accepts."""
    schema = typed_dict_schema(shape)()
    return [
        body
        for _, body in rendered_files()
        if body.get("kind") == kind and not errors(schema, body)
    ]


def refuses_an_unknown_field(shape: Any, body: dict[str, Any]) -> bool:
    schema = typed_dict_schema(shape)()
    spec = body.get("spec")
    changed = (
        {**body, "spec": {**spec, "notAField": 1}}
        if isinstance(spec, dict)
        else {
            **body,
            "notAField": 1,
        }
    )
    return bool(errors(schema, changed))


class KindsTests:
    """The tests of one kinds module: a test file subclasses this (as `Test...`) naming the
    module, so that every kinds module gets the same checks from one definition."""

    module: ClassVar[str]

    def test_the_module_declares_kinds(self) -> None:
        assert declared_kinds(importlib.import_module(self.module))

    def test_rendered_objects_of_each_kind_match_it_strictly(self) -> None:
        unmatched = []
        for kind, shape in sorted(declared_kinds(importlib.import_module(self.module)).items()):
            found = accepted(shape, kind)
            if not found or not all(refuses_an_unknown_field(shape, body) for body in found):
                unmatched.append(kind)
        assert unmatched == []
