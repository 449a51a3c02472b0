"""The seal of a project cache file (`.manifold/cache/`): `{"seal": digest, "body": data}`.

Bytes changed in place can leave valid JSON that names the wrong project; the seal, a digest of
the body's bytes as written, tells. It stops accidents, not whoever can write to the
checkout: what a cache file says is checked against its form as well (`cacheforms`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from manifold.reuse import entrytext


def file_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


_SEAL = b'{"seal":"'
_BODY = b'","body":'


def sealed_parts(data: dict[str, Any], texts: entrytext.EntryTexts) -> tuple[str, str]:
    """A cache file's body as written and its digest, taken of the body's bytes as written,
    so that reading checks it without writing the JSON out again (which took as long as
    parsing it: 14 ms for an environment of 1,000 projects). Entries read before are
    written as `texts` holds them (`entrytext`)."""
    body = entrytext.encoded(data, texts)
    return file_digest(body.encode()), body


def joined_seal(digest: str, body: str) -> str:
    """A cache file's text: `{"seal": digest, "body": body}`."""
    return f"{_SEAL.decode()}{digest}{_BODY.decode()}{body}}}"


def seal_checked(raw: bytes | None) -> tuple[str, bytes] | None:
    """The digest and bytes of a cache file's body when its seal matches it; else None."""
    if raw is None or not raw.startswith(_SEAL) or not raw.endswith(b"}"):
        return None
    end = raw.find(_BODY, len(_SEAL))
    body = raw[end + len(_BODY) : -1]
    digest = file_digest(body)
    if end < 0 or raw[len(_SEAL) : end].decode("ascii", "replace") != digest:
        return None
    return digest, body
