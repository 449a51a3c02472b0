"""Project cache files (`.manifold/cache/`) made and opened whole, as tests need them: the
sealing of `reuse.seal` with the body's JSON written or decoded at once. manifold itself writes
the two parts apart (`seal.sealed_parts`, `seal.joined_seal`) and decodes a body through what
a process keeps (`reuse.readback`), so these two live here."""

from __future__ import annotations

from typing import Any

from manifold.reuse import entrytext, readback
from manifold.reuse.seal import joined_seal, seal_checked, sealed_parts


def sealed(data: dict[str, Any], texts: entrytext.EntryTexts | None = None) -> str:
    """A cache file's text: `{"seal": digest, "body": data}`, entries read before written as
    `texts` holds them (`entrytext`)."""
    return joined_seal(*sealed_parts(data, texts or entrytext.EntryTexts()))


def unsealed(raw: bytes | None, texts: entrytext.EntryTexts | None = None) -> Any | None:
    """The body of a cache file's text when its seal matches it, its entries' texts noted
    in `texts`; else None."""
    opened = seal_checked(raw)
    if opened is None:
        return None
    data, found = readback.decode_body(opened[1], lambda _: True)
    if texts is not None:
        texts.absorb(found)
    return data
