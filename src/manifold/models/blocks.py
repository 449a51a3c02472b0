"""A platform's own block in the project language (a service's `runai:`), held as a mapping.

Options only one platform has are that platform's to define, so their model lives in the
target package (`Target.options`), and the models here import no target (an import-linter
contract). A block's type is `Annotated[dict[str, Any], PlatformBlock(platform, site)]`: it
is read as a plain mapping, and the names it carries let the compiler have the platform
check it with its own model (`manifold.compile.blocks`) and the schema generator put that
model's schema where the block sits (`manifold.schemas.generate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import UnionType
from typing import Any, TypeVar, Union, cast, get_args, get_origin

from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic_core import CoreSchema

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class PlatformBlock:
    """Which platform checks a block, and which of its option models (`site`) it is."""

    platform: str
    site: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        metadata: dict[str, Any] = dict(schema.get("metadata") or {})
        metadata[BLOCK_METADATA] = self
        cast(dict[str, Any], schema)["metadata"] = metadata
        return schema


BLOCK_METADATA = "manifold_platform_block"
"""The key of a block's `PlatformBlock` in its pydantic core schema's metadata."""


def block_of(annotation: Any) -> PlatformBlock | None:
    """The block a model field holds, from its annotation (`X | None` too); None for any
    other field."""
    for item in getattr(annotation, "__metadata__", ()):
        if isinstance(item, PlatformBlock):
            return item
    if get_origin(annotation) in (Union, UnionType):
        return next(filter(None, (block_of(arg) for arg in get_args(annotation))), None)
    return None


def read_block(item: BaseModel, field: str, models: Mapping[str, type[ModelT]]) -> ModelT | None:
    """The block in `item`'s `field` read as the model `models` gives its site, or None
    when it is not set: how a platform turns a block it has checked into its typed options."""
    value = getattr(item, field)
    if value is None:
        return None
    block = block_of(type(item).model_fields[field].annotation)
    if block is None:
        raise TypeError(f"{type(item).__name__}.{field} is not a platform block")
    return models[block.site].model_validate(value)
