"""Fidelity properties: what the platforms will run is what the projects asked for.

For a repository, every effective workload (`manifold.targets.effective`, computed from the rendered
objects by the platforms' own merge rules) is held against the merged project input it came
from. Each property is a function from a repository's facts to the violations it finds, so a
test can check them one by one over the example, the valid cases, the benchmark's synthetic
repository and generated projects:

- `image`: every pod role has an image (unless the platform picks one by itself);
- `gpus`: every GPU pod has the GPUs the project asked, of the GPU type it asked;
- `resources`: every pod has at least the CPU and memory the project and its runtime asked;
- `placement`: every GPU pod of a service has the service's node selector and tolerations,
  environment defaults included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from manifold.compile.expand import expand
from manifold.compile.platform_files import expand_platform
from manifold.core.diagnostics import Diagnostics
from manifold.pipeline import commands as pipeline
from manifold.targets.effective import EffectiveWorkload, PodRole, compute, read_objects

_LISTS = {
    "service": "services",
    "fine-tune": "fineTunes",
    "notebook": "notebooks",
    "benchmark": "benchmarks",
}
_NOT_GPU = frozenset({"router"})
_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9}


@dataclass(frozen=True)
class Subject:
    """One effective workload and the inputs it should honour."""

    workload: EffectiveWorkload
    item: dict[str, Any]
    """The merged project item (service, fine-tune, notebook)."""
    runtime: dict[str, Any]
    """The runtime it names, as its input defines it ({} when none or unknown)."""
    own: frozenset[str] = frozenset()
    """The resources (cpu, memory) the project file itself sets for the item, as opposed
    to an environment's defaults: those the runtime's own values do not floor."""

    def label(self, role: PodRole) -> str:
        w = self.workload
        return f"{w.environment}/{w.project}/{w.name} {role.role}"


def subjects(root: Path) -> list[Subject]:
    """Every workload of a repository, each with its input; the repository must render."""
    built, diagnostics = pipeline.build(root)
    if diagnostics.has_errors:  # not AssertionError: an xfail for a property must not hide it
        raise RuntimeError(f"{root} does not render: {diagnostics.sorted()}")
    inputs = pipeline.load_inputs(root, Diagnostics())
    found: list[Subject] = []
    for environment_name, objects in sorted(read_objects(built.texts()).items()):
        environment = inputs.environments[environment_name]
        platforms = [expand_platform(f, environment)[0] for f in inputs.platforms]
        platform_data = [p.data for p in platforms if p is not None]
        for workload in compute(objects):
            project = expand(inputs.project_file(workload.project), environment)[0]
            assert project is not None
            listing = _LISTS[workload.kind]
            item = _named(project.data.get(listing), workload.name)
            if item is None:
                continue
            runtime = _runtime(workload.kind, item, project.data, platform_data)
            index = project.data[listing].index(item)
            at = (listing, index, "training") if workload.kind == "fine-tune" else (listing, index)
            own = frozenset(
                name
                for name in ("cpu", "memory")
                if name in (_dig(item, at[2:]).get("resources") or {})
                and str(project.origin((*at, "resources", name)).file).startswith("projects/")
            )
            found.append(Subject(workload, item, runtime, own))
    return found


def _dig(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    for step in path:
        data = data.get(step) or {}
    return data


def _named(items: Any, name: str) -> dict[str, Any] | None:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return None


def _runtime(
    kind: str, item: dict[str, Any], project: dict[str, Any], platforms: list[dict[str, Any]]
) -> dict[str, Any]:
    if kind == "fine-tune":
        reference = (item.get("training") or {}).get("runtime")
        lists = [project.get("trainingRuntimes")] + [p.get("trainingRuntimes") for p in platforms]
    else:
        reference = item.get("runtime")
        lists = [project.get("runtimes")] + [p.get("servingRuntimes") for p in platforms]
    if isinstance(reference, dict) and "name" not in reference:
        return {"engine": reference}  # written inline in the service
    name = reference.get("name") if isinstance(reference, dict) else reference
    for runtimes in lists:
        if (found := _named(runtimes, str(name))) is not None:
            return found
    return {}


# --------------------------------------------------------------------------- quantities


def quantity(value: Any) -> Decimal:
    text = str(value)
    if text.endswith("m"):
        return Decimal(text[:-1]) / 1000
    for suffix, factor in _UNITS.items():
        if text.endswith(suffix):
            return Decimal(text[: -len(suffix)]) * factor
    return Decimal(text)


def _component(role: str) -> str:
    """The input component a role's resources are asked in."""
    if role.startswith("decoder"):
        return "decoder"
    return "router" if role == "router" else "engine"


def _asked(subject: Subject, role: PodRole) -> dict[str, Any]:
    """The resources the project asked for a role."""
    item = subject.item
    if subject.workload.kind == "fine-tune":
        return (item.get("training") or {}).get("resources") or {}
    component = _component(role.role)
    if component != "engine":
        own = (item.get(component) or {}).get("resources")
        return own or (item.get("resources") if component == "decoder" else None) or {}
    return item.get("resources") or {}


def _runtime_asked(subject: Subject, role: PodRole) -> dict[str, Any]:
    runtime = subject.runtime
    if subject.workload.kind == "fine-tune":
        jobs = runtime.get("jobs") or [{}]
        containers = jobs[0].get("containers") or [{}]
        return containers[0].get("resources") or {}
    part = runtime.get(_component(role.role)) or {}
    if role.role in ("leader", "worker") or role.role.endswith(("-leader", "-worker")):
        part = part.get(role.role.rpartition("-")[2]) or part
    return part.get("resources") or {}


# --------------------------------------------------------------------------- properties

Violations = Iterator[str]


def image(subject: Subject) -> Violations:
    if "image" in subject.workload.unknown:
        return
    for role in subject.workload.roles:
        if not role.get("image"):
            yield f"{subject.label(role)}: no image"


def _gpu_roles(subject: Subject) -> list[PodRole]:
    return [r for r in subject.workload.roles if r.role not in _NOT_GPU]


def gpus(subject: Subject) -> Violations:
    if "gpus" in subject.workload.unknown:
        return
    for role in _gpu_roles(subject):
        gpu = _asked(subject, role).get("gpu") or {}
        if not gpu.get("count"):
            continue
        wanted = Decimal(str(gpu["count"])) * Decimal(str(gpu.get("portion", 1)))
        if Decimal(str(role.gpus)) != wanted:
            yield f"{subject.label(role)}: {role.gpus} GPUs, asked {wanted}"
        have = role.get("accelerator") or role.get("gpuType")
        if gpu.get("type") and subject.workload.platform != "runai" and have != gpu["type"]:
            yield f"{subject.label(role)}: GPU type {have}, asked {gpu['type']}"


def resources(subject: Subject) -> Violations:
    for role in subject.workload.roles:
        project_asked = _asked(subject, role)
        for asked in (project_asked, _runtime_asked(subject, role)):
            for name in ("cpu", "memory"):
                if asked.get(name) is None:
                    continue
                if asked is not project_asked and name in subject.own:
                    continue  # the project file chose less than its runtime: its call
                have = role.get(f"requests.{name}") or role.get(f"limits.{name}")
                if have is None or quantity(have) < quantity(asked[name]):
                    yield f"{subject.label(role)}: {name} {have}, asked at least {asked[name]}"


def placement(subject: Subject) -> Violations:
    if subject.workload.kind != "service":
        return
    selector = subject.item.get("nodeSelector") or {}
    tolerations = subject.item.get("tolerations") or []
    for role in _gpu_roles(subject):
        if role.gpus <= 0:
            continue
        have = role.prefixed("nodeSelector.")
        missing = {k: v for k, v in selector.items() if have.get(k) != v}
        if missing:
            yield f"{subject.label(role)}: node selector lacks {missing}"
        present = role.get("tolerations") or []
        for toleration in tolerations:
            if not any(_same_toleration(toleration, other) for other in present):
                yield f"{subject.label(role)}: toleration {toleration} missing"


def _same_toleration(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("key", "operator", "value", "effect")
    return all(a.get(k) == b.get(k) for k in keys)


PROPERTIES: dict[str, Callable[[Subject], Violations]] = {
    "image": image,
    "gpus": gpus,
    "resources": resources,
    "placement": placement,
}


def violations(found: list[Subject], name: str) -> list[str]:
    return [v for subject in found for v in PROPERTIES[name](subject)]
