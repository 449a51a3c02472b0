"""manifold's own input kinds (`manifold.dev/v1alpha1`), as pydantic models."""

from manifold.models.environment import Environment, EnvironmentSpec
from manifold.models.platform import Platform, PlatformSpec
from manifold.models.project import Project, ProjectSpec

INPUT_KINDS: dict[str, type[Project] | type[Environment] | type[Platform]] = {
    "Project": Project,
    "Environment": Environment,
    "Platform": Platform,
}

__all__ = [
    "INPUT_KINDS",
    "Environment",
    "EnvironmentSpec",
    "Platform",
    "PlatformSpec",
    "Project",
    "ProjectSpec",
]
