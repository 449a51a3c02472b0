"""The seal of a project cache file (`reuse.seal`, whole files made and opened by
`tests.cachefiles`): what it writes reads back, and a body whose bytes differ from the ones
sealed is refused, whatever JSON it still is."""

from __future__ import annotations

import json

import pytest

from manifold.reuse import entrytext, seal
from tests.cachefiles import sealed, unsealed

DATA = {"format": 5, "context": "c", "projects": [{"name": "a"}, {"name": "b"}], "objects": {}}


def test_what_is_sealed_reads_back_and_is_one_json_document() -> None:
    raw = sealed(DATA).encode()
    assert unsealed(raw) == DATA == json.loads(raw)["body"]
    checked = seal.seal_checked(raw)
    assert checked is not None
    digest, body = checked
    assert digest == seal.file_digest(body) == json.loads(raw)["seal"]


def test_entries_read_are_written_back_as_their_text() -> None:
    texts = entrytext.EntryTexts()
    data = unsealed(sealed(DATA).encode(), texts)
    assert isinstance(data, dict)
    assert sealed(data, texts) == sealed(DATA)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw.replace(b'"name":"a"', b'"name":"z"'),  # valid JSON, other bytes
        lambda raw: raw.replace(b'"context":', b'"context" :'),  # the same data, other bytes
        lambda raw: raw[:-1],
        lambda raw: raw[1:],
        lambda raw: b"",
        lambda raw: raw.replace(b'"body":', b'"data":', 1),
    ],
    ids=["other data", "other spacing", "cut", "no opening", "empty", "no body"],
)
def test_a_body_that_is_not_the_one_sealed_is_refused(damage: object) -> None:
    raw = damage(sealed(DATA).encode())  # type: ignore[operator]
    assert seal.seal_checked(raw) is None
    assert unsealed(raw) is None


def test_nothing_to_read_is_refused() -> None:
    assert unsealed(None) is None
