"""Build in-memory documents and environments for unit tests."""

from __future__ import annotations

import textwrap

from manifold.compile.catalog import Catalog
from manifold.compile.environments import resolve_environments
from manifold.compile.expand import expand
from manifold.compile.instances import PlatformFile, PlatformInstance, ProjectFile, ProjectInstance
from manifold.compile.platform_files import expand_platform
from manifold.inputs.decode import decode
from manifold.inputs.resolved import EnvironmentFile, ResolvedEnvironment
from manifold.inputs.sources import Document, parse_document


def document(path: str, text: str) -> Document:
    parsed = parse_document(path, textwrap.dedent(text).encode())
    assert isinstance(parsed, Document), parsed
    return parsed


def environment_files(**texts: str) -> list[EnvironmentFile]:
    files = []
    for name, text in texts.items():
        doc = document(f"environments/{name}.yaml", text)
        environment, problems = decode(doc, "Environment")
        assert environment is not None, problems
        files.append(EnvironmentFile(doc, environment))
    return files


def environments(**texts: str) -> dict[str, ResolvedEnvironment]:
    resolved, problems = resolve_environments(environment_files(**texts))
    assert not problems, problems
    return resolved


def project_file(text: str, path: str = "projects/demo.yaml") -> ProjectFile:
    doc = document(path, text)
    project, problems = decode(doc, "Project")
    assert project is not None, problems
    return ProjectFile(doc, project)


def env_text(name: str, spec: str = "") -> str:
    body = textwrap.indent(textwrap.dedent(spec), "  ") if spec else ""
    return (
        "apiVersion: manifold.dev/v1alpha1\nkind: Environment\n"
        f"metadata:\n  name: {name}\nspec:\n{body or '  {}'}\n"
    )


def project_instance(platform: str, spec: str, environment_spec: str = "") -> ProjectInstance:
    """Project `demo` of team `ai` on `platform` (spec lines without indentation) in `dev`."""
    text = (
        "apiVersion: manifold.dev/v1alpha1\nkind: Project\n"
        f"metadata: {{name: demo, team: ai}}\nspec:\n  platform: {platform}\n"
        + "".join(f"  {line}\n" for line in spec.strip().splitlines())
    )
    environment = environments(dev=env_text("dev", environment_spec))["dev"]
    instance, problems = expand(project_file(text), environment)
    assert instance is not None, problems
    return instance


def lone_catalog(instance: ProjectInstance) -> Catalog:
    """An environment holding only this project, without a platform file."""
    return Catalog(instance.environment, {instance.name: instance})


def platform_text(spec: str, platform: str = "ome") -> str:
    """A platform file `shared` of team `platform` for `platform`; `spec` lines unindented."""
    return (
        "apiVersion: manifold.dev/v1alpha1\nkind: Platform\n"
        f"metadata: {{name: shared, team: platform}}\nspec:\n  platform: {platform}\n"
        + "".join(f"  {line}\n" for line in spec.strip().splitlines())
    )


def platform_instance(
    text: str, environment: ResolvedEnvironment | None = None
) -> PlatformInstance:
    """The platform file `text` (platform/shared.yaml) expanded in `environment` (else `dev`)."""
    doc = document("platform/shared.yaml", text)
    platform, problems = decode(doc, "Platform")
    assert platform is not None, problems
    where = environment or environments(dev=env_text("dev"))["dev"]
    instance, found = expand_platform(PlatformFile(doc, platform), where)
    assert instance is not None, found
    return instance


def catalog_with_platform(instance: ProjectInstance, platform_file: str) -> Catalog:
    """An environment holding only this project and the platform file `platform_file`."""
    shared = platform_instance(platform_file, instance.environment)
    return Catalog(instance.environment, {instance.name: instance}, platforms={"ome": shared})
