"""Each platform checks its own blocks of a project (`runai:` of a service) with its own model.

The generic models read such a block as a mapping (`manifold.models.blocks`); here, when a
project file is read and when its spec is merged in an environment, every block it sets is
checked with the option model its platform's
`Target.options` gives. Problems sit at the block's path in the merged spec, so they are
traced to the same file:line:column, with the same wording, as the rest of the spec's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from manifold.core import modelcheck
from manifold.core.diagnostics import Diagnostic, Problem, problem_diagnostic
from manifold.core.jsonpath import JsonPath
from manifold.inputs.sources import Document
from manifold.models.blocks import PlatformBlock, block_of
from manifold.targets.registry import option_model


def block_problems(model: type[BaseModel], data: Any) -> list[Problem]:
    """Problems of every platform block that `data` (to be read as `model`) sets, at their
    paths in it. The data is walked, not the validated model, so a block is checked even when
    something else in the spec is wrong, and every problem is reported at once as before."""
    found: list[Problem] = []
    for path, block, value in blocks(model, data):
        _, problems = modelcheck.validate(option_model(block), value)
        found.extend(replace(problem, path=(*path, *problem.path)) for problem in problems)
    return found


def file_block_diagnostics(document: Document, model: type[BaseModel]) -> list[Diagnostic]:
    """The blocks of a file read as `model`, checked as the file is on its own (without its
    nulls, as `manifold.inputs.decode` checks the rest of it)."""
    problems = block_problems(model, document.layer)
    return [problem_diagnostic(document, problem) for problem in problems]


def blocks(
    model: type[BaseModel], data: Any, at: JsonPath = ()
) -> Iterator[tuple[JsonPath, PlatformBlock, Any]]:
    """Every platform block `data` (to be read as `model`) sets that is a mapping: its path,
    what it is and its data."""
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield from blocks(model, item, (*at, index))
        return
    if not isinstance(data, dict):
        return  # the model's own check says what is wrong with it
    for key, block, inner in _fields_withblocks(model):
        value = data.get(key)
        if value is None:
            continue
        if block is not None:
            if isinstance(value, dict):  # else the spec's check refuses it as a mapping
                yield (*at, key), block, value
        elif inner is not None:
            yield from blocks(inner, value, (*at, key))


@functools.cache
def _fields_withblocks(
    model: type[BaseModel],
) -> tuple[tuple[str, PlatformBlock | None, type[BaseModel] | None], ...]:
    """The keys of `model` that are blocks (with the block) or hold a model that has some
    (with that model): the only ones worth walking, found once per class."""
    found: list[tuple[str, PlatformBlock | None, type[BaseModel] | None]] = []
    for name, info in model.model_fields.items():
        key = info.alias or to_camel(name)
        block = block_of(info.annotation)
        holders = [kind for kind in _models_in(info.annotation) if _hasblocks(kind)]
        if len(holders) > 1:
            raise TypeError(f"{model.__name__}.{name}: blocks under a union of models")
        if block is not None or holders:
            found.append((key, block, holders[0] if holders else None))
    return tuple(found)


def _hasblocks(model: type[BaseModel]) -> bool:
    return bool(_fields_withblocks(model))


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)
