"""Options only Run:ai has, under a service's `runai:` key.

Run:ai's inference request carries scheduling and access settings no Kubernetes container
has: whether the scheduler may preempt the workload, variables read from a user's stored
credentials, who may call its URLs, creation from an administrator's template, and (up to
API 2.22) a MIG profile. Which of them an environment may use depends on its
`platforms.runai.apiLevel`; other platforms ignore the key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from manifold.models.blocks import read_block
from manifold.models.common import Strict
from manifold.models.project import Service

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
AuthorizationType = Literal["public", "authenticatedUsers", "authorizedUsersOrGroups"]
MigProfile = Literal[
    "1g.5gb",
    "1g.10gb",
    "2g.10gb",
    "2g.20gb",
    "3g.20gb",
    "3g.40gb",
    "4g.20gb",
    "4g.40gb",
    "7g.40gb",
    "7g.80gb",
]
"""The MIG profiles of Run:ai API 2.22's `compute.migProfile` (seed 002)."""


class UserCredential(Strict):
    name: str = Field(min_length=1, description="The Run:ai user credential's name.")
    key: str = Field(min_length=1, description="The key of the credential to read.")


class CredentialVariable(Strict):
    name: str = Field(
        pattern=r"^[-._a-zA-Z][-._a-zA-Z0-9]*$",
        description="Name of the environment variable in the container.",
    )
    user_credential: UserCredential = Field(
        description=(
            "Read the value from a credential the submitting user stored in Run:ai (API 2.24)."
        )
    )


class Access(Strict):
    """Who may call a URL of the workload."""

    authorization_type: AuthorizationType | None = Field(
        default=None,
        description=(
            "public (anyone), authenticatedUsers (any Run:ai user) or "
            "authorizedUsersOrGroups (those listed)."
        ),
    )
    authorized_users: list[str] | None = Field(
        default=None, min_length=1, description="Users allowed, with authorizedUsersOrGroups."
    )
    authorized_groups: list[str] | None = Field(
        default=None, min_length=1, description="Groups allowed, with authorizedUsersOrGroups."
    )


class ServingPortAccess(Access):
    cluster_local_access_only: bool | None = Field(
        default=None, description="Reachable on the cluster's network only, not outside it."
    )


class ExposedUrl(Access):
    container: int = Field(ge=1, le=65535, description="The container port the URL reaches.")
    url: str | None = Field(default=None, min_length=1, description="The URL to expose it at.")
    name: str | None = Field(default=None, min_length=1, description="A name for the URL.")


class RunaiWorkload(Strict):
    """For services on Run:ai."""

    preemptibility: Literal["preemptible", "non-preemptible"] | None = Field(
        default=None,
        description=(
            "Whether the scheduler may preempt the workload to run others (API 2.24); omit "
            "for the project's default."
        ),
    )
    template_id: str | None = Field(
        default=None,
        pattern=UUID_PATTERN,
        description=(
            "Create the workload from this Run:ai inference template (a UUID; API 2.24): "
            "the request's fields override the template's."
        ),
    )
    env: list[CredentialVariable] | None = Field(
        default=None,
        min_length=1,
        description="Environment variables read from Run:ai user credentials (API 2.24).",
    )
    serving_port: ServingPortAccess | None = Field(
        default=None, description="Who may call the serving port's URL."
    )
    exposed_urls: list[ExposedUrl] | None = Field(
        default=None,
        min_length=1,
        description=(
            "Other container ports reachable by URL; authorizationType on them needs API 2.24."
        ),
    )
    mig_profile: MigProfile | None = Field(
        default=None,
        description=(
            "Run each replica on this MIG slice of one GPU (API 2.22 only: 2.24 removed MIG "
            "profiles; use gpu.portion or gpu.memory)."
        ),
    )


SITE_MODELS = {"service": RunaiWorkload}
"""The model of each `runai:` block, by the site the project language names
(`PlatformBlock("runai", site)`): the target's `options`."""


def options_of(service: Service) -> RunaiWorkload | None:
    """A service's `runai:` block read as its model, or None without one (checked already
    when the file was read and merged, `manifold.compile.blocks`)."""
    return read_block(service, "runai", SITE_MODELS)
