"""From measured seconds to what the issue asks: statistics, ratios, targets, and the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.measure import Stats

MIB = 1024 * 1024
MANIFOLD_COMMANDS = ("render_full", "render_noop", "render_one_change", "check")
LINEAR_GROWTH_AT = 3000
"""The issue sets the linear-growth target at N = 3,000 against N = 100."""


def command_record(label: str, seconds: list[float], peak_rss: int) -> dict[str, Any]:
    stats = Stats.of(seconds)
    return {
        "label": label,
        "status": "ok",
        "seconds": [round(value, 4) for value in seconds],
        "median": stats.median,
        "min": stats.minimum,
        "max": stats.maximum,
        "q1": stats.q1,
        "q3": stats.q3,
        "peak_rss_mib": round(peak_rss / MIB, 1),
    }


def _median(commands: dict[str, Any], key: str) -> float | None:
    record = commands.get(key, {})
    return record.get("median") if record.get("status") == "ok" else None


def _ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * scale


def ratios(commands: dict[str, Any], workload: dict[str, Any]) -> dict[str, float | None]:
    full = _median(commands, "render_full")
    small = _median(commands, "render_full_small")
    per_object = _ratio(full, workload.get("objects"), 1e6)
    per_object_small = _ratio(small, workload.get("small_objects"), 1e6)
    return {
        "kustomize_over_full": _ratio(_median(commands, "kustomize"), full),
        "kapitan_over_full": _ratio(_median(commands, "kapitan"), full),
        "full_over_floor": _ratio(full, _median(commands, "floor")),
        "noop_percent_of_full": _ratio(_median(commands, "render_noop"), full, 100),
        "one_change_percent_of_full": _ratio(_median(commands, "render_one_change"), full, 100),
        "check_percent_of_full": _ratio(_median(commands, "check"), full, 100),
        "microseconds_per_object": per_object,
        "microseconds_per_object_small": per_object_small,
        "per_object_growth": _ratio(per_object, per_object_small),
    }


def _peak_manifold_mib(commands: dict[str, Any]) -> float | None:
    peaks = [
        commands[key]["peak_rss_mib"]
        for key in MANIFOLD_COMMANDS
        if commands.get(key, {}).get("status") == "ok"
    ]
    return max(peaks) if peaks else None


def _target(
    key: str,
    name: str,
    goal: str,
    value: float | None,
    describe: Callable[[float], str],
    passes: Callable[[float], bool],
) -> dict[str, Any]:
    return {
        "key": key,
        "target": name,
        "goal": goal,
        "value": value,
        "measured": describe(value) if value is not None else "not measured",
        "met": passes(value) if value is not None else None,
    }


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 7 with the measured value and whether it is met (None: not measured)."""
    r = result["ratios"]
    commands = result["commands"]
    workload = result["workload"]
    at = f"N={workload['projects']} vs N={workload.get('small_projects', '?')}"
    if workload["projects"] != LINEAR_GROWTH_AT:
        at += f"; the issue sets it at N={LINEAR_GROWTH_AT} vs N=100"
    return [
        _target("vs_kustomize", "full render vs kustomize", ">= 20x faster",
                r["kustomize_over_full"], lambda v: _times(v, "faster", "slower"),
                lambda v: v >= 20),
        _target("vs_floor", "full render vs the floor", "<= 3x the floor",
                r["full_over_floor"], "{:.1f}x the floor".format, lambda v: v <= 3),
        _target("noop", "no-op re-render", "<= 10% of a full render",
                r["noop_percent_of_full"], "{:.0f}% of full".format, lambda v: v <= 10),
        _target("one_change", "one project changed", "<= 10% of a full render",
                r["one_change_percent_of_full"], "{:.0f}% of full".format, lambda v: v <= 10),
        _target("memory", "peak memory (manifold)", "< 1 GiB",
                _peak_manifold_mib(commands), "{:.0f} MiB".format, lambda v: v < 1024),
        _target("help", "manifold --help", "< 300 ms",
                _ratio(_median(commands, "help"), 1, 1000), "{:.0f} ms".format,
                lambda v: v < 300),
        _target("linear", "linear growth: time per object", "<= 1.5x that at small N",
                r["per_object_growth"], lambda v: f"{v:.2f}x ({at})", lambda v: v <= 1.5),
    ]  # fmt: skip


# --------------------------------------------------------------------------- the table


def _times(ratio: float, more: str, less: str) -> str:
    """2.5 -> "2.5x more"; 0.4 -> "2.5x less"."""
    return f"{ratio:.1f}x {more}" if ratio >= 1 else f"{1 / ratio:.1f}x {less}"


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def _relative(key: str, r: dict[str, float | None]) -> str:
    value = {
        "render_noop": r["noop_percent_of_full"],
        "render_one_change": r["one_change_percent_of_full"],
        "check": r["check_percent_of_full"],
        "kustomize": r["kustomize_over_full"],
        "kapitan": r["kapitan_over_full"],
        "floor": r["full_over_floor"],
    }.get(key)
    if key == "render_full":
        return "1"
    if value is None:
        return ""
    if key in ("kustomize", "kapitan"):
        return _times(value, "slower", "faster")
    if key == "floor":
        return f"full render is {value:.1f}x this"
    return f"{value:.0f}%"


def table(result: dict[str, Any]) -> str:
    """The results as Markdown: what ran where, the commands, the targets."""
    machine, workload, r = result["machine"], result["workload"], result["ratios"]
    versions = result["versions"]
    lines = [
        f"{workload['projects']} projects x {workload['environments']} environments: "
        f"{workload['objects']:,} objects in {workload['files']:,} files "
        f"({workload['bytes'] / MIB:.1f} MiB); {result['parameters']['repeats']} rounds.",
        f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_bytes'] / 1024**3:.0f} GiB, {machine['system']}; "
        + ", ".join(f"{name} {version}" for name, version in sorted(versions.items())),
        "",
        "| command | median | min - max | peak RSS | relative to the full render |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, record in result["commands"].items():
        if record["status"] != "ok":
            continue
        lines.append(
            f"| {record['label']} | {_seconds(record['median'])} | "
            f"{_seconds(record['min'])} - {_seconds(record['max'])} | "
            f"{record['peak_rss_mib']:.0f} MiB | {_relative(key, r)} |"
        )
    for key, record in result["commands"].items():
        if record["status"] != "ok":
            lines.append(f"| {key}: skipped ({record['reason']}) | | | | |")
    if r["microseconds_per_object"] is not None:
        per_object = f"Time per object (full render): {r['microseconds_per_object']:.0f} µs"
        if r["microseconds_per_object_small"] is not None:
            per_object += (
                f" at N={workload['projects']}, {r['microseconds_per_object_small']:.0f} µs "
                f"at N={workload['small_projects']} ({workload['small_objects']:,} objects)"
            )
        lines += ["", per_object + "."]
    emitters = result["floor"].get("microseconds_per_object")
    if emitters:
        timed = ", ".join(f"{name} {value:.0f} µs" for name, value in sorted(emitters.items()))
        lines += ["", f"Floor emitters per object: {timed}; the floor uses the fastest."]
    lines += ["", "| target (issue 7) | goal | measured | |", "|---|---|---|---|"]
    for target in result["targets"]:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        lines.append(
            f"| {target['target']} | {target['goal']} | {target['measured']} | {verdict} |"
        )
    identity = result["cache_identity"]
    same = all(identity.values())
    lines += [
        "",
        "Cached and uncached renders give identical bytes: "
        + ("yes" if same else "NO: " + ", ".join(k for k, v in identity.items() if not v))
        + f" ({', '.join(identity)}).",
    ]
    return "\n".join(lines)
