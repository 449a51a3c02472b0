"""Model format and framework versions, read and compared as OME's runtime selector does.

OME does not use semantic versioning as such: it reads at most three dot-separated parts
(an optional lowercase `v` before the major number), takes what follows the patch number as
build (`+...`), pre-release (`-...`) and development (`.dev0`) tags, and refuses a version it
cannot read. A runtime that states a version with `GreaterThan` or `GreaterThanOrEqual`
serves models up to that version: the runtime's version must be above (or at least) the
model's. Reproducing the reading exactly is what makes manifold's selection agree with
OME's; the Python version libraries read these strings differently.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

Operator = Literal["Equal", "GreaterThan", "GreaterThanOrEqual"]


@dataclass(frozen=True)
class Version:
    """A version as OME reads it."""

    prefix: str
    release: tuple[int, int, int]
    pre: tuple[str, ...]
    build: tuple[str, ...]
    dev: tuple[str, ...]
    precision: int
    """How many of major, minor and patch were written (1 to 3)."""

    @property
    def unofficial(self) -> bool:
        """A pre-release, build or development version: OME only compares these for equality."""
        return bool(self.pre or self.build or self.dev)


def _number(text: str) -> int | None:
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        return None
    value = int(text)
    return value if value < 2**64 else None


def _tags(text: str) -> tuple[str, ...] | None:
    tags = tuple(text.split("."))
    return None if "" in tags else tags


def _split_off(text: str, marker: str) -> tuple[str, str | None]:
    head, found, tail = text.partition(marker)
    return head, (tail if found else None)


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Version | None:
    """The version OME reads from `text`, or None where OME refuses it. Cached: runtime
    selection compares every runtime with every model, and a repository names few versions
    (a `Version` is frozen, so sharing one is safe)."""
    if not text:
        return None
    parts = text.split(".", 2)
    major_text = parts[0]
    prefix = "v" if major_text.startswith("v") else ""
    major = _number(major_text.removeprefix(prefix))
    minor = _number(parts[1]) if len(parts) > 1 else 0
    rest = parts[2] if len(parts) > 2 else "0"
    rest, build_text = _split_off(rest, "+")
    rest, pre_text = _split_off(rest, "-")
    rest, dev_text = _split_off(rest, ".")
    patch = _number(rest)
    tags = [_tags(t) if t is not None else () for t in (pre_text, build_text, dev_text)]
    if major is None or minor is None or patch is None:
        return None
    pre, build, dev = tags
    if pre is None or build is None or dev is None:
        return None
    return Version(prefix, (major, minor, patch), pre, build, dev, len(parts))


def _compare_tags(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    for mine, theirs in zip(left, right, strict=False):
        if mine != theirs:
            return -1 if mine.encode() < theirs.encode() else 1
    return (len(left) > len(right)) - (len(left) < len(right))


def compare(left: Version, right: Version) -> int:
    """-1, 0 or 1 as `left` is below, equal to or above `right` (the prefix and the number of
    parts written do not count; tags compare part by part, as bytes)."""
    if left.release != right.release:
        return -1 if left.release < right.release else 1
    for mine, theirs in ((left.pre, right.pre), (left.build, right.build), (left.dev, right.dev)):
        # Equal tags (most often none on either side) compare equal without a walk.
        if mine != theirs:
            return _compare_tags(mine, theirs)
    return 0


def satisfies(model_version: str, runtime_version: str, operator: Operator | None) -> bool:
    """Whether a runtime stating `runtime_version` with `operator` (Equal when absent)
    serves a model of `model_version`."""
    model, runtime = parse(model_version), parse(runtime_version)
    if model is None or runtime is None:
        return False
    order = compare(runtime, model)
    if operator in (None, "Equal") or model.unofficial or runtime.unofficial:
        return order == 0
    if model.precision != runtime.precision or model.prefix != runtime.prefix:
        return False
    return order > 0 if operator == "GreaterThan" else order >= 0
