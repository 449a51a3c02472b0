"""Every input model instance the repository's example and valid test cases hold, by class:
the corpus the model tests round-trip and perturb. Read once per test session."""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from manifold.compile.blocks import blocks
from manifold.core import modelcheck
from manifold.core import yaml as yamlio
from manifold.models import INPUT_KINDS
from manifold.models.common import Strict
from manifold.targets.registry import option_model
from tests.conftest import CASES, REPO_ROOT

FOLDERS = {"projects": "Project", "environments": "Environment", "platform": "Platform"}


def _input_files() -> list[tuple[Path, str]]:
    roots = [REPO_ROOT, *sorted((CASES / "valid").iterdir()), *sorted((CASES / "bases").iterdir())]
    found: list[tuple[Path, str]] = []
    for root in roots:
        for folder, kind in FOLDERS.items():
            found.extend((path, kind) for path in sorted((root / folder).rglob("*.yaml")))
    return found


def _walk(value: Any, into: dict[type[BaseModel], list[BaseModel]]) -> None:
    if isinstance(value, BaseModel):
        into[type(value)].append(value)
        for name in type(value).model_fields:
            _walk(getattr(value, name), into)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _walk(item, into)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, into)


@functools.cache
def instances() -> dict[type[BaseModel], list[BaseModel]]:
    """Model instances by class, from every input file that reads as a whole model."""
    found: dict[type[BaseModel], list[BaseModel]] = defaultdict(list)
    for path, kind in _input_files():
        data = yamlio.load_one(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("kind") != kind:
            continue
        model, _ = modelcheck.validate(INPUT_KINDS[kind], data)
        _walk(model, found)
        for _, block, value in blocks(INPUT_KINDS[kind], data):  # each platform's own options
            _walk(modelcheck.validate(option_model(block), value)[0], found)
    return dict(found)


def strict_classes(module: str) -> list[type[Strict]]:
    """The Strict models defined in `module` that the corpus holds instances of."""
    return sorted(
        (cls for cls in instances() if cls.__module__ == module and issubclass(cls, Strict)),
        key=lambda cls: cls.__name__,
    )


def dumped(model: BaseModel) -> dict[str, Any]:
    """The model's own data, camelCase, as written in files."""
    with warnings.catch_warnings():
        # Unions tagged by a callable discriminator make pydantic's serializer warn that it
        # tries the members in turn; the data it gives is right (the round trip checks it).
        warnings.simplefilter("ignore", UserWarning)
        return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def round_trips(model: BaseModel) -> bool:
    """Whether the model's own data reads back as itself."""
    data = dumped(model)
    again, problems = modelcheck.validate(type(model), data)
    return not problems and again == model


def refuses_unknown_keys(model: BaseModel) -> bool:
    data = dumped(model)
    _, problems = modelcheck.validate(type(model), {**data, "notAField": 1})
    return any(problem.path == ("notAField",) for problem in problems)


class CorpusTests:
    """The corpus tests of one models module: a test file subclasses this (as `Test...`)
    naming the module, so that every module gets the same checks from one definition."""

    module: ClassVar[str]

    def test_the_corpus_holds_models_of_this_module(self) -> None:
        assert strict_classes(self.module), f"no input file uses a model of {self.module}"

    def test_each_model_reads_back_as_itself(self) -> None:
        failing = [
            cls.__name__
            for cls in strict_classes(self.module)
            if not all(round_trips(model) for model in instances()[cls])
        ]
        assert failing == []

    def test_each_model_refuses_an_unknown_key(self) -> None:
        failing = [
            cls.__name__
            for cls in strict_classes(self.module)
            if not refuses_unknown_keys(instances()[cls][0])
        ]
        assert failing == []


def check_rule(model: type[BaseModel], data: dict[str, Any], problem: str | None) -> None:
    """`data` gives `model` no problem (None), or one whose message holds `problem`."""
    _, problems = modelcheck.validate(model, data)
    messages = [p.message for p in problems]
    if problem is None:
        assert messages == []
    else:
        assert any(problem in message for message in messages), messages
