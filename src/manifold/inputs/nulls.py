"""What `null` means in manifold's input files: the key is not there.

Decoding drops null keys before a file is validated, and merging layers drops those a later
layer introduces (`compile.overlay`); both use `without_nulls`. Inside a patch's payload a null
is data (it removes a field of the patched object), so it is kept.

Most parts of a file hold no null: `null_free_parts` finds them in one walk per file (kept by
its `Document`, before environments are rendered in forked workers), and merging layers
takes those as they are instead of walking every subtree a layer adds.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

PAYLOADS = frozenset({"mergePatch", "jsonPatch", "configuration"})
"""Keys whose values are data for a later step, not layers: a patch's `null` removes a field
of the object it patches, and a fine-tune's `configuration` is the adapter's own
configuration (PEFT's adapter_config.json, which OME's FineTunedWeight carries, holds nulls
such as `revision: null`), so they are kept as written."""


def without_nulls(value: Any, free: AbstractSet[int] = frozenset()) -> Any:
    """`value` without null map values, at any depth but inside PAYLOADS; the same object when
    it has none (the usual case), so that merging does not copy what it does not change.
    `free` holds identities of containers known to hold no null (`null_free_parts`), which
    are taken as they are without a walk."""
    if id(value) in free:
        return value
    if isinstance(value, dict):
        copied: dict[str, Any] | None = None
        for key, item in value.items():
            cleaned = (
                item
                if item is None or not isinstance(item, dict | list) or key in PAYLOADS
                else without_nulls(item, free)
            )
            if cleaned is not item or item is None:
                if copied is None:
                    copied = dict(value)
                if item is None:
                    del copied[key]
                else:
                    copied[key] = cleaned
        return value if copied is None else copied
    if isinstance(value, list):
        items = [
            without_nulls(item, free) if isinstance(item, dict | list) else item for item in value
        ]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def null_free_parts(value: Any) -> frozenset[int]:
    """The identities of the containers in `value` that hold no null at any depth, payloads
    included: `without_nulls` is the identity on each. Valid while `value` is alive and
    unchanged (documents are immutable)."""
    found: set[int] = set()
    _is_null_free(value, found)
    return frozenset(found)


def _is_null_free(value: Any, found: set[int]) -> bool:
    items = value.values() if isinstance(value, dict) else value
    free = True
    for item in items:
        # Every child is walked (no early return): its own parts are wanted too.
        if item is None or (isinstance(item, dict | list) and not _is_null_free(item, found)):
            free = False
    if free:
        found.add(id(value))
    return free
