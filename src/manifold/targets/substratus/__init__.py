"""Substratus (`substratus.ai/v1`): datasets, models (loaded or fine-tuned), servers and
notebooks, at the API level an environment chooses (`spec.platforms.substratus.apiLevel`):
v0.10, upstream's last (the default); v0.3, which seed 001 documents; or v0.4.0, of which
manifold knows only the ModelServer.

The levels keep the group, version and the names Dataset, Model, ModelServer and Notebook
while writing them differently: their schemas are `manifold.schemas.generate.variants_schema`s, and
each object names its level (`Manifest.schema_variant`) so that it is checked against that
level alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformInstance, ProjectInstance
from manifold.core.manifest import OutputKind
from manifold.schemas.generate import typed_dict_schema, variants_schema
from manifold.targets.base import Compiled, Target
from manifold.targets.checked import platform_compiled, project_compiled
from manifold.targets.substratus import kinds, kinds_v03, kinds_v040, platform, render
from manifold.targets.substratus.option_models import SITE_MODELS

LEVELS: dict[str, dict[str, Any]] = {
    "v0.10": {
        "Dataset": kinds.Dataset,
        "Model": kinds.Model,
        "Server": kinds.Server,
        "Notebook": kinds.Notebook,
    },
    "v0.3": {
        "Dataset": kinds_v03.Dataset,
        "Model": kinds_v03.Model,
        "ModelServer": kinds_v03.ModelServer,
        "Notebook": kinds_v03.Notebook,
    },
    "v0.4.0": {"ModelServer": kinds_v040.ModelServer},
}
"""The kinds of each API level, by kind."""


def _schema(kind: str) -> Callable[[], dict[str, Any]]:
    levels = {level: shapes[kind] for level, shapes in LEVELS.items() if kind in shapes}
    if len(levels) == 1:
        return typed_dict_schema(*levels.values())

    @functools.cache
    def build() -> dict[str, Any]:
        return variants_schema(
            {level: typed_dict_schema(shape)() for level, shape in levels.items()}
        )

    return build


def _output_kinds() -> Iterable[OutputKind]:
    names = sorted({kind for shapes in LEVELS.values() for kind in shapes})
    for kind in names:
        yield OutputKind(kinds.API_VERSION, kind, True, _schema(kind))


# One pass (a `Context`) collects problems and objects together; the objects of an instance
# with errors are dropped.


def _compile(instance: ProjectInstance, catalog: Catalog) -> Compiled:
    context = render.project(instance, catalog)
    return project_compiled(instance, catalog, lambda: context.problems, lambda: context.manifests)


def _compile_platform(instance: PlatformInstance, catalog: Catalog) -> Compiled:
    context = platform.platform(instance, catalog)
    return platform_compiled(instance, lambda: context.problems, lambda: context.manifests)


# Substratus's renderer writes each kind at the environment's API level itself: no
# `unavailable`.
TARGET = Target(
    name="substratus",
    accelerators="acceleratorClasses",
    output_kinds=_output_kinds,
    compile=_compile,
    compile_platform=_compile_platform,
    options=SITE_MODELS,
)
