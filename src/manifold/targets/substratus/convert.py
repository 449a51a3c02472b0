"""Pieces every Substratus kind is made of, from the project language, and what cannot be
said in them: environment variables, parameters, resources in Substratus's units, and the
fields of a project item that Substratus has no word for.

Each function appends what it cannot express to `problems` and returns what it can. What the
controller does with the pieces is checked here too, from its source at upstream commit
7352fb0 (file:line below), because an object the CRD accepts can still run otherwise:

- env: `resolveEnv` (internal/controller/utils.go:67-92) reads `${{ secrets.<name>.<key> }}`
  with greedy groups, so the Secret's name runs to the last dot: a key with a dot is misread.
  It searches a value for that form rather than matching the whole value (utils.go:71-73),
  so a value that merely holds one becomes the Secret's key, the rest of its text dropped.
- resources: `resources.Apply` (internal/resources/resources.go:35-46) requests whole CPUs,
  memory and disk times 2^30, and GPUs as request and limit; it looks the GPU type up per
  cloud (gpu_info.go:14-23) and fails on GCP, the only cloud with a table (gpu_info.go:25-47;
  clouds: internal/cloud/cloud.go:59-69), for a type it has no node selector for, "" included.
  Only on kind is any GPU (no type) accepted, so a GPU without a type is refused where the
  environment says its cluster is on GCP (`settings.cloud`), and left alone where unknown.
  A `gpu` places the pod on that GPU's nodes whatever its count (resources.go:39-63), so a
  count of 0 is written as no `gpu`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, cast

from pydantic import BaseModel

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.common import Resources
from manifold.models.env import EnvFromSecret, EnvValue, EnvVar
from manifold.targets.kubernetes import quantity
from manifold.targets.substratus import kinds
from manifold.targets.substratus.option_models import Build

GIBIBYTE = Decimal(2**30)
"""Substratus's controller turns memory and disk counts into Kubernetes quantities of this
(internal/resources/resources.go:36-37, utils.go:10)."""

CONCEPTS: dict[str, str] = {
    "image_pull_policy": "an image pull policy",
    "working_dir": "a working directory",
    "ports": "container ports (servers listen on 8080)",
    "port": "a port (servers listen on 8080)",
    "volume_mounts": "volume mounts",
    "readiness_probe": "a readiness probe",
    "liveness_probe": "a liveness probe",
    "startup_probe": "a startup probe",
    "security_context": "a security context",
    "node_selector": "node placement (Substratus places pods by GPU type)",
    "tolerations": "tolerations (Substratus places pods by GPU type)",
    "affinity": "affinity (Substratus places pods by GPU type)",
    "volumes": "volumes",
    "service_account_name": "a service account",
    "priority_class_name": "a priority class",
    "scheduler_name": "a scheduler",
    "host_network": "host networking",
    "host_ipc": "host IPC",
    "dns_policy": "a DNS policy",
    "enable_service_links": "service links",
    "annotations": "pod annotations",
    "labels": "pod labels",
    "metadata": "an entry's object labels and annotations (only OME renders them)",
    "replicas": "replicas other than one",
    "autoscaling": "autoscaling",
    "leader": "multi-node serving (leader and workers)",
    "worker": "multi-node serving (leader and workers)",
    "decoder": "a prefill/decode split (decoder)",
    "router": "a router",
    "storage": "storage options (Substratus keeps artifacts in its own bucket)",
    "scope": "cluster-wide models (a Substratus Model lives in one namespace)",
    "disabled": "a disabled model",
    "nodes": "training on several nodes",
    "procs_per_node": "processes per node",
    "suspend": "a suspended training",
}


def concept(field: str) -> str:
    return CONCEPTS.get(field, field)


def unexpressed(
    item: BaseModel, at: JsonPath, supported: Iterable[str], what: str
) -> Iterator[Problem]:
    """A problem for each field set on `item` that is not `supported` (fields named after
    another platform are that platform's, and left alone); empty and false values ask for
    nothing."""
    keep = {*supported, "name", "ome", "ome_spec"}
    for field in sorted(item.model_fields_set - keep):
        value = getattr(item, field)
        if value is None or value is False or value in ([], {}):
            continue
        alias = type(item).model_fields[field].alias or field
        yield cannot(at, field, alias, what)


DEFAULTED = frozenset({"node_selector", "tolerations", "replicas"})
"""Service fields an environment's `defaults.services` may set."""


def cannot(at: JsonPath, field: str, alias: str, what: str) -> Problem:
    return Problem(
        (*at, alias),
        f"Substratus cannot express {concept(field)}, which {what} asks for",
        hint=f"where an environment's defaults add it, `{alias}: null` in the project's "
        "service removes it"
        if field in DEFAULTED
        else None,
    )


def other_level(
    options: BaseModel, at: JsonPath, fields: Iterable[str], level: str, problems: list[Problem]
) -> None:
    """`substratus:` options that only API level `level` has, given where it is not run."""
    for field in fields:
        if getattr(options, field, None) is not None:
            alias = type(options).model_fields[field].alias or field
            problems.append(
                Problem(
                    (*at, alias),
                    f"substratus.{alias} belongs to Substratus API level {level}, which this "
                    "environment does not run",
                    hint=f"remove it, or run level {level} here "
                    f"(spec.platforms.substratus.apiLevel: {level} in the environment)",
                )
            )


# --------------------------------------------------------------------------- values


def branch_build(build: Build, at: JsonPath, level: str, problems: list[Problem]) -> dict[str, str]:
    """A git build as the levels before v0.10 write it: a branch, never a tag."""
    git = {"url": build.git.url}
    if build.git.branch is not None:
        git["branch"] = build.git.branch
    if build.git.path is not None:
        git["path"] = build.git.path
    if build.git.tag is not None:
        problems.append(
            Problem(
                (*at, "build", "git", "tag"),
                f"at Substratus API level {level} a build checks out a branch, not a tag",
            )
        )
    return git


def env(variables: Iterable[EnvVar], at: JsonPath, problems: list[Problem]) -> dict[str, str]:
    """Substratus's env is a string map; a secret's key is written `${{ secrets.<name>.<key> }}`,
    which its controller turns into a reference to the Secret."""
    converted: dict[str, str] = {}
    for index, variable in enumerate(variables):
        if isinstance(variable, EnvValue):
            converted[variable.name] = variable.value
            if (embedded := _embedded_reference(variable, (*at, index))) is not None:
                problems.append(embedded)
        elif isinstance(variable, EnvFromSecret):
            secret = variable.secret
            reference = f"${{{{ secrets.{secret.name}.{secret.key} }}}}"
            converted[variable.name] = reference
            if (read := _read_as(reference)) != (secret.name, secret.key):
                misread = _misread(variable.name, secret.name, secret.key, read, (*at, index))
                problems.append(misread)
        else:
            problems.append(
                Problem(
                    (*at, index),
                    f"Substratus sets a variable to a value or to a Secret's key, not from "
                    f"{'a ConfigMap' if hasattr(variable, 'config_map') else 'a field of the pod'}"
                    f" ({variable.name})",
                )
            )
    return converted


_SECRET_REFERENCE = re.compile(r"\$\{\{ *secrets\.(.+)\.(.+) *\}\}")
"""What `resolveEnv` looks for in a value, and how it splits it (utils.go:71-79)."""


def _embedded_reference(variable: EnvValue, at: JsonPath) -> Problem | None:
    """A value that holds a secret reference beside other text: the controller searches for
    the form (utils.go:71-73), and sets the variable from the Secret alone. A value that is
    the reference and nothing else is Substratus's own syntax, read as it is written."""
    found = _SECRET_REFERENCE.search(variable.value)
    if found is None or found.group() == variable.value:
        return None
    name, key = _read_as(found.group())
    return Problem(
        (*at, "value"),
        f"Substratus's controller finds a secret reference anywhere in a value: "
        f"{variable.name} would be key {key!r} of Secret {name!r}, and the rest of the text "
        "would be dropped",
        hint="give the Secret's key as `secret: {name, key}` and the rest in another variable",
    )


def _read_as(reference: str) -> tuple[str, str]:
    """The Secret's name and key `resolveEnv` reads from a reference it found (utils.go:72-79:
    greedy groups, trimmed)."""
    found = _SECRET_REFERENCE.search(reference)
    assert found is not None
    return found.group(1).strip(), found.group(2).strip()


def _misread(variable: str, name: str, key: str, read: tuple[str, str], at: JsonPath) -> Problem:
    """Substratus reads the Secret's name up to the key's last dot (utils.go:72-79)."""
    read_name, read_key = read
    return Problem(
        (*at, "secret", "key"),
        f"Substratus reads a secret reference up to its last dot as the Secret's name: "
        f"{variable} would be key {read_key!r} of Secret {read_name!r}, not key {key!r} of "
        f"Secret {name!r}",
        hint="keep the value under a key without dots in the Secret",
    )


def params(values: dict[str, Any], at: JsonPath, problems: list[Problem]) -> dict[str, int | str]:
    """Substratus parameters are integers or strings: other numbers and booleans are written
    as JSON writes them ("0.0002", "true"); lists and maps cannot be passed."""
    converted: dict[str, int | str] = {}
    for key, value in values.items():
        if isinstance(value, bool | float):
            converted[key] = json.dumps(value)
        elif isinstance(value, int | str):
            converted[key] = value
        else:
            kind = (
                "list" if isinstance(value, list) else "map" if isinstance(value, dict) else "null"
            )
            problems.append(
                Problem(
                    (*at, key),
                    f"Substratus passes parameters as integers or strings; {key!r} is a {kind}",
                )
            )
    return converted


def _whole(
    value: str | int, unit: Decimal, unit_name: str, at: JsonPath, problems: list[Problem]
) -> int | None:
    """`value` as a whole number of `unit`, which `unit_name` names ("whole CPUs")."""
    amount = quantity(value)
    if amount is None:
        problems.append(Problem(at, f"{value!r} is not a quantity"))
        return None
    count = amount / unit
    if count != count.to_integral_value():
        shown = f"{count:.2f}".rstrip("0").rstrip(".") + ("Gi" if unit == GIBIBYTE else " CPUs")
        problems.append(
            Problem(
                at,
                f"Substratus counts {unit_name}: {value!r} is {shown}",
                hint=f"round it to a whole number of {unit_name.split()[-1]}",
            )
        )
        return None
    return int(count)


def resources(
    given: Resources, at: JsonPath, problems: list[Problem], what: str, cloud: str | None = None
) -> kinds.Resources:
    converted: kinds.Resources = {}
    if given.cpu is not None:
        cpu = _whole(given.cpu, Decimal(1), "whole CPUs", (*at, "cpu"), problems)
        if cpu is not None:
            converted["cpu"] = cpu
    unit = "memory and disk in whole Gi"
    if given.memory is not None:
        memory = _whole(given.memory, GIBIBYTE, unit, (*at, "memory"), problems)
        if memory is not None:
            converted["memory"] = memory
    if given.ephemeral_storage is not None:
        disk = _whole(given.ephemeral_storage, GIBIBYTE, unit, (*at, "ephemeralStorage"), problems)
        if disk is not None:
            converted["disk"] = disk
    for field, key in (("requests", "requests"), ("limits", "limits")):
        if getattr(given, field):
            problems.append(
                Problem(
                    (*at, key),
                    f"Substratus requests and limits one amount of each resource: separate "
                    f"{key}, which {what} asks for, cannot be expressed",
                    hint="give cpu, memory, ephemeralStorage and gpu only",
                )
            )
    gpu = given.gpu
    # Substratus places a pod whose object has a `gpu` on that GPU's nodes, with a spot
    # toleration, whatever its count (internal/resources/resources.go:39-63): a count of 0,
    # which asks for no GPU, is written as no `gpu` at all.
    if gpu is not None and gpu.count:
        converted["gpu"] = _gpu(gpu.type, gpu.count, gpu.resource, (*at, "gpu"), problems, cloud)
    return converted


def _gpu(
    gpu_type: str | None,
    count: int,
    resource: str,
    at: JsonPath,
    problems: list[Problem],
    cloud: str | None,
) -> kinds.Gpu:
    converted: kinds.Gpu = {"count": count}
    if gpu_type is None:
        if cloud == "gcp":
            problems.append(
                Problem(
                    at,
                    "Substratus on GCP places a GPU by its type and refuses one without a type: "
                    "the pod would never start",
                    hint=f"give the type ({', '.join(kinds.GPU_TYPES)})",
                )
            )
    elif gpu_type in kinds.GPU_TYPES:
        converted = {"type": cast(kinds.GpuType, gpu_type), "count": count}
    else:
        problems.append(
            Problem(
                (*at, "type"),
                f"Substratus knows the GPU types {', '.join(kinds.GPU_TYPES)}, not {gpu_type!r}",
                hint="name one of them",
            )
        )
    if resource != "nvidia.com/gpu":
        problems.append(
            Problem(
                (*at, "resource"),
                f"Substratus requests GPUs as nvidia.com/gpu, not {resource}",
            )
        )
    return converted
