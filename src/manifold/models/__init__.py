"""manifold's own input kinds (`manifold.dev/v1alpha1`), as pydantic models."""

from manifold.models.environment import Environment, EnvironmentSpec
from manifold.models.project import Project, ProjectSpec

INPUT_KINDS: dict[str, type[Project] | type[Environment]] = {
    "Project": Project,
    "Environment": Environment,
}

__all__ = ["INPUT_KINDS", "Environment", "EnvironmentSpec", "Project", "ProjectSpec"]
