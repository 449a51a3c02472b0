"""The cache files a process read or wrote, kept decoded in memory, by their bytes' digest.

Why: a render reading the project caches of N = 1,000 projects x 3 environments spends about
0.15 s decoding what the last render wrote (the JSON of three 1.5 MB files, then 3,000 project
entries and the environments' own objects), a quarter of a one-change render in a watching
process. That process wrote those very files itself, and has time to spare while it waits
(`output.idle`): it decodes then what it wrote, and the next render finds it ready.

Where it is kept: in the memo the command made (`core.memo`, shelf `KNOWN`, by the file's
path), the one a watching process keeps for all its renders; a render from the shell has its
own, gone when it ends.

Why the answer cannot change: a render reads each cache file's bytes and checks its seal
(`seal.seal_checked`, a digest of the body), unless the process found those bytes, while it
waited, to be the ones it knows and the file's stat has not changed since (`vouch_pending`,
`vouched`: the rule by which `treestate` trusts its record); what is kept is used only for a
body whose digest is the one kept, and it is exactly what decoding that body gives
(`decode_body`, the same function the reading path runs, over the same text). A file changed
by anyone in any way has another digest, or another stat, and is decoded from its bytes as
before; a corrupt or hostile file is refused by its seal or its form as before. Nothing kept
is ever changed in place (entries read are never changed: `entrytext`), so a render cannot
alter what the next one is given. Only the last version of each file is kept: the memory is
that of one render's caches; and the text of what is written is kept only by a process that
waits between renders (`Memo.waits`; a render from the shell, at N = 10,000, would hold some
45 MB of text to no use).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.core.memo import Memo, Shelf
from manifold.reuse import entrytext, workdir
from manifold.reuse.seal import seal_checked
from manifold.reuse.treesurvey import RACY_NS

Accepts = Callable[[Any], bool]
"""Whether decoded data has a cache file's form (`workdir.StateSchema.accepts`)."""
Prepare = Callable[["KnownFile"], None]


@dataclass
class KnownFile:
    """A cache file's body as this process last read or wrote it."""

    digest: str
    body: str | None
    """The body's text, until it is decoded (kept only for a file this process wrote)."""
    accepts: Accepts
    prepare: Prepare | None = None
    """What to build from `data` once it is decoded in idle time (`decode_pending`)."""
    data: Any = None
    """The body decoded and of the file's form (None: not decoded yet, or not of the form)."""
    texts: entrytext.EntryTexts = field(default_factory=entrytext.EntryTexts)
    derived: dict[str, Any] = field(default_factory=dict)
    """What callers built from `data` alone, by what it is (decoded entries)."""
    path: str = ""
    stat: workdir.FileKey | None = None
    """The file's key when its bytes were last found to be these, out of the racy window
    (`vouch_pending`): while the file's key is the same, they still are."""


KNOWN: Shelf[KnownFile] = Shelf("cache files")
"""By the file's path: only its last version."""


def decode_body(body: str | bytes, accepts: Accepts) -> tuple[Any | None, entrytext.EntryTexts]:
    """A body's data when it decodes and has the file's form (else None), and its entries'
    texts (`entrytext`)."""
    texts = entrytext.EntryTexts()
    try:
        text = body if isinstance(body, str) else body.decode()
        data = entrytext.decoded(text, texts)
    except (ValueError, RecursionError, MemoryError):
        return None, texts
    return (data if accepts(data) else None), texts


def recall(memo: Memo | None, path: str, digest: str) -> KnownFile | None:
    """What is known of the file at `path` when its body's digest is `digest` and it is
    decoded; else None (decode it from the bytes read). No memo: nothing is known."""
    known = memo.get(KNOWN, path) if memo is not None else None
    if known is None or known.digest != digest or known.data is None:
        return None
    return known


def read(
    memo: Memo | None,
    path: str,
    digest: str,
    body: bytes,
    accepts: Accepts,
    prepare: Prepare | None = None,
) -> KnownFile:
    """What is known of the file at `path` whose body, of digest `digest`, was just read and
    its seal checked: as decoded before, else decoded now (what `prepare` builds from it
    built) and remembered."""
    known = recall(memo, path, digest)
    if known is None:
        data, texts = decode_body(body, accepts)
        known = KnownFile(digest, None, accepts, data=data, texts=texts, path=path)
        if data is not None and prepare is not None:
            prepare(known)
        if memo is not None:
            memo.put(KNOWN, path, known)
    return known


def vouched(memo: Memo | None, path: str) -> KnownFile | None:
    """What is known of the file at `path` without reading it: its bytes were found to be
    those known, and its stat has not changed since (`vouch_pending`); else None."""
    known = memo.get(KNOWN, path) if memo is not None else None
    if known is None or known.stat is None or known.data is None:
        return None
    return known if workdir.file_key(Path(path)) == known.stat else None


def vouch_pending(memo: Memo, sleep: Callable[[float], None] = time.sleep) -> int:
    """Idle work: each file known decoded is read again and its seal's digest compared with
    the one known; when they agree, its stat is kept (`KnownFile.stat`), and the next render
    takes the file as known without reading it. For three cache files of 1.5 MB at
    N = 1,000 x 3, reading and hashing them was 9 ms of a one-change render.

    Why a stat can stand for the bytes: every write gives the file another ctime (which no
    program sets), or another inode (a file renamed over it), once the clock has moved past
    the file's times; so a file is vouched for only once its times are older than the racy
    window (this waits until they are, at most RACY_NS), as `treestate` trusts its record.
    Returns how many files were vouched for."""
    pending = [k for k in memo.answers(KNOWN) if k.path and k.stat is None and k.data is not None]
    keys = {k.path: workdir.file_key(Path(k.path)) for k in pending}
    newest = max((_changed_ns(key) for key in keys.values() if key is not None), default=0)
    wait_ns = newest + RACY_NS - time.time_ns()
    if wait_ns > 0:
        sleep(min(wait_ns, RACY_NS) / 1e9 + 0.001)
    done = 0
    for known in pending:
        before = keys[known.path]
        if before is None or _changed_ns(before) >= time.time_ns() - RACY_NS:
            continue
        opened = seal_checked(workdir.read_state_bytes(Path(known.path)))
        same = opened is not None and opened[0] == known.digest
        if same and workdir.file_key(Path(known.path)) == before:
            known.stat = before
            done += 1
    return done


def _changed_ns(key: workdir.FileKey) -> int:
    """When the file was last changed in any way: the later of its mtime and ctime."""
    return max(key[4], key[5])


def remember_written(memo: Memo | None, known: KnownFile) -> None:
    """What this process wrote (at `known.path`), to decode while it waits: only when it
    waits between renders (`Memo.waits`); a single render keeps no text it will never read."""
    if memo is not None and memo.waits:
        memo.put(KNOWN, known.path, known)


def decode_pending(memo: Memo) -> int:
    """Decode what this process wrote and has not decoded yet (idle work), and build from it
    what the next render needs (`KnownFile.prepare`); returns how many files were decoded."""
    done = 0
    for known in memo.answers(KNOWN):
        if known.body is None:
            continue
        known.data, known.texts = decode_body(known.body, known.accepts)
        known.body = None
        if known.data is not None and known.prepare is not None:
            known.prepare(known)
        done += 1
    return done
