"""Which runtimes can serve which models, decided as OME's runtime selector decides it.

A runtime serves a model when it is not disabled, runs on every accelerator class the
service asks for, one of its supported formats matches the model (format and framework
names and versions, architecture, quantization: each either given on both sides and equal,
or on neither; see versions.py for how versions compare), and its model size range covers
the model's size. Auto-selection considers only runtimes with a supported format marked
`autoSelect`: namespaced ones before cluster ones, then the highest score (format and
framework weights times the format's priority), then the size range that hugs the model
closest, then the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from manifold.models.project import Model, NamedVersion
from manifold.models.runtimes import FormatRequirement, SizeRange, SupportedFormat
from manifold.targets.ome.versions import parse, satisfies

# OME's size suffixes: no K (a thousand-parameter size reads as 0 there).
_SIZE = {"T": 1e12, "B": 1e9, "M": 1e6}
DEFAULT_PRIORITY = 1
FORMAT_WEIGHT = 10
FRAMEWORK_WEIGHT = 5
_SERVES = {
    "Equal": "that version only",
    "GreaterThanOrEqual": "versions up to its own, written with as many parts",
    "GreaterThan": "versions below its own, written with as many parts",
}


@dataclass(frozen=True)
class Candidate:
    """A serving runtime as the selector sees it."""

    name: str
    scope: Literal["namespace", "cluster"]
    disabled: bool
    supports: tuple[SupportedFormat, ...]
    size_range: SizeRange | None
    accelerators: tuple[str, ...] | None

    @property
    def auto_selectable(self) -> bool:
        return any(entry.auto_select for entry in self.supports)


def parameter_count(size: str) -> float:
    """ "7B" -> 7e9, as OME reads model sizes (a bare number is a count; an unreadable one,
    "8K" among them, counts as 0)."""
    unit = _SIZE.get(size[-1:], 1.0)
    number = size[:-1] if size[-1:] in _SIZE else size
    try:
        return float(number) * unit
    except ValueError:
        return 0.0


def versions_match(required: FormatRequirement, version: str) -> bool:
    """The model's `version` against a runtime's requirement (its version and operator)."""
    assert required.version is not None
    return satisfies(version, required.version, required.operator)


def _named_mismatch(
    what: str, required: FormatRequirement, declared: NamedVersion | None
) -> str | None:
    if declared is None:
        return f"the model has no {what} but the runtime requires {required.name}"
    if declared.name != required.name:
        return f"{what} mismatch (model {declared.name}, runtime {required.name})"
    if (required.version is None) != (declared.version is None):
        side = "the runtime" if required.version is not None else "the model"
        return f"{what} version given by {side} only"
    for side, version in (("the model's", declared.version), ("the runtime's", required.version)):
        if version is not None and parse(version) is None:
            return (
                f"{side} {what} version {version!r} is not one OME can read (numbers such as "
                "4.43.1, optionally after a v and before -pre, +build or .dev tags)"
            )
    if (
        required.version is not None
        and declared.version is not None
        and not versions_match(required, declared.version)
    ):
        operator = required.operator or "Equal"
        return (
            f"{what} version {declared.version} not served: the runtime states "
            f"{required.version} ({operator}: {_SERVES[operator]})"
        )
    return None


def _optional_mismatch(what: str, required: str | None, declared: str | None) -> str | None:
    if required == declared:
        return None
    if required is None or declared is None:
        side = "the runtime" if required is not None else "the model"
        return f"{what} given by {side} only"
    return f"{what} mismatch (model {declared}, runtime {required})"


def format_mismatch(entry: SupportedFormat, model: Model) -> list[str]:
    """Why a supported format does not fit the model (empty: it fits)."""
    reasons = [
        _named_mismatch("format", entry.format, model.format),
        _named_mismatch("framework", entry.framework, model.framework),
        _optional_mismatch("architecture", entry.architecture, model.architecture),
        _optional_mismatch("quantization", entry.quantization, model.quantization),
    ]
    return [reason for reason in reasons if reason is not None]


def incompatibility(
    candidate: Candidate, model: Model, accelerators: tuple[str, ...]
) -> str | None:
    """Why the runtime cannot serve the model on the accelerator classes a service asks for
    (None: it can)."""
    if candidate.disabled:
        return "it is disabled"
    missing = [a for a in accelerators if a not in (candidate.accelerators or ())]
    if missing:
        supported = ", ".join(candidate.accelerators or ()) or "none"
        return (
            f"the service asks for accelerator class {', '.join(missing)} and the runtime "
            f"supports {supported}"
        )
    # Each format's reasons once: the message needs them all when none fits.
    mismatches = [format_mismatch(entry, model) for entry in candidate.supports]
    if all(mismatches):
        reasons = "; ".join(", ".join(mismatch) for mismatch in mismatches)
        return f"no supported format fits: {reasons}"
    size = candidate.size_range
    if size is not None and model.parameter_size is not None:
        count = parameter_count(model.parameter_size)
        if not parameter_count(size.min) <= count <= parameter_count(size.max):
            return (
                f"model size {model.parameter_size} is outside the runtime's range "
                f"{size.min} to {size.max}"
            )
    return None


def _requirement_fits(required: FormatRequirement, declared: NamedVersion) -> bool:
    """Scoring's own name and version test: a version on one side only does not spoil it."""
    if required.name != declared.name:
        return False
    if required.version is None or declared.version is None:
        return True
    return versions_match(required, declared.version)


def format_score(entry: SupportedFormat, model: Model) -> int:
    """What one supported format scores for the model: each of format and framework that
    fits adds its weight (10 and 5 unless given) times the format's priority; a format or
    framework that does not fit scores the entry 0. Architecture and quantization do not count."""
    if model.format is None or model.framework is None:
        return 0
    if not _requirement_fits(entry.format, model.format):
        return 0
    if not _requirement_fits(entry.framework, model.framework):
        return 0
    priority = entry.priority or DEFAULT_PRIORITY
    format_weight = entry.format.weight or FORMAT_WEIGHT
    framework_weight = entry.framework.weight or FRAMEWORK_WEIGHT
    return (format_weight + framework_weight) * priority


def score(candidate: Candidate, model: Model) -> int:
    """The best score among the supported formats not marked `autoSelect: false` (unmarked
    ones count too)."""
    entries = [entry for entry in candidate.supports if entry.auto_select is not False]
    return max((format_score(entry, model) for entry in entries), default=0)


def size_distance(candidate: Candidate, model: Model) -> float:
    """How far the runtime's size range reaches beyond the model's size, at both ends
    (0 when either side gives no size)."""
    size = candidate.size_range
    if size is None or model.parameter_size is None:
        return 0.0
    count = parameter_count(model.parameter_size)
    return abs(parameter_count(size.min) - count) + abs(parameter_count(size.max) - count)


def auto_select(
    candidates: list[Candidate], model: Model, accelerators: tuple[str, ...]
) -> tuple[Candidate | None, dict[str, str]]:
    """The runtime OME would pick, or None and why each candidate was passed over."""
    passed_over: dict[str, str] = {}
    fitting: list[tuple[Candidate, int]] = []
    for candidate in candidates:
        reason = incompatibility(candidate, model, accelerators)
        if reason is None and not candidate.auto_selectable:
            reason = "no supported format is marked autoSelect"
        points = score(candidate, model) if reason is None else 0
        if reason is None and points <= 0:
            reason = (
                "no supported format open to auto-selection fits the model's format and framework"
            )
        if reason is None:
            fitting.append((candidate, points))
        else:
            passed_over[candidate.name] = reason
    fitting.sort(
        key=lambda pair: (
            pair[0].scope != "namespace",
            -pair[1],
            size_distance(pair[0], model),
            pair[0].name,
        )
    )
    return (fitting[0][0] if fitting else None), passed_over
