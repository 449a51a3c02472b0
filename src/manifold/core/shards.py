"""Which files of rendered/ a shard owns, so that n machines can split one render or check.

`--shard i/n` splits by project: every file of `rendered/` belongs to one unit, and every
unit to exactly one shard, so the shards' outputs are disjoint and together are the whole.

- a project's folder `<env>/<project>/` belongs to the project, a platform file's folder
  `<env>/<platform>/` to the platform;
- a project's API requests `<env>/_<platform>/<project>/` (its JSON bodies and the
  `index.yaml` that lists them) belong to the project too. A request file is manifold's
  only because an index beside it lists it (`output.header.split_ownership`), so an index
  and what it lists must stay together: they do, in one project's folder;
- what belongs to the whole environment or repository belongs to shard 1, whatever n is:
  `<env>/_shared/` (namespaces several projects share), a request folder's own
  `kustomization.yaml`, the Flux and Argo CD folders `_flux/` and `_argocd/`, and schemas/.

A unit's shard is the first 8 bytes of the SHA-256 of its name (UTF-8), read as a big-endian
integer, modulo n. SHA-256 rather than Python's `hash()`, which is salted per process
(PYTHONHASHSEED) and differs between versions: every machine, Python and run agrees.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_SPEC = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (from 1) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def first(self) -> bool:
        """Shard 1 owns what belongs to no project or platform."""
        return self.index == 1

    def owns_unit(self, unit: str | None) -> bool:
        if unit is None:
            return self.first
        return shard_of(unit, self.count) == self.index

    def owns(self, relative: str) -> bool:
        """Whether this shard writes and checks `relative` (a path under rendered/)."""
        return self.owns_unit(unit_of(relative))


def parse_shard(text: str) -> Shard | None:
    """`i/n` with 1 <= i <= n, or None when `text` is not that."""
    match = _SPEC.fullmatch(text.strip())
    if match is None:
        return None
    index, count = int(match[1]), int(match[2])
    return Shard(index, count) if index <= count else None


def shard_of(unit: str, count: int) -> int:
    """The shard (from 1) of a project or platform named `unit`, out of `count`."""
    digest = hashlib.sha256(unit.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def unit_of(relative: str) -> str | None:
    """The project or platform a file of rendered/ belongs to; None: the environment's or
    the repository's own (folders starting with `_` are manifold's, never a name; inside
    an environment's `_<platform>/` request folder, a subfolder is a project's)."""
    parts = relative.split("/")
    if len(parts) < 3 or parts[0].startswith("_"):
        return None
    if parts[1].startswith("_"):
        return parts[2] if len(parts) >= 4 else None
    return parts[1]
