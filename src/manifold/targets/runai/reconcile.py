"""`manifold runai apply`: make the Run:ai control plane match `rendered/<env>/_runai/`.

apply makes the Run:ai control plane match `rendered/<env>/_runai/`: it reads the requests
manifold rendered, asks the API for each workload the state file records, and plans one step
per difference: create what is missing, PATCH what changed in fields the API updates in
place, replace (delete, then create) what changed elsewhere, delete what manifold created
and no longer renders. It prints the plan, then carries it out step by step, recording each
success in the state file at once, so a run that fails half-way leaves a true record and the
next run finishes the job. A workload whose labels say it is not this environment's
manifold workload is never changed.

The control plane is the truth and the state file a cache of workload ids: when the state
has no entry for a request (it was lost, or never written because a run was killed after a
create), or its entry names a workload that is gone, apply looks the workload up by its
identity (cluster, project, name) through the Workloads API and adopts it when its labels
name this environment: a second workload of the same name is never created.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from manifold.compile.layout import requests_dir
from manifold.core.diagnostics import Diagnostic, Diagnostics
from manifold.core.errors import ManifoldError, ProblemsFound, UsageProblem
from manifold.core.outcome import Outcome
from manifold.output.header import REQUEST_INDEX, indexed_files, is_generated
from manifold.output.writer import RENDERED_DIR, WORK_DIR
from manifold.pipeline import commands as pipeline
from manifold.schemas.store import DEFAULT_KUBERNETES_VERSION, SchemaStore
from manifold.targets.runai.client import ApiError, RetryPolicy, RunaiClient
from manifold.targets.runai.command_options import RunaiApplyOptions
from manifold.targets.runai.form import FORM, PLATFORM
from manifold.targets.runai.plan import (
    Action,
    Context,
    Desired,
    Step,
    format_plan,
    is_gone,
    make_plan,
    stop_on_authentication,
)
from manifold.targets.runai.settings import RunaiSettings
from manifold.targets.runai.state import Entry, State, load, locked, save, workload_key

RETRY = RetryPolicy()
POLL_INTERVAL = 2.0
"""Seconds between looks at a workload being deleted before it is created again."""

Show = Callable[[str], None]


class ApplyFailed(ManifoldError):
    """Some steps failed; the others were carried out and recorded."""


# --------------------------------------------------------------------------- inputs


def open_context(root: Path, environment: str, state: Path | None, timeout: float) -> Context:
    diagnostics = Diagnostics()
    inputs = pipeline.load_inputs(root, diagnostics)
    if diagnostics.has_errors:
        raise ProblemsFound("problems found in the inputs", diagnostics.sorted())
    resolved = inputs.environments.get(environment)
    if resolved is None:
        known = ", ".join(sorted(inputs.environments)) or "none"
        raise UsageProblem(f"unknown environment {environment!r} (environments: {known})")
    settings = resolved.settings(PLATFORM, RunaiSettings)
    if settings is None:
        raise UsageProblem(
            f"environment {environment!r} has no spec.platforms.runai: it does not say where "
            "its Run:ai control plane is"
        )
    token = os.environ.get(settings.token_variable, "")
    if not token.strip():
        raise UsageProblem(
            f"{settings.token_variable} is not set: export the Run:ai API's bearer token in it "
            "(spec.platforms.runai.tokenVariable names another variable)"
        )
    token = token.strip()
    if not token.isprintable() or any(c.isspace() for c in token):
        raise UsageProblem(
            f"{settings.token_variable} holds a line break, a space or a control character; a "
            "bearer token is one word: export it again (without the text around it)"
        )
    client = RunaiClient(settings.base_url, token, timeout=timeout, retry=RETRY)
    path = state or root / WORK_DIR / PLATFORM / f"{environment}.json"
    return Context(environment, settings, client, path)


def desired_requests(root: Path, environment: str) -> dict[str, Desired]:
    """The requests under rendered/<env>/_runai/, checked again, by workload key."""
    rendered = root / RENDERED_DIR
    if not (rendered / environment).is_dir():
        raise UsageProblem(f"{RENDERED_DIR}/{environment} does not exist: run `manifold render`")
    index = f"{requests_dir(environment, PLATFORM)}/{REQUEST_INDEX}"
    if not (rendered / index).is_file():
        return {}
    listing = (rendered / index).read_bytes()
    if not is_generated(listing):
        raise ProblemsFound(
            f"{RENDERED_DIR}/{index} was not written by manifold: remove it and run "
            "`manifold render`"
        )
    validator = SchemaStore(root).validator(
        FORM.output.api_version, FORM.output.kind, DEFAULT_KUBERNETES_VERSION
    )
    assert validator is not None
    found: dict[str, Desired] = {}
    problems: list[Diagnostic] = []
    for relative in indexed_files(index, listing):
        file = f"{RENDERED_DIR}/{relative}"
        try:
            request = json.loads((rendered / relative).read_text("utf-8"))
        except (OSError, ValueError) as error:
            problems.append(Diagnostic(f"cannot read it ({error}): run `manifold render`", file))
            continue
        errors = list(validator.errors(request))
        problems.extend(
            Diagnostic(f"not a request the API takes: {e.message}", file) for e in errors
        )
        if not errors:
            label = f"{relative.split('/')[-2]}/{request['name']}"
            found[workload_key(request)] = Desired(file, label, request)
    if problems:
        raise ProblemsFound(f"{RENDERED_DIR}/{environment} holds unusable requests", problems)
    return found


# --------------------------------------------------------------------------- apply


def apply(options: RunaiApplyOptions, show: Show | None) -> Outcome:
    context = open_context(options.root, options.environment, options.state, options.timeout)
    with locked(context.state_path):
        state = load(context.state_path, options.environment)
        desired = desired_requests(options.root, options.environment)
        plan = make_plan(context, desired, state)
        if show is not None:
            show(format_plan(context, plan))
        details: dict[str, Any] = {
            "plan": [step.describe() for step in plan.steps],
            "unchanged": plan.unchanged,
            "adopted": sorted(entry.label for entry in plan.adopted.values()),
        }
        if options.dry_run:
            if plan.problems:
                raise ApplyFailed("dry run: some workloads cannot be planned", plan.problems)
            planned = len(plan.steps)
            summary = (
                f"dry run: {planned} change{'s' * (planned != 1)} planned; nothing was changed"
            )
            return Outcome(summary, details=details)
        if plan.adopted:
            state.workloads.update(plan.adopted)
            save(context.state_path, state)
        done: dict[Action, int] = dict.fromkeys(Action, 0)
        failures = list(plan.problems)
        for step in plan.steps:
            try:
                _carry_out(context, state, step, options.wait)
            except ApiError as error:
                stop_on_authentication(context, error, changed=sum(done.values()))
                file = step.desired.file if step.desired else str(context.state_path)
                failures.append(Diagnostic(f"{step.action.verb} {step.label}: {error}", file))
                if show is not None:
                    show(f"  failed   {step.label}: {error}")
                continue
            done[step.action] += 1
            if show is not None:
                show(f"  {step.action.verb + 'd':<8} {step.label}")
    counts = ", ".join(f"{done[a]} {a.verb}d" for a in Action)
    summary = f"Run:ai environment {options.environment}: {counts}, {plan.unchanged} unchanged"
    if failures:
        raise ApplyFailed(f"{summary}; {len(failures)} failed", failures)
    return Outcome(summary, details=details)


def _carry_out(context: Context, state: State, step: Step, wait: float) -> None:
    client = context.client
    if step.action in (Action.REPLACE, Action.DELETE):
        assert step.entry is not None
        client.delete(step.entry.workload_id)
    if step.action in (Action.CREATE, Action.REPLACE) and step.entry is not None:
        # the name stays taken until the old workload is gone for good
        _wait_until_gone(client, step.entry.workload_id, wait)
    if step.action is not Action.UPDATE and step.entry is not None:
        state.workloads.pop(step.key, None)
        save(context.state_path, state)
    if step.action is Action.DELETE:
        return
    assert step.desired is not None
    request = step.desired.request
    if step.action is Action.UPDATE:
        assert step.entry is not None and step.patch is not None
        client.update(step.entry.workload_id, step.patch)
        workload_id = step.entry.workload_id
    else:
        created = client.create(request)
        workload_id = str(created.get("workloadId") or "")
        if not workload_id:
            raise ApiError(None, "the API created the workload but gave no workloadId")
    state.workloads[step.key] = Entry(workload_id, step.label, request)
    save(context.state_path, state)


def _wait_until_gone(client: RunaiClient, workload_id: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not is_gone(client.get(workload_id)):
        if time.monotonic() >= deadline:
            raise ApiError(
                None, f"workload {workload_id} was still being deleted after {wait:.0f}s"
            )
        time.sleep(POLL_INTERVAL)
