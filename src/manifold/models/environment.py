"""`Environment`: one file under environments/ describing a place the projects are rendered for."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from manifold.core.jsonpath import parse_json_pointer
from manifold.core.platform_names import PlatformName
from manifold.models.common import (
    DnsLabel,
    ReplicasDefault,
    ResourceName,
    ResourcesDefault,
    Strict,
    Toleration,
)
from manifold.models.labels import Labels, ObjectLabels, ServiceReachingAnnotations

DEFAULT_NAMESPACE_TEMPLATE = "{{ project }}-{{ environment }}"


class EnvironmentMetadata(Strict):
    name: DnsLabel = Field(description="Environment name; the folder under rendered/.")
    labels: Labels | None = Field(
        default=None,
        description=("Labels of the environment file itself; rendered objects get `spec.labels`."),
    )


class ServiceDefaults(Strict):
    """Applied under every service of every project; the project's own values win. Every
    field is optional down to the leaves: what one environment leaves out may come from the
    environment it extends or from the project, and the result is checked in each project."""

    replicas: ReplicasDefault | None = Field(
        default=None, description="Replica bounds every service gets unless it sets its own."
    )
    resources: ResourcesDefault | None = Field(
        default=None, description="Resources every service's engine gets unless it sets its own."
    )
    node_selector: dict[str, str] | None = Field(
        default=None,
        description=(
            "Node labels every service's pods must match, merged under the project's own."
        ),
    )
    tolerations: list[Toleration] | None = Field(
        default=None,
        description=("Taints every service's pods tolerate, unless the service lists its own."),
    )


class Defaults(Strict):
    services: ServiceDefaults | None = Field(
        default=None,
        description="Values every service of every project gets unless it sets its own.",
    )


class ProjectSelection(Strict):
    include: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Project names or shell-style patterns (fnmatch) to render here.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description=(
            "Project names or fnmatch patterns left out, even when `include` matches them."
        ),
    )


class PlatformFileSelection(Strict):
    """Which platform files (by `metadata.name`) are rendered into an environment."""

    include: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Platform file names or shell-style patterns (fnmatch) to render here.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description=(
            "Platform file names or fnmatch patterns left out, even when `include` matches them."
        ),
    )


class PatchTarget(Strict):
    """Which rendered objects a patch applies to; every given field must match."""

    kind: str | None = Field(default=None, description="Object kind, for example InferenceService.")
    name: str | None = Field(default=None, description="Object name or fnmatch pattern.")
    project: str | None = Field(default=None, description="Project name or fnmatch pattern.")
    labels: dict[str, str] | None = Field(default=None, description="Labels the object must carry.")


class MergePatch(Strict):
    """An RFC 7386 JSON merge patch."""

    target: PatchTarget = Field(description="Which rendered objects the patch applies to.")
    merge_patch: dict[str, Any] = Field(
        description=(
            "The RFC 7386 merge patch: maps merge, null removes a key, other values replace."
        )
    )


class JsonPatchOperation(Strict):
    op: Literal["add", "remove", "replace", "move", "copy", "test"] = Field(
        description="The operation: add, remove, replace, move, copy or test."
    )
    path: str = Field(description="RFC 6901 JSON pointer, for example /spec/engine/minReplicas.")
    value: Any = Field(
        default=None, description="The value to add, replace with, or test for (any JSON value)."
    )
    from_: str | None = Field(
        default=None, alias="from", description="Source JSON pointer of a move or copy operation."
    )

    @model_validator(mode="after")
    def _operands(self) -> JsonPatchOperation:
        if self.op in ("add", "replace", "test") and "value" not in self.model_fields_set:
            raise ValueError(f"operation {self.op!r} needs a value")
        if self.op in ("move", "copy") and self.from_ is None:
            raise ValueError(f"operation {self.op!r} needs from")
        for pointer in (self.path, self.from_):
            if pointer is not None:
                try:
                    parse_json_pointer(pointer)
                except ValueError as error:
                    raise ValueError(str(error)) from error
        return self


class JsonPatch(Strict):
    """An RFC 6902 JSON patch."""

    target: PatchTarget = Field(description="Which rendered objects the patch applies to.")
    json_patch: list[JsonPatchOperation] = Field(
        min_length=1,
        description="The RFC 6902 operations, applied in order to each matching object.",
    )


def _patch_form(value: Any) -> str | None:
    if isinstance(value, dict):
        forms = [form for form in ("mergePatch", "jsonPatch") if form in value]
        return forms[0] if len(forms) == 1 else None
    return None


Patch = Annotated[
    Annotated[MergePatch, Tag("mergePatch")] | Annotated[JsonPatch, Tag("jsonPatch")],
    Discriminator(
        _patch_form,
        custom_error_type="patch_form",
        custom_error_message="a patch has a target and exactly one of mergePatch or jsonPatch",
    ),
]


_GIT_URL = re.compile(r"(https?|ssh)://[^\s/]+/\S+\Z")
_SCP_LIKE = re.compile(r"([^\s@/]+@)?([^\s:/]+):(?!//)(\S+)\Z")
_DURATION = re.compile(r"([0-9]+(\.[0-9]+)?(ms|s|m|h))+\Z")
_BRANCH = re.compile(r"(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]+(?<![./])\Z")


def _git_url(value: str) -> str:
    if _GIT_URL.match(value):
        return value
    scp = _SCP_LIKE.match(value)
    if scp:
        user, host, path = scp.groups()
        raise ValueError(
            f"{value!r} is an scp-like address, which Flux cannot fetch; write it as "
            f"ssh://{user or ''}{host}/{path}"
        )
    raise ValueError(f"{value!r} is not a repository URL: use https://..., http://... or ssh://...")


def _duration(value: str) -> str:
    if not _DURATION.match(value):
        raise ValueError(f"{value!r} is not a duration such as 30s, 10m or 1h30m")
    return value


def _folder(value: str) -> str:
    parts = value.split("/")
    if value.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(
            f"{value!r} is not a folder inside the repository: write it relative to the "
            "repository's root, without '.', '..' or a leading or trailing '/'"
        )
    return value


def _branch(value: str) -> str:
    if not _BRANCH.match(value):
        raise ValueError(f"{value!r} is not a branch name")
    return value


GitUrl = Annotated[
    str,
    AfterValidator(_git_url),
    WithJsonSchema({"type": "string", "pattern": f"^{_GIT_URL.pattern[:-2]}$"}),
]
Duration = Annotated[
    str,
    AfterValidator(_duration),
    WithJsonSchema({"type": "string", "pattern": f"^{_DURATION.pattern[:-2]}$"}),
]
Branch = Annotated[str, AfterValidator(_branch), WithJsonSchema({"type": "string"})]
Folder = Annotated[str, AfterValidator(_folder), WithJsonSchema({"type": "string"})]


class FluxSync(Strict):
    """A Flux GitRepository and Kustomization that apply rendered/<env>/."""

    namespace: DnsLabel | None = Field(
        default=None, description="Namespace of the Flux objects. Default: flux-system."
    )
    interval: Duration | None = Field(
        default=None, description="How often Flux fetches and applies. Default: 10m."
    )
    secret: ResourceName | None = Field(
        default=None,
        description="Secret with the credentials to fetch the repository (private repositories).",
    )


class ArgoCdSync(Strict):
    """An Argo CD Application for this environment, or its place in an ApplicationSet."""

    kind: Literal["Application", "ApplicationSet"] | None = Field(
        default=None,
        description=(
            "Application (the default): one per environment. ApplicationSet: one, with a git "
            "directory generator, for every environment that names the same `sync.name`."
        ),
    )
    namespace: DnsLabel | None = Field(
        default=None, description="Namespace Argo CD runs in. Default: argocd."
    )
    project: DnsLabel | None = Field(
        default=None, description="The Argo CD AppProject. Default: default."
    )


class Sync(Strict):
    """How a GitOps controller syncs rendered/<env>/ from the repository.

    Every field may be left to an environment this one extends; `repository` and one of
    `flux` or `argocd` must be set somewhere in the chain.
    """

    repository: GitUrl | None = Field(
        default=None, description="URL the controller fetches this repository from."
    )
    branch: Branch | None = Field(
        default=None, description="Branch whose rendered/ is applied. Default: main."
    )
    root: Folder | None = Field(
        default=None,
        description=(
            "Where this manifold repository is inside the git repository, when not at its root "
            "(for example platform/ml)."
        ),
    )
    cluster: str | None = Field(
        default=None,
        min_length=1,
        pattern=r"^\S+$",
        description=(
            "Argo CD destination: a cluster name registered in Argo CD, or the API server URL "
            "(https://...). Default: in-cluster. Flux applies to the cluster it runs in."
        ),
    )
    name: DnsLabel | None = Field(
        default=None,
        description=(
            "Objects are named <name>-<environment>; an ApplicationSet is named <name>. "
            "Default: manifold."
        ),
    )
    flux: FluxSync | None = Field(
        default=None, description="Write Flux objects (a GitRepository and a Kustomization)."
    )
    argocd: ArgoCdSync | None = Field(
        default=None,
        description=("Write Argo CD objects (an Application or a place in an ApplicationSet)."),
    )


class EnvironmentSpec(Strict):
    extends: DnsLabel | None = Field(
        default=None, description="Environment this one starts from; its settings apply first."
    )
    namespace: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "Namespace of each project, as a Jinja2 template over `project`, `environment` and "
            f"`team`. Defaults to {DEFAULT_NAMESPACE_TEMPLATE!r}."
        ),
    )
    kubernetes_version: str | None = Field(
        default=None,
        pattern=r"^v?1\.[0-9]+(\.[0-9]+)?$",
        description="Kubernetes version whose built-in schemas the output is checked against.",
    )
    labels: ObjectLabels | None = Field(
        default=None,
        description="Labels added to every rendered object; manifold's own keys refused.",
    )
    annotations: ServiceReachingAnnotations | None = Field(
        default=None,
        description="Annotations added to every rendered object; those manifold derives refused.",
    )
    defaults: Defaults | None = Field(
        default=None,
        description=(
            "Values applied under every project of this environment where the "
            "project leaves them out."
        ),
    )
    projects: ProjectSelection | None = Field(
        default=None,
        description=("Which projects are rendered into this environment (default: all of them)."),
    )
    platform_files: PlatformFileSelection | None = Field(
        default=None,
        description=(
            "Which platform files are rendered into this environment (default: all of them)."
        ),
    )
    files: Literal["perObject", "perProject"] | None = Field(
        default=None,
        description=(
            "How rendered/<env>/ is split into files: perObject (the default) writes one "
            "object per file; perProject writes each project's objects into one "
            "multi-document manifest.yaml."
        ),
    )
    patches: list[Patch] | None = Field(
        default=None,
        description="Applied to rendered objects; the patches of every extended environment first.",
    )
    sync: Sync | None = Field(
        default=None,
        description="Flux and Argo CD objects that make a cluster apply rendered/<env>/.",
    )
    platforms: dict[PlatformName, dict[str, Any]] | None = Field(
        default=None,
        description=(
            "Settings of target platforms in this environment, by platform (for example "
            "substratus: the API level its cluster runs). Each platform checks its own."
        ),
    )


class Environment(Strict):
    api_version: Literal["manifold.dev/v1alpha1"] = Field(
        alias="apiVersion", description="Always manifold.dev/v1alpha1."
    )
    kind: Literal["Environment"] = Field(description="Always Environment.")
    metadata: EnvironmentMetadata = Field(description="Name and labels of the environment.")
    spec: EnvironmentSpec = Field(
        default_factory=EnvironmentSpec,
        description=(
            "What changes in this environment: namespaces, defaults, patches, "
            "GitOps sync and platform settings."
        ),
    )

    @property
    def name(self) -> str:
        return self.metadata.name
