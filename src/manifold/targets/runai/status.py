"""`manifold runai status`: for every workload an environment renders or recorded, its
phase on the control plane, whether it matches rendered/, and its latest throughput and
latency."""

from __future__ import annotations

import datetime
from typing import Any

from manifold.core.diagnostics import Diagnostic, Severity
from manifold.core.outcome import Outcome
from manifold.targets.runai.client import ApiError
from manifold.targets.runai.command_options import RunaiStatusOptions
from manifold.targets.runai.plan import Context, compare, is_gone, stop_on_authentication
from manifold.targets.runai.reconcile import desired_requests, open_context
from manifold.targets.runai.state import Entry, load

METRIC_TYPES = ("THROUGHPUT", "LATENCY")
METRICS_WINDOW = datetime.timedelta(minutes=10)
METRICS_SAMPLES = 10


def status(options: RunaiStatusOptions) -> Outcome:
    context = open_context(options.root, options.environment, options.state, options.timeout)
    state = load(context.state_path, options.environment)
    desired = desired_requests(options.root, options.environment)
    rows: list[dict[str, Any]] = []
    warnings: list[Diagnostic] = []
    for key in sorted(desired.keys() | state.workloads.keys()):
        want, entry = desired.get(key), state.workloads.get(key)
        label = want.label if want else entry.label if entry else key
        row: dict[str, Any] = {
            "workload": label,
            "projectId": key.split("/")[1],
            "workloadId": entry.workload_id if entry else None,
            "phase": None,
            "sync": "not created" if entry is None else "to delete" if want is None else None,
            "throughput": None,
            "latency": None,
        }
        rows.append(row)
        if entry is None:
            continue
        try:
            remote = context.client.get(entry.workload_id)
        except ApiError as error:
            stop_on_authentication(context, error, changed=0)
            warnings.append(_warning(f"{label}: cannot read it: {error}", context))
            continue
        if is_gone(remote):
            row.update(phase="Deleted", sync=row["sync"] or "deleted outside manifold")
            continue
        assert remote is not None
        row["phase"] = remote.get("actualPhase") or remote.get("desiredPhase")
        if want is not None:
            step = compare(want, entry, remote, key, context.settings.api_level)
            row["sync"] = "in sync" if step is None else f"differs: {step.reason}"
        row.update(_latest_metrics(context, entry, warnings))
    return Outcome(_table(context, rows), warnings, details={"workloads": rows})


def _warning(message: str, context: Context) -> Diagnostic:
    return Diagnostic(message, str(context.state_path), severity=Severity.WARNING)


def _latest_metrics(context: Context, entry: Entry, warnings: list[Diagnostic]) -> dict[str, Any]:
    end = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    start = end - METRICS_WINDOW
    try:
        answer = context.client.metrics(
            entry.workload_id, METRIC_TYPES, start.isoformat(), end.isoformat(), METRICS_SAMPLES
        )
    except ApiError as error:
        warnings.append(_warning(f"{entry.label}: no metrics: {error}", context))
        return {}
    latest: dict[str, Any] = {}
    for measurement in answer.get("measurements") or ():
        values = [v for v in measurement.get("values") or () if isinstance(v, dict)]
        if values:
            last = max(values, key=lambda v: str(v.get("timestamp") or ""))
            latest[str(measurement.get("type", "")).lower()] = last.get("value")
    return {name: latest[name] for name in ("throughput", "latency") if name in latest}


def _table(context: Context, rows: list[dict[str, Any]]) -> str:
    title = f"Run:ai workloads of environment {context.environment} at {context.settings.base_url}"
    if not rows:
        return f"{title}: none"
    columns = ("workload", "projectId", "workloadId", "phase", "sync", "throughput", "latency")
    headers = ("WORKLOAD", "PROJECT", "WORKLOAD ID", "PHASE", "SYNC", "THROUGHPUT", "LATENCY")
    cells = [[str(row[c]) if row[c] is not None else "-" for c in columns] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = [f"{title}:"]
    for line in (headers, *cells):
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)
