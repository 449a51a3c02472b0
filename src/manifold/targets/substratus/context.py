"""What rendering one Substratus project or platform file needs and collects (`Context`), and
what the module of each API level provides (`Level`). They sit apart from the dispatcher in
`render` so that the level modules (`v0_10`, `v0_3`, `v0_4`) can name them without
importing the dispatcher that imports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.models.lifecycle import Dataset, FineTune, Notebook, Training
from manifold.models.project import Model, Service
from manifold.targets.substratus.kinds import API_VERSION
from manifold.targets.substratus.option_models import (
    SubstratusDataset,
    SubstratusFineTune,
    SubstratusModel,
    SubstratusWorkload,
)
from manifold.targets.substratus.settings import SubstratusSettings


class Level(Protocol):
    """What the module of an API level provides (`v0_10`, `v0_3`, `v0_4`). Each kind is
    given its entry and the entry's `substratus:` options, read once (`options_of`)."""

    @property
    def SERVER_KIND(self) -> str: ...  # noqa: N802 - the modules' constants
    @property
    def SERVICE_FIELDS(self) -> tuple[str, ...]: ...  # noqa: N802
    @property
    def NOTEBOOK_FIELDS(self) -> tuple[str, ...]: ...  # noqa: N802

    def dataset(
        self, item: Dataset, options: SubstratusDataset | None, at: JsonPath, context: Context
    ) -> dict[str, Any]: ...
    def model(
        self, item: Model, options: SubstratusModel | None, at: JsonPath, context: Context
    ) -> dict[str, Any]: ...
    def fine_tune(
        self,
        item: FineTune,
        options: SubstratusFineTune | None,
        training: Training,
        at: JsonPath,
        context: Context,
    ) -> dict[str, Any]: ...
    def server(
        self,
        service: Service,
        options: SubstratusWorkload | None,
        served: str,
        at: JsonPath,
        context: Context,
    ) -> dict[str, Any]: ...
    def notebook(
        self, item: Notebook, options: SubstratusWorkload | None, at: JsonPath, context: Context
    ) -> dict[str, Any]: ...


@dataclass
class Context:
    """What rendering one project or platform file in one environment needs and finds."""

    settings: SubstratusSettings
    catalog: Catalog
    namespace: str
    owner: str
    sources: tuple[str, ...]
    level: Level  # the module that writes the specs of the environment's API level
    project: ProjectInstance | None = None
    problems: list[Problem] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)

    def add(self, kind: str, name: str, spec: Any, component: str, at: JsonPath) -> None:
        metadata: dict[str, Any] = {"name": name}
        if self.project is None:  # the platform file's: into its namespace
            metadata["namespace"] = self.namespace
        body = {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}
        self.manifests.append(
            Manifest(
                body,
                True,
                self.owner,
                self.sources,
                component,
                at,
                schema_variant=self.settings.api_level,
            )
        )
