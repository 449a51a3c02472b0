"""The Run:ai REST API as seed 002 documents it (OpenAPI 3.0.3), as strict JSON Schemas.

The seed is read from ../shared at test time, never copied. Each of its sections holds one
complete OpenAPI document for one operation. A schema of an operation's body is turned
into draft-07 JSON Schema: `$ref`s resolved inline, `allOf` members merged into one object
(so that `additionalProperties: false` can be added), `nullable` into a null type. The
result is stricter than OpenAPI, which allows unknown properties by default: every object
refuses properties the document does not define, since manifold must not send any.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from tests.conftest import SHARED

_JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)
_DROPPED = ("nullable", "deprecated", "depracted", "example", "description", "discriminator")


def seed_path() -> Path:
    matches = sorted((SHARED / "seeds").glob("002_*.txt"))
    assert len(matches) == 1, matches
    return matches[0]


@functools.cache
def documents() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(block) for block in _JSON_BLOCK.findall(seed_path().read_text()))


def operation(method: str, path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document that describes `method path`, and the operation itself."""
    for document in documents():
        found = document.get("paths", {}).get(path, {}).get(method.lower())
        if found is not None:
            return document, found
    raise KeyError(f"{method} {path} is not in the seed")


def request_schema(method: str, path: str) -> dict[str, Any]:
    document, found = operation(method, path)
    body = found["requestBody"]["content"]["application/json"]["schema"]
    return _object(to_json_schema(body, document["components"]["schemas"]))


def response_schema(method: str, path: str, status: str) -> dict[str, Any]:
    document, found = operation(method, path)
    response = found["responses"][status]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    body = response["content"]["application/json"]["schema"]
    return _object(to_json_schema(body, document["components"]["schemas"]))


def component_schema(name: str) -> dict[str, Any]:
    """A named schema of the seed's components (the first document that defines it)."""
    for document in documents():
        schemas = document.get("components", {}).get("schemas", {})
        if name in schemas:
            return _object(to_json_schema(schemas[name], schemas))
    raise KeyError(f"no schema {name!r} in the seed")


def _object(schema: Any) -> dict[str, Any]:
    assert isinstance(schema, dict), schema
    return schema


def to_json_schema(node: Any, components: dict[str, Any], depth: int = 0) -> Any:
    if depth > 60:
        raise ValueError("schema nests deeper than 60 levels (a cycle?)")
    if isinstance(node, list):
        return [to_json_schema(item, components, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        rest = {key: value for key, value in node.items() if key != "$ref"}
        return to_json_schema({**components[name], **rest}, components, depth + 1)
    if "allOf" in node:
        return to_json_schema(_merged(node, components, depth), components, depth + 1)
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties":
            result[key] = {
                name: to_json_schema(sub, components, depth + 1) for name, sub in value.items()
            }
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            result[key] = to_json_schema(value, components, depth + 1)
        else:
            result[key] = value
    if "properties" in result:
        result.setdefault("type", "object")
        result.setdefault("additionalProperties", False)
    if node.get("nullable"):
        if "type" in result:
            result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result


def _merged(node: dict[str, Any], components: dict[str, Any], depth: int) -> dict[str, Any]:
    """`allOf` of object schemas as one object schema: properties and required united."""
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.pop("properties", {}))
    required: list[str] = list(merged.pop("required", []))
    for member in node["allOf"]:
        resolved = member
        while "$ref" in resolved or "allOf" in resolved:
            if "$ref" in resolved:
                name = resolved["$ref"].removeprefix("#/components/schemas/")
                rest = {k: v for k, v in resolved.items() if k != "$ref"}
                resolved = {**components[name], **rest}
            else:
                resolved = _merged(resolved, components, depth + 1)
        for name, sub in resolved.get("properties", {}).items():
            if name in properties and properties[name] != sub:
                raise ValueError(f"allOf members disagree on property {name!r}")
            properties[name] = sub
        required.extend(resolved.get("required", []))
    merged["type"] = "object"
    merged["properties"] = properties
    if required:
        merged["required"] = sorted(set(required))
    return merged


def validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def problems(schema: dict[str, Any], instance: Any) -> list[str]:
    """What the schema refuses in `instance`, one line per error, empty when it is valid."""
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator(schema).iter_errors(instance)
    )


# --------------------------------------------------------------------------- API 2.24

_NULLABLE_TEXT = {"type": ["string", "null"], "minLength": 1}
_USER_CREDENTIAL = {
    "type": ["object", "null"],
    "properties": {"name": _NULLABLE_TEXT, "key": _NULLABLE_TEXT},
    "additionalProperties": False,
}


def request_schema_2_24(method: str, path: str) -> dict[str, Any]:
    """NOT a published schema: the seed's 2.22 schema of `method path` with exactly the
    differences `../shared/reference/runai/versions.md` lists from 2.22 to 2.23 and from
    2.23 to 2.24 applied (built here at test time; no 2.24 document is stored anywhere).
    Added fields get the types the list gives them: uuid for templateId, the listed enum for
    preemptibility, {name, key} for a user credential, the serving port's authorization
    types for an exposed URL's."""
    return _with_2_24_differences(request_schema(method, path), creation=method == "POST")


def response_schema_2_24(method: str, path: str, status: str) -> dict[str, Any]:
    """NOT a published schema: the seed's answer of `method path` with the 2.24 differences
    of a creation request applied to the `spec` it echoes back, when it has one
    (versions.md lists the requests' differences only; a workload's spec is its request's)."""
    schema = response_schema(method, path, status)
    if "spec" not in schema.get("properties", {}):
        return schema
    return _with_2_24_differences(schema, creation=True)


def _with_2_24_differences(original: dict[str, Any], *, creation: bool) -> dict[str, Any]:
    schema = copy.deepcopy(original)
    spec = schema["properties"]["spec"]["properties"]
    env = spec["environmentVariables"]["items"]["properties"]
    env["userCredential"] = _USER_CREDENTIAL
    spec["preemptibility"] = {
        "type": ["string", "null"],
        "enum": ["preemptible", "non-preemptible", None],
    }
    compute = spec["compute"]["properties"]
    del compute["migProfile"]
    compute["gpuRequestType"]["enum"].remove("migProfile")
    if creation:
        _creation_differences(schema, spec)
    else:
        spec["imagePullSecrets"] = {
            "type": ["array", "null"],
            "items": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "exclude": {"type": ["boolean", "null"]},
                    "userCredential": {"type": ["boolean", "null"]},
                },
                "additionalProperties": False,
            },
        }
    return schema


def _creation_differences(schema: dict[str, Any], spec: dict[str, Any]) -> None:
    schema["properties"]["templateId"] = {"type": "string", "format": "uuid"}
    storage = spec["storage"]["properties"]
    storage["git"]["items"]["properties"]["secretRef"] = {
        "type": ["object", "null"],
        "properties": {
            name: _NULLABLE_TEXT
            for name in ("authenticationMethod", "name", "secretKeyOfUser", "secretKeyOfPassword")
        },
        "additionalProperties": False,
    }
    for volume in ("configMapVolume", "secretVolume"):
        storage[volume]["items"]["properties"]["defaultMode"] = {"type": ["integer", "null"]}
    serving_port = spec["servingPort"]["properties"]
    assert {"authorizedUsers", "authorizedGroups"} <= set(serving_port)
    spec["exposedUrls"]["items"]["properties"]["authorizationType"] = copy.deepcopy(
        serving_port["authorizationType"]
    )
    _no_negative_quantities(schema)


def _no_negative_quantities(node: Any) -> None:
    """2.23: quantity patterns no longer accept a leading '-'."""
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern.startswith("^([+-]?"):
            node["pattern"] = "^([+]?" + pattern.removeprefix("^([+-]?")
        for value in node.values():
            _no_negative_quantities(value)
    elif isinstance(node, list):
        for value in node:
            _no_negative_quantities(value)
