"""The names a project's `spec.platform` may give, each with the package that implements it.

The table (`manifold.core.platform_table`, kept free of imports) is the target registry's one
entry per platform (`manifold.targets.registry` reads
it and imports the package on first use); it lives here, below both the models and the
targets, so that the models check a name against it without importing any target. Names are
checked when a file is read, not fixed in a type, so a platform added to the table is known
everywhere at once, in the editor schemas' enum too.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from manifold.core.platform_table import PLATFORMS as PLATFORMS


def _expected() -> str:
    quoted = [repr(name) for name in PLATFORMS]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _known(name: str) -> str:
    if name not in PLATFORMS:
        # The error pydantic gives for a Literal, so that messages read as they always did.
        raise PydanticCustomError(
            "literal_error", "Input should be {expected}", {"expected": _expected()}
        )
    return name


class _Enum:
    """The names as a JSON Schema enum, as of when the schema is made."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema: dict[str, Any] = {"enum": list(PLATFORMS), "type": "string"}
        return schema


PlatformName = Annotated[str, AfterValidator(_known), _Enum()]
