"""Substratus inputs the target's unit tests share: a project in an environment at a chosen
API level, what compiling it finds, and the specs it renders, by kind/name."""

from __future__ import annotations

from typing import Any

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformFile, PlatformInstance, ProjectInstance
from manifold.compile.platform_files import expand_platform
from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import format_json_path
from manifold.inputs.decode import decode
from manifold.inputs.resolved import ResolvedEnvironment
from manifold.targets.registry import get_target
from tests.unit import helpers
from tests.unit.helpers import env_text, environments, project_instance

TARGET = get_target("substratus")


def environment_spec(level: str | None = None, settings: str = "") -> str:
    """An environment's spec lines at Substratus API `level` (None: the default level)."""
    return f"platforms:\n  substratus: {{apiLevel: {level}{settings}}}\n" if level else ""


def instance(spec: str, level: str | None = None, settings: str = "") -> ProjectInstance:
    """Project `demo` on Substratus in environment `dev` (`spec`: lines without indentation)."""
    return project_instance("substratus", spec, environment_spec(level, settings))


def problems(spec: str, level: str | None = None) -> list[Problem]:
    project = instance(spec, level)
    return list(TARGET.compile(project, helpers.lone_catalog(project))[0])


def messages(found: list[Problem]) -> list[str]:
    return [f"{format_json_path(p.path)}: {p.message}" for p in found]


def rendered(spec: str, level: str | None = None, settings: str = "") -> dict[str, Any]:
    """The specs of the objects the project renders, by `Kind/name`; it must have no problems."""
    project = instance(spec, level, settings)
    found, manifests = TARGET.compile(project, helpers.lone_catalog(project))
    assert messages(list(found)) == []
    assert manifests is not None
    assert {m.schema_variant for m in manifests} <= {level or "v0.10"}
    return {f"{m.kind}/{m.name}": m.body["spec"] for m in manifests}


def dev(level: str | None = None) -> ResolvedEnvironment:
    return environments(dev=env_text("dev", environment_spec(level)))["dev"]


def platform(text: str, environment: ResolvedEnvironment) -> PlatformInstance:
    """A platform file (its whole text) in `environment`."""
    document = helpers.document("platform/ml.yaml", text)
    decoded, found = decode(document, "Platform")
    assert decoded is not None, found
    shared, expanded = expand_platform(PlatformFile(document, decoded), environment)
    assert shared is not None, expanded
    return shared


def platform_catalog(shared: PlatformInstance, *projects: ProjectInstance) -> Catalog:
    return Catalog(
        shared.environment, {p.name: p for p in projects}, platforms={"substratus": shared}
    )
