"""A service's `runai:` options in its request, and what the environment's API level allows.

Run:ai 2.24 added `templateId`, `spec.preemptibility`, variables from user credentials and
`exposedUrls[].authorizationType`, and removed `compute.migProfile` (with `migProfile` as a
`gpuRequestType`); `../shared/reference/runai/versions.md` lists the differences, read from
the API's generated OpenAPI at client versions 1.222.0 and 1.224.0. A control plane refuses
a request with a field its version lacks, so each is refused here at the input line that
asks for it, naming the environment's level and the setting that changes it, and left out
of the request. The serving port's `authorizationType` is not among them: the 2.22 OpenAPI
has it on `ServingPortAccess` ("Supported from cluster version 2.19") but not on
`ExposedUrl`.
"""

from __future__ import annotations

from typing import Any

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.targets.runai import kinds
from manifold.targets.runai.option_models import Access, RunaiWorkload

LEVEL_2_24 = "2.24"


class Options:
    """Puts one service's Run:ai options into its request, refusing what the level lacks."""

    def __init__(self, at: JsonPath, environment: str, level: str) -> None:
        self.at = (*at, "runai")
        self.environment = environment
        self.level = level
        self.found: list[Problem] = []

    def newer(self, path: JsonPath, what: str) -> bool:
        """Whether `what` may be used here; if not, an error at `path`."""
        if self.level >= LEVEL_2_24:
            return True
        self.found.append(
            Problem(
                (*self.at, *path),
                f"{what} needs Run:ai API {LEVEL_2_24}, and environment {self.environment!r} "
                f"is at apiLevel {self.level!r}",
                hint=(
                    f'set spec.platforms.runai.apiLevel: "{LEVEL_2_24}" in environment '
                    f"{self.environment!r} if its control plane runs Run:ai {LEVEL_2_24}"
                ),
            )
        )
        return False

    def apply(self, options: RunaiWorkload, body: kinds.InferenceCreationRequest) -> None:
        spec = body["spec"]
        if options.template_id is not None and self.newer(("templateId",), "templateId"):
            body["templateId"] = options.template_id
        if options.preemptibility is not None and self.newer(("preemptibility",), "preemptibility"):
            spec["preemptibility"] = options.preemptibility
        self._credential_variables(options, spec)
        if options.serving_port is not None and "servingPort" in spec:
            spec["servingPort"].update(_access(options.serving_port))  # type: ignore[typeddict-item]
            if options.serving_port.cluster_local_access_only is not None:
                local = options.serving_port.cluster_local_access_only
                spec["servingPort"]["clusterLocalAccessOnly"] = local
        for index, url in enumerate(options.exposed_urls or ()):
            item: dict[str, Any] = {"container": url.container, **_access(url)}
            if url.authorization_type is not None:
                where = ("exposedUrls", index, "authorizationType")
                if not self.newer(where, "exposedUrls[].authorizationType"):
                    # Refused, so not written either: 2.22's ExposedUrl has no such field,
                    # though its ServingPortAccess has (since cluster 2.19).
                    del item["authorizationType"]
            item.update({k: v for k, v in (("url", url.url), ("name", url.name)) if v is not None})
            spec.setdefault("exposedUrls", []).append(item)  # type: ignore[arg-type]
        if options.mig_profile is not None:
            self._mig_profile(options, spec)

    def _credential_variables(self, options: RunaiWorkload, spec: kinds.InferenceSpec) -> None:
        variables = spec.setdefault("environmentVariables", [])
        names = {variable["name"] for variable in variables}
        for index, variable in enumerate(options.env or ()):
            path = ("env", index, "userCredential")
            if not self.newer(path, "an environment variable from a user credential"):
                continue
            if variable.name in names:
                self.found.append(
                    Problem(
                        (*self.at, "env", index, "name"),
                        f"environment variable {variable.name!r} is also set by the service's "
                        "env (or its model's MODEL_PATH): give it one source",
                    )
                )
                continue
            credential = variable.user_credential
            variables.append(
                {
                    "name": variable.name,
                    "userCredential": {"name": credential.name, "key": credential.key},
                }
            )

    def _mig_profile(self, options: RunaiWorkload, spec: kinds.InferenceSpec) -> None:
        path = (*self.at, "migProfile")
        if self.level >= LEVEL_2_24:
            self.found.append(
                Problem(
                    path,
                    f"Run:ai API {LEVEL_2_24} removed MIG profiles (compute.migProfile), and "
                    f"environment {self.environment!r} is at apiLevel {self.level!r}: request "
                    "a share of a GPU with resources.gpu.portion or resources.gpu.memory "
                    "instead",
                    hint=(
                        'or set spec.platforms.runai.apiLevel: "2.22" in environment '
                        f"{self.environment!r} if its control plane runs Run:ai 2.22"
                    ),
                )
            )
            return
        compute = spec.setdefault("compute", {})
        if "gpuRequestType" in compute:
            self.found.append(
                Problem(
                    path,
                    "a MIG profile is a share of one GPU of its own: not with "
                    "resources.gpu.portion or resources.gpu.memory",
                )
            )
            return
        compute.setdefault("gpuDevicesRequest", 1)
        compute["gpuRequestType"] = "migProfile"
        compute["migProfile"] = options.mig_profile  # type: ignore[typeddict-item]


def _access(access: Access) -> dict[str, Any]:
    fields = (
        ("authorizationType", access.authorization_type),
        ("authorizedUsers", access.authorized_users),
        ("authorizedGroups", access.authorized_groups),
    )
    return {name: value for name, value in fields if value is not None}
