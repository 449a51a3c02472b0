"""Two versions of rendered/ -> what changed, object by object and field by field.

Objects are matched by folder (environment) and Kubernetes identity (group, kind, namespace,
name), not by file, and compared as data: key order, quoting and other formatting do not
count, nor does the order of a list whose items all carry a distinct `name` (containers,
environment variables): when the same names are there, items are matched by name. Other
lists are compared item by item when their lengths agree; a list that gains or loses items
is one changed field, shown whole so that the items around the change are its context.
`kustomization.yaml` files are left out: they only list the objects' files.

A changed object is shown as a unified diff of two small documents that hold only the
changed fields and the keys that lead to them (and the `name` of list items matched by
name), with secret-looking values masked (`manifold.core.masking`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from manifold.compile.layout import KUSTOMIZATION
from manifold.core import yaml as yamlio
from manifold.core.diagnostics import Diagnostic, Severity
from manifold.core.jsonpath import format_json_path
from manifold.core.masking import MISSING, mask_pair
from manifold.output.writer import RENDERED_DIR


@dataclass(frozen=True, slots=True)
class Named:
    """A step into a list: the item whose `name` is this."""

    name: str


Step = str | int | Named
FieldPath = tuple[Step, ...]
Change = Literal["added", "removed", "changed"]


def format_field_path(path: FieldPath) -> str:
    """`spec.engine.runner.env[name=HF_TOKEN].value`; the whole object is `.`."""
    text = ""
    plain: list[str | int] = []
    for step in path:
        if isinstance(step, Named):
            text += _joined(text, format_json_path(tuple(plain))) + f"[name={step.name}]"
            plain = []
        else:
            plain.append(step)
    if plain:
        text += _joined(text, format_json_path(tuple(plain)))
    return text or "."


def _joined(text: str, more: str) -> str:
    return f".{more}" if text and more and not more.startswith("[") else more


@dataclass(frozen=True)
class Resource:
    """One object of rendered/ as data, and the file it is in."""

    file: str
    """Relative to rendered/."""
    body: dict[str, Any]

    @property
    def folder(self) -> str:
        return self.file.split("/", 1)[0]

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def namespace(self) -> str:
        metadata = self.body.get("metadata")
        return str(metadata.get("namespace") or "") if isinstance(metadata, dict) else ""

    @property
    def name(self) -> str:
        metadata = self.body.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        return str(name) if name is not None else self.file

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        group = self.api_version.rpartition("/")[0]
        return (self.folder, group, self.kind, self.namespace, self.name)


@dataclass(frozen=True)
class ResourceChange:
    change: Change
    before: Resource | None
    after: Resource | None
    fields: tuple[FieldPath, ...] = ()
    """The changed fields (for `changed`), in the order of the new object."""

    @property
    def resource(self) -> Resource:
        found = self.after or self.before
        assert found is not None
        return found

    def masked(self) -> tuple[Any, Any]:
        """Both objects with secret-looking values masked (MISSING for a side that is absent)."""
        before = self.before.body if self.before else MISSING
        after = self.after.body if self.after else MISSING
        return mask_pair(before, after)

    def field_values(self) -> list[tuple[FieldPath, Any, Any]]:
        """(path, old value, new value) of each changed field, masked; MISSING where absent."""
        before, after = self.masked()
        return [(path, _get(before, path), _get(after, path)) for path in self.fields]

    def diff_lines(self) -> list[str]:
        """A unified diff without headers: lines starting with ' ', '-' or '+'."""
        before, after = self.masked()
        if self.change == "changed":
            after = _pruned(after, self.fields)
            before = _ordered_like(_pruned(before, self.fields), after)
        old = yamlio.emit(before).splitlines() if before is not MISSING else []
        new = yamlio.emit(after).splitlines() if after is not MISSING else []
        lines = list(difflib.unified_diff(old, new, n=max(len(old), len(new)), lineterm=""))
        return [line for line in lines[2:] if not line.startswith("@@")]


# --------------------------------------------------------------------------- reading


def read_resources(files: Mapping[str, bytes]) -> tuple[list[Resource], list[Diagnostic]]:
    """The objects of a rendered/ tree given as {path relative to rendered/: bytes}."""
    resources: list[Resource] = []
    diagnostics: list[Diagnostic] = []
    for path, data in sorted(files.items()):
        if path.rpartition("/")[2] == KUSTOMIZATION:
            continue
        try:
            documents = yamlio.load_all(data.decode("utf-8"))
        except (UnicodeDecodeError, yamlio.YamlError) as error:
            diagnostics.append(
                Diagnostic(
                    f"left out of the diff: not readable as YAML ({error})",
                    file=f"{RENDERED_DIR}/{path}",
                    severity=Severity.WARNING,
                )
            )
            continue
        resources.extend(Resource(path, body) for body in documents if isinstance(body, dict))
    return resources, diagnostics


# --------------------------------------------------------------------------- comparing


def compare(before: Iterable[Resource], after: Iterable[Resource]) -> list[ResourceChange]:
    """Every object added, removed or changed, ordered by folder, kind, namespace, name."""
    old = {resource.key: resource for resource in before}
    new = {resource.key: resource for resource in after}
    changes: list[ResourceChange] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0], k[2], k[3], k[4], k[1])):
        if key not in old:
            changes.append(ResourceChange("added", None, new[key]))
        elif key not in new:
            changes.append(ResourceChange("removed", old[key], None))
        else:
            fields = changed_fields(old[key].body, new[key].body)
            if fields:
                changes.append(ResourceChange("changed", old[key], new[key], tuple(fields)))
    return changes


def changed_fields(before: Any, after: Any) -> list[FieldPath]:
    found: list[FieldPath] = []
    _walk(before, after, (), found)
    return found


def _walk(before: Any, after: Any, path: FieldPath, found: list[FieldPath]) -> None:
    if _equal(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*after, *(k for k in before if k not in after)]:
            if key in before and key in after:
                _walk(before[key], after[key], (*path, key), found)
            else:
                found.append((*path, key))
    elif _named(before) and _named(after) and _names(before) == _names(after):
        old = {item["name"]: item for item in before}
        for item in after:
            _walk(old[item["name"]], item, (*path, Named(item["name"])), found)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old_item, new_item) in enumerate(zip(before, after, strict=True)):
            _walk(old_item, new_item, (*path, index), found)
    else:
        found.append(path)


def _equal(a: Any, b: Any) -> bool:
    """Equal as YAML data: 1, 1.0 and true differ; key order does not count."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[key], b[key]) for key in a)
    if isinstance(a, list):
        if _named(a) and _named(b):
            old = {item["name"]: item for item in a}
            return _names(a) == _names(b) and all(_equal(old[i["name"]], i) for i in b)
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _names(items: list[dict[str, Any]]) -> set[str]:
    return {item["name"] for item in items}


def _named(value: Any) -> bool:
    """A list whose items are mappings with distinct string names."""
    if not isinstance(value, list) or not value:
        return False
    names = [item.get("name") if isinstance(item, dict) else None for item in value]
    return all(isinstance(name, str) for name in names) and len(set(names)) == len(names)


# --------------------------------------------------------------------------- showing


def _get(document: Any, path: FieldPath) -> Any:
    node = document
    for step in path:
        if isinstance(step, Named):
            items = node if isinstance(node, list) else []
            matches = [i for i in items if isinstance(i, dict) and i.get("name") == step.name]
            node = matches[0] if matches else MISSING
        elif isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else MISSING
        else:
            node = node.get(step, MISSING) if isinstance(node, dict) else MISSING
        if node is MISSING:
            break
    return node


_LEAF: dict[Step, Any] = {}


def _pruned(document: Any, paths: Iterable[FieldPath]) -> Any:
    """Only what lies on `paths` (whole values at their ends), in the document's own order."""
    tree: dict[Step, Any] = {}
    for path in paths:
        node = tree
        for step in path[:-1]:
            node = node.setdefault(step, {})
        if path:
            node[path[-1]] = _LEAF
        else:
            return document
    return _select(document, tree)


def _select(node: Any, tree: dict[Step, Any]) -> Any:
    if tree is _LEAF:
        return node
    if isinstance(node, dict):
        picked = {key: _select(value, tree[key]) for key, value in node.items() if key in tree}
        return {key: value for key, value in picked.items() if value is not MISSING}
    if isinstance(node, list):
        items = []
        for index, item in enumerate(node):
            named = Named(item["name"]) if isinstance(item, dict) and "name" in item else None
            sub = tree.get(index, tree.get(named) if named else None)
            if sub is None:
                continue
            value = _select(item, sub)
            if named in tree and isinstance(value, dict) and "name" not in value:
                value = {"name": item["name"], **value}  # which item it is
            items.append(value)
        return items
    return MISSING


def _ordered_like(value: Any, model: Any) -> Any:
    """`value` with the keys of its mappings in the order `model` has them."""
    if isinstance(value, dict) and isinstance(model, dict):
        order = [*(k for k in model if k in value), *(k for k in value if k not in model)]
        return {key: _ordered_like(value[key], model.get(key)) for key in order}
    if isinstance(value, list) and isinstance(model, list):
        return [
            _ordered_like(item, model[index] if index < len(model) else None)
            for index, item in enumerate(value)
        ]
    return value
