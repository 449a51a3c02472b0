"""What `null` means in manifold's input files: the key is not there.

Decoding drops null keys before a file is validated, and merging layers drops those a later
layer introduces (`compile.overlay`); both use `without_nulls`. Inside a patch's payload a null
is data (it removes a field of the patched object), so it is kept.
"""

from __future__ import annotations

from typing import Any

PAYLOADS = frozenset({"mergePatch", "jsonPatch", "configuration"})
"""Keys whose values are data for a later step, not layers: a patch's `null` removes a field
of the object it patches, and a fine-tune's `configuration` is the adapter's own
configuration (PEFT's adapter_config.json, which OME's FineTunedWeight carries, holds nulls
such as `revision: null`), so they are kept as written."""


def without_nulls(value: Any) -> Any:
    """`value` without null map values, at any depth but inside PAYLOADS; the same object when
    it has none (the usual case), so that merging does not copy what it does not change."""
    if isinstance(value, dict):
        copied: dict[str, Any] | None = None
        for key, item in value.items():
            cleaned = (
                item
                if item is None or not isinstance(item, dict | list) or key in PAYLOADS
                else without_nulls(item)
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
        items = [without_nulls(item) if isinstance(item, dict | list) else item for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
