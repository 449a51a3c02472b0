"""What an editor shows on manifold's files, asked of yaml-language-server itself.

The server runs as editors run it (over stdio, schemas found through the files'
`# yaml-language-server: $schema=` modelines) and is asked what a person sees: a description
on hover over every field of every file under projects/, environments/ and platform/,
completion of the fields of `spec` and of a service, and diagnostics for an unknown field
and a wrong type. It is installed by `make test` from tests/editor/package-lock.json;
without node and npm the tests skip and say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manifold.core import yaml as yamlio
from manifold.core.jsonpath import JsonPath
from manifold.schemas.store import input_schemas
from tests.conftest import REPO_ROOT
from tests.lsp import Client, missing_reason, yaml_language_server

KINDS = {"projects": "Project", "environments": "Environment", "platform": "Platform"}
INPUT_FILES = sorted(path for folder in KINDS for path in (REPO_ROOT / folder).glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../schemas/manifold.dev/project_v1alpha1.json\n"
UNSAVED = REPO_ROOT / "projects" / "unsaved-editor-test.yaml"
"""Where the documents written by these tests seem to be: never on disk, only opened in the
server, beside the real project files so that their modeline resolves the same way."""


@pytest.fixture(scope="module")
def server() -> Iterator[Client]:
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    with yaml_language_server() as client:
        yield client


# --------------------------------------------------------------------------- fields


def _expand(node: dict[str, Any], definitions: dict[str, Any]) -> list[dict[str, Any]]:
    """A schema and every schema it stands for through $ref, anyOf, oneOf and allOf."""
    while "$ref" in node:
        node = definitions[node["$ref"].rsplit("/", 1)[-1]]
    found = [node]
    for keyword in ("anyOf", "oneOf", "allOf"):
        for member in node.get(keyword, []):
            found.extend(_expand(member, definitions))
    return found


def _fields(
    schemas: list[dict[str, Any]], value: Any, path: JsonPath, definitions: dict[str, Any]
) -> Iterator[JsonPath]:
    """The paths of the keys of `value` that its schema names as properties (the fields a
    person writes), leaving out the keys of free maps such as labels."""
    candidates = [c for schema in schemas for c in _expand(schema, definitions)]
    if isinstance(value, dict):
        for key, sub in value.items():
            named = [c["properties"][key] for c in candidates if key in c.get("properties", {})]
            if named:
                yield (*path, key)
            free = [
                c["additionalProperties"]
                for c in candidates
                if isinstance(c.get("additionalProperties"), dict)
            ]
            yield from _fields(named or free, sub, (*path, key), definitions)
    elif isinstance(value, list):
        items = [c["items"] for c in candidates if isinstance(c.get("items"), dict)]
        for index, item in enumerate(value):
            yield from _fields(items, item, (*path, index), definitions)


def input_fields(text: str, kind: str = "Project") -> list[JsonPath]:
    schema = input_schemas()[kind]
    return list(_fields([schema], yamlio.load_one(text), (), schema["definitions"]))


def _described(hover: str) -> str:
    """The description part of a hover: what precedes the server's `Source:` line."""
    return hover.split("\nSource:", 1)[0].strip()


@pytest.mark.parametrize(
    "path", INPUT_FILES, ids=[str(p.relative_to(REPO_ROOT)) for p in INPUT_FILES]
)
def test_hover_explains_every_field_of_an_input_file(server: Client, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    uri = server.open(path, text)
    assert server.diagnostics(uri) == []
    positions = yamlio.PositionIndex(text)
    fields = input_fields(text, KINDS[path.parent.name])
    assert len(fields) > 5
    unexplained = []
    for field in fields:
        where = positions.locate(field, key=True)
        hover = server.hover(uri, where.line - 1, where.column)
        if not _described(hover) or "||" in hover:
            unexplained.append(f"{path.name}:{where.line}:{where.column} {field}: {hover!r}")
    assert unexplained == []


def test_the_field_walk_leaves_out_the_keys_of_free_maps() -> None:
    text = (
        "apiVersion: manifold.dev/v1alpha1\nkind: Project\n"
        "metadata: {name: demo, team: ml, labels: {cost-center: x}}\n"
        "spec:\n  platform: ome\n  environments:\n    dev:\n      services:\n"
        "        - {name: chat, nodeSelector: {pool: gpu}}\n"
    )
    assert input_fields(text) == [
        ("apiVersion",),
        ("kind",),
        ("metadata",),
        ("metadata", "name"),
        ("metadata", "team"),
        ("metadata", "labels"),
        ("spec",),
        ("spec", "platform"),
        ("spec", "environments"),
        ("spec", "environments", "dev", "services"),
        ("spec", "environments", "dev", "services", 0, "name"),
        ("spec", "environments", "dev", "services", 0, "nodeSelector"),
    ]


def test_an_undescribed_field_shows_no_description(server: Client) -> None:
    """The check above can fail: a key the schema does not describe hovers empty."""
    text = MODELINE + "apiVersion: manifold.dev/v1alpha1\nkind: Project\nmetadata:\n  x-note: 1\n"
    uri = server.open(UNSAVED.with_name("unsaved-hover.yaml"), text)
    assert _described(server.hover(uri, 4, 3)) == ""
    assert "Name, owning team" in server.hover(uri, 3, 2)


# --------------------------------------------------------------------------- completion

SPEC = (
    MODELINE + "apiVersion: manifold.dev/v1alpha1\nkind: Project\n"
    "metadata: {name: demo, team: ml}\nspec:\n  platform: ome\n"
)


def _labels(items: list[dict[str, Any]]) -> dict[str, str]:
    """Completion labels and the documentation each shows."""
    shown: dict[str, str] = {}
    for item in items:
        documentation = item.get("documentation", "")
        if isinstance(documentation, dict):
            documentation = documentation.get("value", "")
        shown[item["label"]] = str(documentation)
    return shown


def test_completion_in_spec_offers_its_fields_with_descriptions(server: Client) -> None:
    text = SPEC + "  \n"
    uri = server.open(UNSAVED.with_name("unsaved-spec.yaml"), text)
    offered = _labels(server.completion(uri, 6, 2))
    assert {"models", "services", "fineTunes", "benchmarks", "environments"} <= set(offered)
    assert "platform" not in offered  # already there
    assert "Models served behind an endpoint" in offered["services"]


def test_completion_in_a_service_offers_a_services_fields(server: Client) -> None:
    text = SPEC + "  services:\n    - name: chat\n      model: m\n      \n"
    uri = server.open(UNSAVED.with_name("unsaved-service.yaml"), text)
    offered = _labels(server.completion(uri, 9, 6))
    assert {"runtime", "replicas", "resources", "autoscaling", "router", "adapters"} <= set(offered)
    assert {"name", "model"}.isdisjoint(offered)
    assert "Fewest and most replicas" in offered["replicas"]


# --------------------------------------------------------------------------- diagnostics


@pytest.mark.parametrize(
    ("name", "body", "line", "message"),
    [
        ("unknown-field", "  servicez: []\n", 6, "Property servicez is not allowed."),
        (
            "wrong-type",
            "  services:\n    - name: chat\n      model: m\n      replicas: {min: one, max: 2}\n",
            9,
            'Incorrect type. Expected "integer".',
        ),
    ],
)
def test_diagnostics_name_the_line_of_the_mistake(
    server: Client, name: str, body: str, line: int, message: str
) -> None:
    uri = server.open(UNSAVED.with_name(f"unsaved-{name}.yaml"), SPEC + body)
    found = [(d["range"]["start"]["line"], d["message"]) for d in server.diagnostics(uri)]
    assert (line, message) in found, found
