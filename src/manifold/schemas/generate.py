"""JSON Schemas and CRDs generated from manifold's own models.

- Input kinds (Project, Environment): draft-07 JSON Schema, which yaml-language-server and
  kubeconform both read, plus an `apiextensions.k8s.io/v1` CustomResourceDefinition each.
- Target kinds (what targets render): strict draft-07 JSON Schema from their typed dicts,
  in kubeconform's layout `<group>/<kind>_<version>.json`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, cast

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from manifold.models.blocks import BLOCK_METADATA, PlatformBlock

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


OptionModels = Callable[[PlatformBlock], type[BaseModel]]
"""The option model a platform checks one of its blocks with (the target registry's)."""


class _Generator(GenerateJsonSchema):
    """pydantic's generator without a title on every field: they repeat the field names."""

    option_models: OptionModels | None = None

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def encode_default(self, dft: Any) -> Any:
        """A default that is already JSON (None, a string, a boolean, an integer: nearly all
        of manifold's) as it is; pydantic builds a TypeAdapter per default to say the same,
        a fifth of generating the schemas, which every `check` does."""
        if dft is None or type(dft) in (str, bool, int):
            return dft
        return super().encode_default(dft)

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        """A platform's block is a mapping to the models but its platform's model to an
        editor: its schema goes where the block sits, its definitions join the document's."""
        block = (schema.get("metadata") or {}).get(BLOCK_METADATA)
        if block is None or self.option_models is None:
            return super().dict_schema(schema)
        return self.generate_inner(self.option_models(block).__pydantic_core_schema__)


def to_draft_07(schema: dict[str, Any]) -> dict[str, Any]:
    """pydantic writes draft 2020-12 `$defs`; editors and kubeconform read draft-07 best."""
    result: dict[str, Any] = {"$schema": DRAFT_07}
    result.update((key, value) for key, value in schema.items() if key != "$defs")
    if schema.get("$defs"):
        result["definitions"] = schema["$defs"]
    rewritten: dict[str, Any] = _rewrite_refs(result)
    return rewritten


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", "#/definitions/")
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def typed_dict_schema(shape: Any) -> Callable[[], dict[str, Any]]:
    """A cached, lazily built schema for a target kind's typed dict."""

    @functools.cache
    def build() -> dict[str, Any]:
        schema: dict[str, Any] = TypeAdapter(shape).json_schema(schema_generator=_Generator)
        return to_draft_07(schema)

    return build


def model_schema(
    model: type[BaseModel], option_models: OptionModels | None = None
) -> dict[str, Any]:
    """The editor schema of an input model: every description on one line, no titles; with
    `option_models`, each platform block holds its platform's schema."""
    generator: type[_Generator] = _Generator
    if option_models is not None:
        attributes = {"option_models": staticmethod(option_models)}
        generator = cast("type[_Generator]", type("_WithOptions", (_Generator,), attributes))
    schema = model.model_json_schema(by_alias=True, schema_generator=generator)
    return to_draft_07(_for_editors(schema))


_NAMED_SUBSCHEMAS = ("properties", "patternProperties", "$defs", "definitions")
_VALUES = ("default", "const", "enum", "examples")


def _for_editors(node: Any) -> Any:
    """yaml-language-server shows a title before the description and joins the titles of
    every schema a value could match with `||`; pydantic's titles are class names
    (`Service || Service`), so they go. Docstrings wrap over lines, which editors show as
    cut sentences: descriptions are folded onto one line."""
    if isinstance(node, list):
        return [_for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "description" and isinstance(value, str):
            result[key] = " ".join(value.split())
        elif key in _NAMED_SUBSCHEMAS and isinstance(value, dict):
            result[key] = {name: _for_editors(sub) for name, sub in value.items()}
        elif key in _VALUES:
            result[key] = value
        else:
            result[key] = _for_editors(value)
    return result


def variants_schema(variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One kind written differently at several API levels of a platform that keep its group,
    version and name: a schema that accepts an object valid at one of them (what kubeconform
    and editors see), built so that each level stays checkable alone.

    Each variant's own schema becomes `definitions.<variant>` (its definitions are renamed
    `<variant>.<name>`) and the root is `anyOf` their references;
    `manifold.schemas.store` checks an object that names its variant against that one only.
    """
    definitions: dict[str, Any] = {}
    for variant, schema in variants.items():
        renamed = {
            f"#/definitions/{name}": f"#/definitions/{variant}.{name}"
            for name in schema.get("definitions", {})
        }

        def rename(node: Any, renamed: dict[str, str] = renamed) -> Any:
            if isinstance(node, dict):
                return {
                    key: renamed.get(value, value) if key == "$ref" else rename(value)
                    for key, value in node.items()
                }
            if isinstance(node, list):
                return [rename(item) for item in node]
            return node

        for name, definition in schema.get("definitions", {}).items():
            definitions[f"{variant}.{name}"] = rename(definition)
        definitions[variant] = rename(
            {k: v for k, v in schema.items() if k not in ("$schema", "definitions")}
        )
    return {
        "$schema": DRAFT_07,
        "anyOf": [{"$ref": f"#/definitions/{variant}"} for variant in variants],
        "definitions": definitions,
    }


# --------------------------------------------------------------------------- overrides


def with_partial_override(
    schema: dict[str, Any], owner: str, field: str, source: str, name: str
) -> dict[str, Any]:
    """Make `owner.field` a map of partial copies of definition `source`, named `name`.

    A partial copy requires nothing but the `name` of list items (they merge by name) and
    accepts null for every field (null removes the field in the merge).
    """
    definitions: dict[str, Any] = schema["definitions"]
    renamed: dict[str, str] = {}

    def partial(definition: str) -> str:
        if definition in renamed:
            return renamed[definition]
        new_name = name if definition == source else f"{definition}Override"
        renamed[definition] = new_name
        definitions[new_name] = _partial(copy.deepcopy(definitions[definition]), partial)
        return new_name

    partial(source)
    definitions[name]["properties"].pop(field, None)
    original = definitions[owner]["properties"][field]
    key_patterns = list(original.get("patternProperties", {}))
    names: dict[str, Any] = dict(original.get("propertyNames", {}))
    if key_patterns:
        names["pattern"] = key_patterns[0]
    definitions[owner]["properties"][field] = {
        "description": original.get("description", ""),
        "type": "object",
        "propertyNames": names,
        "additionalProperties": {"$ref": f"#/definitions/{name}"},
    }
    return schema


def _partial(node: Any, partial: Callable[[str], str]) -> Any:
    if isinstance(node, list):
        return [_partial(item, partial) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/definitions/"):
            result[key] = "#/definitions/" + partial(value.removeprefix("#/definitions/"))
        elif key == "required":
            keep = [field for field in value if field == "name"]
            if keep:
                result[key] = keep
        elif key == "properties":
            result[key] = {
                prop: _nullable(_partial(sub, partial), sub.get("description"))
                for prop, sub in value.items()
            }
        elif key == "default":
            continue
        else:
            result[key] = _partial(value, partial)
    return result


def _nullable(schema: dict[str, Any], description: str | None) -> dict[str, Any]:
    """`schema` or null, with the description beside the union, where editors look for it."""
    wrapped: dict[str, Any] = {"anyOf": [schema, {"type": "null"}]}
    if description:
        wrapped["description"] = description
    return wrapped


def with_named_schemas(
    schema: dict[str, Any], owner: str, field: str, named: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Make `owner.field` an object whose properties are `named` (each a whole schema, whose
    definitions join the document's); other keys are refused.

    Each is partial, as a file sees it: an environment file is a layer over those it extends,
    so nothing is required in it and null removes a value. The merged settings are checked
    in full.
    """
    definitions: dict[str, Any] = schema["definitions"]
    properties = {}
    for name, sub in named.items():
        for definition, body in sub.get("definitions", {}).items():
            if definitions.setdefault(definition, body) != body:
                raise ValueError(f"two different definitions named {definition!r}")
        whole = {k: v for k, v in sub.items() if k not in ("$schema", "definitions")}
        properties[name] = _nullable(_partial(whole, lambda ref: ref), whole.get("description"))
    target = definitions[owner]["properties"][field]
    target.pop("anyOf", None)
    target.update(type="object", properties=properties, additionalProperties=False)
    return schema


# --------------------------------------------------------------------------- CRDs


def crd(group: str, kind: str, plural: str, version: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A CustomResourceDefinition whose structural schema follows `schema` where it can."""
    definitions = schema.get("definitions", {})
    properties = schema.get("properties", {})
    spec_schema = _structural(properties.get("spec", {}), definitions)
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": kind.lower(),
            },
            "scope": "Namespaced",
            "versions": [
                {
                    "name": version,
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "description": schema.get("description", f"manifold {kind}."),
                            "properties": {
                                "apiVersion": {"type": "string"},
                                "kind": {"type": "string"},
                                "metadata": {"type": "object"},
                                "spec": spec_schema,
                            },
                            "required": ["spec"],
                        }
                    },
                }
            ],
        },
    }


_CRD_KEYWORDS = (
    "description",
    "enum",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)


def _structural(
    node: dict[str, Any], definitions: dict[str, Any], depth: int = 0
) -> dict[str, Any]:
    """Kubernetes wants a structural schema: a type everywhere, no $ref, no free unions."""
    if depth > 40:
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    while "$ref" in node:
        node = {
            **definitions[node["$ref"].rsplit("/", 1)[-1]],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    members = node.get("anyOf") or node.get("oneOf")
    if members:
        concrete = [m for m in members if m.get("type") != "null"]
        nullable = len(concrete) < len(members)
        if len(concrete) == 1:
            merged = {
                **{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")},
                **concrete[0],
            }
            result = _structural(merged, definitions, depth + 1)
        else:
            result = {"x-kubernetes-preserve-unknown-fields": True}
            if "description" in node:
                result["description"] = node["description"]
        if nullable:
            result["nullable"] = True
        return result
    result = {key: node[key] for key in _CRD_KEYWORDS if key in node}
    if "const" in node:
        result["enum"] = [node["const"]]
    kind = node.get("type")
    if kind is None:
        result["x-kubernetes-preserve-unknown-fields"] = True
        return result
    result["type"] = kind
    if kind == "object":
        if "properties" in node:
            result["properties"] = {
                name: _structural(sub, definitions, depth + 1)
                for name, sub in node["properties"].items()
            }
            if node.get("required"):
                result["required"] = list(node["required"])
        elif isinstance(node.get("additionalProperties"), dict):
            result["additionalProperties"] = _structural(
                node["additionalProperties"], definitions, depth + 1
            )
        else:
            result["x-kubernetes-preserve-unknown-fields"] = True
    elif kind == "array":
        result["items"] = _structural(node.get("items", {}), definitions, depth + 1)
    return result
