"""`spec.platforms.runai` of an environment: the Run:ai control plane its workloads go to,
and which version of its API that control plane runs.

Run:ai's inference request changed between releases (`../shared/reference/runai/versions.md`):
2.24 added fields (preemptibility, variables from user credentials, authorization of exposed
URLs, creation from a template) and removed MIG profiles. A request with a field the control
plane does not know, or no longer knows, is refused by it; so each environment says which API
its control plane runs, and manifold refuses at the input what that API lacks.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from manifold.models.common import DnsLabel, Strict

_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ProjectId = Annotated[str, Field(pattern=r"^[0-9]+$")]
ApiLevel = Literal["2.22", "2.24"]
NEWEST: ApiLevel = "2.24"
"""The newest Run:ai API with a published, machine-readable schema."""


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
    api_level: ApiLevel = Field(
        default=NEWEST,
        description=(
            'The Run:ai API the control plane runs: "2.24" (the default) or "2.22" (no '
            "preemptibility, user-credential variables, exposed-URL authorization or "
            "templateId; MIG profiles instead). Quote it: YAML reads 2.22 as a number."
        ),
    )
    token_variable: str = Field(
        default="RUNAI_TOKEN",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description=(
            "Environment variable that holds the API's bearer token when `manifold runai` "
            "commands run; the token itself never goes in a file."
        ),
    )

    @field_validator("api_level", mode="before")
    @classmethod
    def _level_as_text(cls, value: Any) -> Any:
        """`apiLevel: 2.22` unquoted is a YAML number; its shortest text is the level."""
        return repr(value) if isinstance(value, float) else value

    def project_of(self, project: str) -> str:
        return (self.project_ids or {}).get(project, self.project_id)


SETTINGS = RunaiSettings
