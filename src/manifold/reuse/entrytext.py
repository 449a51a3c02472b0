"""The JSON text of a cache file's entries, kept as it was read, so that a render writing
the file back copies the text of each entry it reused instead of encoding it again.

After one project changed, nearly every entry of an environment's cache file is written back
unchanged, and encoding them all took as long as the rest of saving (json.dumps of three
environments of 1,000 projects: 40 ms of a ~0.85 s render). The text is written exactly as
`json.dumps(data, separators=(",", ":"))` would write it, so the file's form and its seal
(`seal.sealed_parts`) are unchanged. An entry's text is used only for that very object (by
identity), which was decoded from that text: a new entry is encoded afresh. Entries read
are never changed in place (a render that changes one makes a new one).
"""

from __future__ import annotations

import json
import json.scanner
from typing import Any

_COMPACT = (",", ":")
_scan: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_encode = json.JSONEncoder(separators=_COMPACT).encode


class EntryTexts:
    """Texts of entries as read, by the identity of the object each was decoded into."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[object, str]] = {}

    def note(self, entry: object, text: str) -> None:
        if isinstance(entry, dict | list):  # what a render could change in place, or replace
            self._by_id[id(entry)] = (entry, text)

    def absorb(self, other: EntryTexts) -> None:
        """Also know the texts `other` knows (entries read by an earlier render)."""
        self._by_id.update(other._by_id)

    def text(self, entry: Any) -> str:
        """The entry's JSON text: as read when `entry` is the object read from it."""
        kept = self._by_id.get(id(entry))
        if kept is not None and kept[0] is entry:
            return kept[1]
        return _encode(entry)


def encoded(data: dict[str, Any], texts: EntryTexts) -> str:
    """`data` as compact JSON, the items of its lists and objects by `texts`: the same text
    as `json.dumps(data, separators=(",", ":"))`."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            inner = ",".join(texts.text(item) for item in value)
            text = f"[{inner}]"
        elif isinstance(value, dict):
            inner = ",".join(f"{json.dumps(k)}:{texts.text(item)}" for k, item in value.items())
            text = f"{{{inner}}}"
        else:
            text = _encode(value)
        parts.append(f"{json.dumps(key)}:{text}")
    return "{" + ",".join(parts) + "}"


def decoded(body: str, texts: EntryTexts) -> Any:
    """The JSON document `body`, each item of its top-level lists and objects noted in
    `texts` with its text. Raises ValueError (as json.loads does) for what is not JSON; a
    document not written compactly is read whole, its items unnoted."""
    try:
        return _decoded_compact(body, texts)
    except (StopIteration, IndexError, _NotCompact):
        return json.loads(body)


class _NotCompact(Exception):
    """The text is not as `encoded` writes it: read it the ordinary way."""


def _decoded_compact(body: str, texts: EntryTexts) -> dict[str, Any]:
    _expect(body, 0, "{")
    data: dict[str, Any] = {}
    index = 1
    while True:
        key, index = _scan(body, index)
        if not isinstance(key, str):
            raise _NotCompact
        _expect(body, index, ":")
        opening = body[index + 1]
        if opening == "[":
            data[key], index = _items(body, index + 2, "]", texts, keyed=False)
        elif opening == "{":
            data[key], index = _items(body, index + 2, "}", texts, keyed=True)
        else:
            data[key], index = _scan(body, index + 1)
        if body[index] == "}":
            break
        _expect(body, index, ",")
        index += 1
    if index + 1 != len(body):
        raise _NotCompact
    return data


def _items(body: str, index: int, closing: str, texts: EntryTexts, keyed: bool) -> Any:
    """The list (or, `keyed`, object) whose first item starts at `index`, and the index
    after it."""
    found: list[Any] = []
    by_key: dict[str, Any] = {}
    if body[index] == closing:
        return (by_key if keyed else found), index + 1
    while True:
        if keyed:
            key, index = _scan(body, index)
            if not isinstance(key, str):
                raise _NotCompact
            _expect(body, index, ":")
            index += 1
        start = index
        item, index = _scan(body, index)
        texts.note(item, body[start:index])
        if keyed:
            by_key[key] = item
        else:
            found.append(item)
        if body[index] == closing:
            return (by_key if keyed else found), index + 1
        _expect(body, index, ",")
        index += 1


def _expect(body: str, index: int, char: str) -> None:
    if body[index] != char:
        raise _NotCompact
