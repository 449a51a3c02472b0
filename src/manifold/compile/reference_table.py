"""The table of references by name that resolve within one spec: a kind of reference, where
its names are, the list each must be in, and the message when it is not.

A project's datasets, adapters and pipeline steps, a platform file's tenancy and capacity: each
is one row of `PROJECT_REFERENCES` or `PLATFORM_REFERENCES`, checked by the same code
(`ReferenceKind.unresolved`), so every such problem reads alike and carries the same hint (a
close name, or the names there are). References that resolve through the environment's
`Catalog` are checked in `compile.references`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.core.modelcheck import did_you_mean
from manifold.models.platform import PlatformSpec, Reference
from manifold.models.project import ProjectSpec


def duplicates(field: str, names: Iterable[str], what: str | None = None) -> Iterator[Problem]:
    first: dict[str, int] = {}
    label = what or field.rstrip("s")
    for index, name in enumerate(names):
        if name in first:
            yield Problem(
                (*field.split("."), index, "name"),
                f"{label} name {name!r} is already used by {field}[{first[name]}]",
            )
        first.setdefault(name, index)


def missing(what: str, name: str, choices: Sequence[str], where: str) -> tuple[str, str]:
    """A message and a hint for a name that does not resolve."""
    hint = did_you_mean(name, list(choices)) or (
        f"{where}: {', '.join(choices)}" if choices else f"{where}: none"
    )
    return f"{what} {name!r}", hint


class ReferenceSite(NamedTuple):
    """One place a spec names something: where, who names it, the name, the names it may be."""

    path: JsonPath
    owner: str
    name: str | None
    known: Sequence[str]


@dataclass(frozen=True)
class ReferenceKind:
    """A kind of by-name reference that must be one of a list of names.

    `message` is a format string with `{owner}` (who holds the reference, as in
    "step 'a'") and `{reference}` (what it names, as in "dataset 'b'"); `listed_as` names
    the list in the hint that shows the names it may be when no close one is found.
    """

    what: str
    listed_as: str
    message: str

    def unresolved(self, sites: Iterable[ReferenceSite]) -> Iterator[Problem]:
        for site in sites:
            if site.name is None or site.name in site.known:
                continue
            reference, hint = missing(self.what, site.name, site.known, self.listed_as)
            message = self.message.format(owner=site.owner, reference=reference)
            yield Problem(site.path, message, hint=hint)


def _adapter_sites(spec: ProjectSpec) -> Iterator[ReferenceSite]:
    fine_tunes = sorted(fine_tune.name for fine_tune in spec.fine_tunes)
    for index, service in enumerate(spec.services):
        for position, adapter in enumerate(service.adapters or ()):
            yield ReferenceSite(("services", index, "adapters", position), "", adapter, fine_tunes)


def _dataset_sites(spec: ProjectSpec) -> Iterator[ReferenceSite]:
    datasets = [dataset.name for dataset in spec.datasets]
    uses: list[tuple[str, list[str | None]]] = [
        ("fineTunes", [fine_tune.dataset for fine_tune in spec.fine_tunes]),
        ("benchmarks", [benchmark.dataset for benchmark in spec.benchmarks]),
        ("notebooks", [notebook.dataset for notebook in spec.notebooks]),
    ]
    for field, names in uses:
        for index, name in enumerate(names):
            yield ReferenceSite((field, index, "dataset"), "", name, datasets)


def _step_sites(spec: ProjectSpec, to: str) -> Iterator[ReferenceSite]:
    """The pipeline steps' `service` (`to="service"`) or `node` (`to="node"`)."""
    services = [service.name for service in spec.services]
    for index, pipeline in enumerate(spec.pipelines):
        nodes = sorted(pipeline.nodes)
        for node_name, node in pipeline.nodes.items():
            for position, step in enumerate(node.steps):
                path: JsonPath = ("pipelines", index, "nodes", node_name, "steps", position, to)
                name, known = (step.service, services) if to == "service" else (step.node, nodes)
                yield ReferenceSite(path, f"step {step.name!r}", name, known)


def _organization_sites(spec: PlatformSpec) -> Iterator[ReferenceSite]:
    organizations = [organization.name for organization in spec.tenancy.organizations]
    for index, project in enumerate(spec.tenancy.projects):
        name = _reference_name(project.organization)
        path: JsonPath = ("tenancy", "projects", index, "organization")
        yield ReferenceSite(path, f"project {project.name!r}", name, organizations)


def _member_sites(spec: PlatformSpec) -> Iterator[ReferenceSite]:
    """Users, service accounts and rate limits belong to a project of the tenancy."""
    tenancy = spec.tenancy
    projects = [project.name for project in tenancy.projects]
    members: list[tuple[str, str, list[tuple[str, Reference]]]] = [
        ("users", "user", [(u.name, u.project) for u in tenancy.users]),
        (
            "serviceAccounts",
            "service account",
            [(a.name, a.project) for a in tenancy.service_accounts],
        ),
        ("rateLimits", "rate limit", [(r.name, r.project) for r in tenancy.rate_limits]),
    ]
    for field, kind, items in members:
        for index, (owner, reference) in enumerate(items):
            path: JsonPath = ("tenancy", field, index, "project")
            yield ReferenceSite(path, f"{kind} {owner!r}", _reference_name(reference), projects)


def _rate_limit_target_sites(spec: PlatformSpec) -> Iterator[ReferenceSite]:
    tenancy = spec.tenancy
    targets = [
        *(project.name for project in tenancy.projects),
        *(user.name for user in tenancy.users),
        *(account.name for account in tenancy.service_accounts),
    ]
    for index, limit in enumerate(tenancy.rate_limits):
        path: JsonPath = ("tenancy", "rateLimits", index, "target")
        yield ReferenceSite(
            path, f"rate limit {limit.name!r}", _reference_name(limit.target), targets
        )


def _profile_sites(spec: PlatformSpec) -> Iterator[ReferenceSite]:
    profiles = [profile.name for profile in spec.capacity.profiles]
    for index, cluster in enumerate(spec.capacity.dedicated_clusters):
        path: JsonPath = ("capacity", "dedicatedClusters", index, "profile")
        yield ReferenceSite(path, f"dedicated cluster {cluster.name!r}", cluster.profile, profiles)


PROJECT_REFERENCES: tuple[
    tuple[ReferenceKind, Callable[[ProjectSpec], Iterable[ReferenceSite]]], ...
] = (
    (
        ReferenceKind(
            "adapter", "fine-tunes", "{reference} is not one of this project's fine-tunes"
        ),
        _adapter_sites,
    ),
    (
        ReferenceKind("dataset", "datasets", "{reference} is not one of this project's datasets"),
        _dataset_sites,
    ),
    (
        ReferenceKind(
            "service", "services", "{owner} goes to {reference}, which this project does not serve"
        ),
        lambda spec: _step_sites(spec, "service"),
    ),
    (
        ReferenceKind("node", "nodes", "{owner} goes to {reference}, not in the pipeline"),
        lambda spec: _step_sites(spec, "node"),
    ),
)
"""The names a project's spec uses that must be defined in the same spec."""

PLATFORM_REFERENCES: tuple[
    tuple[ReferenceKind, Callable[[PlatformSpec], Iterable[ReferenceSite]]], ...
] = (
    (
        ReferenceKind(
            "organization",
            "organizations",
            "{owner} belongs to {reference}, which tenancy.organizations does not define",
        ),
        _organization_sites,
    ),
    (
        ReferenceKind(
            "project",
            "tenancy.projects",
            "{owner} belongs to {reference}, which tenancy.projects does not define",
        ),
        _member_sites,
    ),
    (
        ReferenceKind(
            "target",
            "projects, users and accounts",
            "{owner} limits {reference}, which is no project, user or service account of the "
            "tenancy",
        ),
        _rate_limit_target_sites,
    ),
    (
        ReferenceKind(
            "profile",
            "capacity.profiles",
            "{owner} uses {reference}, which capacity.profiles does not define",
        ),
        _profile_sites,
    ),
)
"""The names a platform file's spec uses that must be defined in the same file."""


def project_reference_problems(spec: ProjectSpec) -> Iterator[Problem]:
    """The names of `PROJECT_REFERENCES` that the spec does not define."""
    for kind, sites in PROJECT_REFERENCES:
        yield from kind.unresolved(sites(spec))


def platform_reference_problems(spec: PlatformSpec) -> Iterator[Problem]:
    """The names of `PLATFORM_REFERENCES` that the spec does not define."""
    for kind, sites in PLATFORM_REFERENCES:
        yield from kind.unresolved(sites(spec))


def _reference_name(reference: Reference) -> str:
    return reference if isinstance(reference, str) else reference.name
