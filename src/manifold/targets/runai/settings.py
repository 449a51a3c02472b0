"""`spec.platforms.runai` of an environment: the Run:ai control plane its workloads go to."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from manifold.models.common import DnsLabel, Strict

_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ProjectId = Annotated[str, Field(pattern=r"^[0-9]+$")]


class RunaiSettings(Strict):
    """Where an environment's Run:ai workloads go, and how manifold reaches the control plane."""

    base_url: str = Field(
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="The Run:ai control plane, for example https://acme.run.ai.",
    )
    cluster_id: str = Field(pattern=_UUID, description="The cluster's id (a UUID).")
    project_id: ProjectId = Field(
        description="The Run:ai project every manifold project's workloads go to (a number).",
    )
    project_ids: dict[DnsLabel, ProjectId] | None = Field(
        default=None,
        description="Run:ai project ids of particular manifold projects, by project name.",
    )
    node_pools: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Node pools the workloads may run on, most preferred first.",
    )
    token_variable: str = Field(
        default="RUNAI_TOKEN",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description=(
            "Environment variable that holds the API's bearer token when `manifold runai` "
            "commands run; the token itself never goes in a file."
        ),
    )

    def project_of(self, project: str) -> str:
        return (self.project_ids or {}).get(project, self.project_id)


SETTINGS = RunaiSettings
