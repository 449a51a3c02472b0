"""Optional fields of an output object: each set when the input gives it, left out when not.

Every target builds objects as `TypedDict`s and wrote this as one `if value is not None:
fields["camelCase"] = value` per field; a run of them reads better as one table of output
key to input value. Keys are not checked by mypy here, so an object's strict JSON Schema
(validated on every render and in the tests) is what catches a misspelt one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast


def put_given(fields: Mapping[str, object], values: Mapping[str, object]) -> None:
    """Set on `fields` (a `TypedDict` being built) each of `values` that is not None, in the
    order given (which is the order the object is written in)."""
    target = cast("dict[str, object]", fields)
    for key, value in values.items():
        if value is not None:
            target[key] = value
