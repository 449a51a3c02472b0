"""Run:ai inputs the target's unit tests share: an environment with Run:ai settings and a
project instance in it, so that each test file states only the spec lines it is about."""

from __future__ import annotations

from manifold.compile.catalog import Catalog
from manifold.compile.instances import PlatformFile, PlatformInstance, ProjectInstance
from manifold.compile.platform_files import expand_platform
from manifold.inputs.decode import decode
from tests.unit import helpers
from tests.unit.helpers import project_instance

SETTINGS = """
platforms:
  runai:
    baseUrl: https://runai.example.com
    clusterId: 3f1c9a6e-0b7d-4c52-9e8a-5d2f1b4c7a90
    projectId: "12"
"""
MODEL = 'models: [{name: m, source: "hf://a/b"}]'


def at_level(level: str) -> str:
    """SETTINGS at Run:ai API level `level`."""
    return SETTINGS + f'    apiLevel: "{level}"\n'


def instance(spec: str, settings: str = SETTINGS) -> ProjectInstance:
    """Project `demo` on Run:ai in environment `dev` (`spec`: lines without indentation)."""
    return project_instance("runai", spec, settings)


def platform(instance: ProjectInstance, spec: str) -> PlatformInstance:
    """A Run:ai platform file (`spec`: its spec's lines) in the instance's environment."""
    text = (
        "apiVersion: manifold.dev/v1alpha1\nkind: Platform\n"
        "metadata: {name: shared, team: ml}\nspec:\n  platform: runai\n"
        + "".join(f"  {line}\n" for line in spec.strip().splitlines())
    )
    document = helpers.document("platform/shared.yaml", text)
    decoded, problems = decode(document, "Platform")
    assert decoded is not None, problems
    shared, found = expand_platform(PlatformFile(document, decoded), instance.environment)
    assert shared is not None, found
    return shared


def with_platform(instance: ProjectInstance, spec: str) -> Catalog:
    """The instance's environment holding it and a platform file of `spec`."""
    shared = platform(instance, spec)
    return Catalog(instance.environment, {instance.name: instance}, platforms={"runai": shared})
