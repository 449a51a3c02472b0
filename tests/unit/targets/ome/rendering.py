"""Shared by the OME tests that render a project's services against a platform file."""

from __future__ import annotations

from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.targets.ome.render import render
from tests.unit.helpers import catalog_with_platform, project_instance


def project_and_catalog(project: str, platform_file: str) -> tuple[ProjectInstance, Catalog]:
    """The OME project `project` (its spec) in an environment with the platform file."""
    instance = project_instance("ome", project)
    return instance, catalog_with_platform(instance, platform_file)


def rendered_engine(instance: ProjectInstance, catalog: Catalog) -> dict[str, Any]:
    """The engine of the project's one InferenceService, as rendered."""
    (isvc,) = [m for m in render(instance, catalog) if m.kind == "InferenceService"]
    return dict(isvc.body["spec"]["engine"])
