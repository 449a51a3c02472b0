"""compile.reference_table: each row of the table, one spec in, the problems out.

Every row is checked by the same code, so each case here is one kind of reference: a name that
is not in its list gives one problem at the reference, with a close name as the hint when
there is one and the names there are when there is not; a name that resolves gives none.
"""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.reference_table import (
    PLATFORM_REFERENCES,
    PROJECT_REFERENCES,
    ReferenceKind,
    ReferenceSite,
    platform_reference_problems,
    project_reference_problems,
)
from manifold.core.diagnostics import Problem
from manifold.models.platform import PlatformSpec
from manifold.models.project import ProjectSpec

_BENCHMARK = {
    "task": "text-to-text",
    "maxTimePerIteration": 5,
    "maxRequestsPerIteration": 50,
    "output": {"uri": "s3://results/a"},
}
_ACME = {"name": "acme", "vendor": "openai", "organizationId": "org-1"}
_LIMITS = {"limits": [{"type": "requests", "limit": 1000, "window": "1h"}]}


def _steps(*steps: dict[str, str]) -> dict[str, Any]:
    return {"name": "flow", "nodes": {"root": {"router": "Sequence", "steps": list(steps)}}}


PROJECT_CASES: list[tuple[str, dict[str, Any], list[tuple[str, ...]]]] = [
    (
        "an adapter that is no fine-tune",
        {
            "fineTunes": [
                {"name": "chat-lora", "baseModel": "m", "type": "LoRA", "source": "s3://w/a"}
            ],
            "services": [{"name": "chat", "model": "m", "adapters": ["chat-lor", "chat-lora"]}],
        },
        [
            (
                "services.0.adapters.0",
                "adapter 'chat-lor' is not one of this project's fine-tunes",
                "did you mean 'chat-lora'?",
            )
        ],
    ),
    (
        "datasets of a fine-tune, a benchmark and a notebook",
        {
            "datasets": [{"name": "chats"}],
            "fineTunes": [
                {
                    "name": "ft",
                    "baseModel": "m",
                    "type": "LoRA",
                    "source": "s3://w/a",
                    "dataset": "chat",
                }
            ],
            "benchmarks": [
                {"name": "load", "target": {"service": "s"}, "dataset": "chats", **_BENCHMARK}
            ],
            "notebooks": [{"name": "lab", "dataset": "prompts"}],
        },
        [
            (
                "fineTunes.0.dataset",
                "dataset 'chat' is not one of this project's datasets",
                "did you mean 'chats'?",
            ),
            (
                "notebooks.0.dataset",
                "dataset 'prompts' is not one of this project's datasets",
                "datasets: chats",
            ),
        ],
    ),
    (
        "a step to a service the project does not serve",
        {
            "services": [{"name": "embed", "model": "m"}],
            "pipelines": [_steps({"name": "first", "service": "embedd"})],
        },
        [
            (
                "pipelines.0.nodes.root.steps.0.service",
                "step 'first' goes to service 'embedd', which this project does not serve",
                "did you mean 'embed'?",
            )
        ],
    ),
    (
        "a step to a node not in the pipeline",
        {"pipelines": [_steps({"name": "next", "node": "rank"})]},
        [
            (
                "pipelines.0.nodes.root.steps.0.node",
                "step 'next' goes to node 'rank', not in the pipeline",
                "nodes: root",
            )
        ],
    ),
    ("nothing to resolve", {}, []),
]

PLATFORM_CASES: list[tuple[str, dict[str, Any], list[tuple[str, ...]]]] = [
    (
        "a project's organization",
        {
            "tenancy": {
                "organizations": [_ACME],
                "projects": [{"name": "research", "organization": "acm"}],
            }
        },
        [
            (
                "tenancy.projects.0.organization",
                "project 'research' belongs to organization 'acm', which "
                "tenancy.organizations does not define",
                "did you mean 'acme'?",
            )
        ],
    ),
    (
        "the project of a user, a service account and a rate limit",
        {
            "tenancy": {
                "organizations": [_ACME],
                "projects": [{"name": "research", "organization": "acme"}],
                "users": [{"name": "alice", "email": "a@example.com", "project": "reserch"}],
                "serviceAccounts": [{"name": "ci", "project": "ops"}],
                "rateLimits": [
                    {"name": "rl", "project": "research", "target": "research", **_LIMITS}
                ],
            }
        },
        [
            (
                "tenancy.users.0.project",
                "user 'alice' belongs to project 'reserch', which tenancy.projects does not define",
                "did you mean 'research'?",
            ),
            (
                "tenancy.serviceAccounts.0.project",
                "service account 'ci' belongs to project 'ops', which tenancy.projects does "
                "not define",
                "tenancy.projects: research",
            ),
        ],
    ),
    (
        "a rate limit's target",
        {
            "tenancy": {
                "organizations": [_ACME],
                "projects": [{"name": "research", "organization": "acme"}],
                "rateLimits": [{"name": "rl", "project": "research", "target": "bob", **_LIMITS}],
            }
        },
        [
            (
                "tenancy.rateLimits.0.target",
                "rate limit 'rl' limits target 'bob', which is no project, user or service "
                "account of the tenancy",
                "projects, users and accounts: research",
            )
        ],
    ),
    (
        "a dedicated cluster's profile",
        {
            "capacity": {
                "profiles": [{"name": "large"}],
                "dedicatedClusters": [{"name": "training", "profile": "larg"}],
            }
        },
        [
            (
                "capacity.dedicatedClusters.0.profile",
                "dedicated cluster 'training' uses profile 'larg', which capacity.profiles "
                "does not define",
                "did you mean 'large'?",
            )
        ],
    ),
]


def _found(problems: list[Problem]) -> list[tuple[str, ...]]:
    return [(".".join(str(step) for step in p.path), p.message, p.hint or "") for p in problems]


@pytest.mark.parametrize(
    ("spec", "expected"), [c[1:] for c in PROJECT_CASES], ids=[c[0] for c in PROJECT_CASES]
)
def test_project_references(spec: dict[str, Any], expected: list[tuple[str, ...]]) -> None:
    parsed = ProjectSpec.model_validate({"platform": "ome", **spec})
    assert _found(list(project_reference_problems(parsed))) == expected


@pytest.mark.parametrize(
    ("spec", "expected"), [c[1:] for c in PLATFORM_CASES], ids=[c[0] for c in PLATFORM_CASES]
)
def test_platform_references(spec: dict[str, Any], expected: list[tuple[str, ...]]) -> None:
    parsed = PlatformSpec.model_validate({"platform": "ome", **spec})
    assert _found(list(platform_reference_problems(parsed))) == expected


def test_every_row_has_a_case() -> None:
    """A new row of the table comes with a case above: its `what` appears in a message."""
    messages = " ".join(
        message for _, _, rows in PROJECT_CASES + PLATFORM_CASES for _, message, _ in rows
    )
    for kind, _ in (*PROJECT_REFERENCES, *PLATFORM_REFERENCES):
        assert f"{kind.what} '" in messages, kind


def test_a_kind_with_no_names_says_so() -> None:
    kind = ReferenceKind("profile", "capacity.profiles", "{owner} uses {reference}")
    site = ReferenceSite(("a", 0), "cluster 'x'", "large", [])
    (problem,) = kind.unresolved([site, ReferenceSite(("b",), "", None, [])])
    assert (problem.message, problem.hint) == (
        "cluster 'x' uses profile 'large'",
        "capacity.profiles: none",
    )
