"""The plan of `manifold runai apply`: what is wanted (the requests under
rendered/<env>/_runai/), what the control plane has, and one step per difference.

Kept apart from carrying the plan out (`reconcile`) so that `status` can compare without
changing anything, and so that each rule of the comparison can be tested on plain data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.compile.finalize import ENVIRONMENT_LABEL, MANAGED_BY
from manifold.core.diagnostics import Diagnostic
from manifold.core.errors import ManifoldError
from manifold.core.wording import counted
from manifold.targets.runai import kinds
from manifold.targets.runai.client import ApiError, RunaiClient
from manifold.targets.runai.form import name_values
from manifold.targets.runai.settings import NEWEST, RunaiSettings
from manifold.targets.runai.state import Entry, State


class AuthenticationFailed(ManifoldError):
    """The API refused the token: every further request would fail the same way."""


@dataclass(frozen=True)
class Desired:
    file: str
    """Repository-relative path of the rendered request."""
    label: str
    request: dict[str, Any]


@dataclass(frozen=True)
class Context:
    environment: str
    settings: RunaiSettings
    client: RunaiClient
    state_path: Path


# --------------------------------------------------------------------------- plan


class Action(enum.Enum):
    CREATE = ("+", "create")
    UPDATE = ("~", "update")
    REPLACE = ("±", "replace")
    DELETE = ("-", "delete")

    @property
    def sign(self) -> str:
        return self.value[0]

    @property
    def verb(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Step:
    action: Action
    key: str
    label: str
    project_id: str
    reason: str
    desired: Desired | None = None
    entry: Entry | None = None
    patch: dict[str, Any] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "action": self.action.verb,
            "workload": self.label,
            "projectId": self.project_id,
            "workloadId": self.entry.workload_id if self.entry else None,
            "reason": self.reason,
        }


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    adopted: dict[str, Entry] = field(default_factory=dict)
    """Workloads found on the control plane by identity, to record in the state file."""


def is_gone(workload: dict[str, Any] | None) -> bool:
    """Deleted for good: its name is free again."""
    return workload is None or bool(workload.get("deletedAt"))


def is_deleted(workload: dict[str, Any] | None) -> bool:
    """Gone, or on its way."""
    return is_gone(workload) or (workload or {}).get("desiredPhase") == "Deleted"


def _foreign(workload: dict[str, Any], name: str, environment: str) -> str | None:
    """Why a recorded workload is not this environment's manifold workload, if it is not."""
    labels = name_values(workload, "labels")
    if workload.get("name") != name:
        return f"it is named {workload.get('name')!r}, not {name!r}"
    if labels.get("app.kubernetes.io/managed-by") != MANAGED_BY:
        return "it has no app.kubernetes.io/managed-by=manifold label"
    if labels.get(ENVIRONMENT_LABEL) != environment:
        return f"its {ENVIRONMENT_LABEL} label is not {environment!r}"
    return None


def contains(actual: Any, wanted: Any) -> bool:
    """Whether `actual` has every value of `wanted`. The server may add fields, and items to
    named lists (labels, environment variables...: matched by name); other lists must be
    equal item by item."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            contains(actual.get(key), value) for key, value in wanted.items()
        )
    if not isinstance(wanted, list):
        return bool(actual == wanted)
    if not isinstance(actual, list):
        return False
    if wanted and all(isinstance(item, dict) and "name" in item for item in wanted):
        named = {item.get("name"): item for item in actual if isinstance(item, dict)}
        return all(contains(named.get(item["name"]), item) for item in wanted)
    return len(actual) == len(wanted) and all(
        contains(a, w) for a, w in zip(actual, wanted, strict=True)
    )


def patch_value(old: Any, new: Any) -> Any:
    """An RFC 7386 merge patch value that turns what manifold set (`old`) into `new`: every
    value of `new`, and null for each key manifold set before and no longer sets."""
    if isinstance(new, dict):
        before = old if isinstance(old, dict) else {}
        patch = {key: None for key in before if key not in new}
        patch.update((key, patch_value(before.get(key), value)) for key, value in new.items())
        return patch
    return new


def compare(
    desired: Desired, entry: Entry, remote: dict[str, Any], key: str, level: str = NEWEST
) -> Step | None:
    """The step that makes the workload the request, at the control plane's API level (2.24
    patches preemptibility and imagePullSecrets in place; 2.22 replaces for them)."""
    want: dict[str, Any] = desired.request["spec"]
    sent: dict[str, Any] = entry.applied.get("spec", {})
    have = remote.get("spec") or {}
    changed = {f for f in want.keys() | sent.keys() if want.get(f) != sent.get(f)}
    drifted = {f for f in want if not contains(have.get(f), want[f])}
    fields = sorted(changed | drifted)
    if not fields and desired.request.get("templateId") == entry.applied.get("templateId"):
        return None
    project = desired.request["projectId"]
    fixed = [f for f in fields if f not in kinds.updatable(level)]
    if desired.request.get("templateId") != entry.applied.get("templateId"):
        fixed.insert(0, "templateId")
    if fixed:
        reason = f"{', '.join(fixed)} cannot change in place"
        return Step(Action.REPLACE, key, desired.label, project, reason, desired, entry)
    patch = {"spec": {f: patch_value(sent.get(f), want.get(f)) for f in fields}}
    reason = ", ".join(
        f"{f} (changed on the control plane)" if f not in changed else f for f in fields
    )
    return Step(Action.UPDATE, key, desired.label, project, reason, desired, entry, patch)


def make_plan(context: Context, desired: dict[str, Desired], state: State) -> Plan:
    plan = Plan()
    for key, want in sorted(desired.items(), key=lambda item: item[1].label):
        project = want.request["projectId"]
        entry = state.workloads.get(key)
        remote: dict[str, Any] | None = None
        if entry is not None:
            readable, remote = _read(context, entry, want.file, plan)
            if not readable:
                continue
        if entry is None or is_deleted(remote):
            found = _look_up(context, key, want, plan)
            if found is None:  # refused, or the look-up failed: told in plan.problems
                continue
            if found is _Absent.ABSENT:
                reason = "deleted outside manifold" if entry is not None else "new"
                plan.steps.append(Step(Action.CREATE, key, want.label, project, reason, want))
                continue
            entry, remote = found
        assert remote is not None
        if (why := _foreign(remote, want.request["name"], context.environment)) is not None:
            plan.problems.append(_refusal(entry, want.file, why))
            continue
        step = compare(want, entry, remote, key, context.settings.api_level)
        if step is None:
            plan.unchanged += 1
        else:
            plan.steps.append(step)
    for key, entry in sorted(state.workloads.items(), key=lambda item: item[1].label):
        if key in desired:
            continue
        project = key.split("/")[1]
        readable, remote = _read(context, entry, str(context.state_path), plan)
        if not readable:
            continue
        if remote is not None and not is_deleted(remote):
            name = entry.applied.get("name", "")
            if (why := _foreign(remote, name, context.environment)) is not None:
                plan.problems.append(_refusal(entry, str(context.state_path), why))
                continue
        reason = "no longer rendered" + ("; already deleted" if is_deleted(remote) else "")
        plan.steps.append(Step(Action.DELETE, key, entry.label, project, reason, None, entry))
    order = list(Action)
    plan.steps.sort(key=lambda step: order.index(step.action))
    return plan


class _Absent(enum.Enum):
    """What `_look_up` finds when no workload of that identity exists."""

    ABSENT = "absent"


def _look_up(
    context: Context, key: str, want: Desired, plan: Plan
) -> tuple[Entry, dict[str, Any]] | _Absent | None:
    """The live workload of `want`'s identity, adopted into `plan` when it is this
    environment's; ABSENT when there is none; None when there is one manifold may not
    take (or the API could not say), a problem then being added to `plan`."""
    request = want.request
    try:
        ids = context.client.find(request["clusterId"], request["projectId"], request["name"])
        remotes = [(workload_id, context.client.get(workload_id)) for workload_id in ids]
    except ApiError as error:
        stop_on_authentication(context, error, changed=0)
        plan.problems.append(Diagnostic(f"{want.label}: cannot look it up: {error}", want.file))
        return None
    live = [(i, remote) for i, remote in remotes if remote is not None and not is_deleted(remote)]
    if not live:
        return _Absent.ABSENT
    workload_id, remote = live[0]
    if (why := _foreign(remote, request["name"], context.environment)) is not None:
        plan.problems.append(
            Diagnostic(
                f"{want.label}: project {request['projectId']} already has a workload named "
                f"{request['name']!r} (workload {workload_id}), but {why}; manifold neither "
                "changes it nor creates a second one",
                want.file,
                hint="rename the service, or delete that workload if it is no longer used",
            )
        )
        return None
    entry = Entry(workload_id, want.label, request)
    plan.adopted[key] = entry
    return entry, remote


def _read(
    context: Context, entry: Entry, file: str, plan: Plan
) -> tuple[bool, dict[str, Any] | None]:
    """Whether the workload could be read, and what the API says of it (None: unknown)."""
    try:
        return True, context.client.get(entry.workload_id)
    except ApiError as error:
        stop_on_authentication(context, error, changed=0)
        message = f"{entry.label} (workload {entry.workload_id}): cannot read it: {error}"
        plan.problems.append(Diagnostic(message, file))
        return False, None


def _refusal(entry: Entry, file: str, why: str) -> Diagnostic:
    return Diagnostic(
        f"{entry.label}: the state file records workload {entry.workload_id}, but {why}; "
        "manifold leaves it alone",
        file,
        hint="remove the entry from the state file if the workload is not manifold's",
    )


def stop_on_authentication(context: Context, error: ApiError, changed: int) -> None:
    if error.status == 401:
        if changed == 0:
            done = "nothing was changed"
        else:
            done = f"{counted(changed, 'change')} {'was' if changed == 1 else 'were'} made before"
        raise AuthenticationFailed(
            f"the Run:ai API at {context.settings.base_url} refused the token in "
            f"${context.settings.token_variable} ({error}); {done}"
        )


def format_plan(context: Context, plan: Plan) -> str:
    where = f"environment {context.environment} at {context.settings.base_url}"
    adopted = [entry.label for entry in plan.adopted.values()]
    if not plan.steps:
        also = f", {len(adopted)} adopted" if adopted else ""
        lines = [f"Run:ai plan for {where}: nothing to do ({plan.unchanged} unchanged{also})"]
        return "\n".join(lines + [_adopted_line(label) for label in sorted(adopted)])
    width = max(len(step.label) for step in plan.steps)
    lines = [f"Run:ai plan for {where}:"]
    lines.extend(_adopted_line(label) for label in sorted(adopted))
    for step in plan.steps:
        lines.append(
            f"  {step.action.sign} {step.action.verb:<8} {step.label:<{width}}  "
            f"project {step.project_id}: {step.reason}"
        )
    if plan.unchanged:
        lines.append(f"  = {plan.unchanged} unchanged")
    return "\n".join(lines)


def _adopted_line(label: str) -> str:
    return f"  & adopt    {label}  found on the control plane by name; recorded in the state file"
