"""Which runtimes can serve which models, decided as OME's runtime selector decides it.

A runtime serves a model when it is not disabled, runs on the accelerator class the service
asks for, one of its supported formats matches the model (format and framework names and
versions, architecture, quantization: each either given on both sides and equal, or on
neither), and its model size range covers the model's size. Auto-selection considers only
runtimes with a supported format marked `autoSelect`, namespaced ones before cluster ones,
highest priority first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from manifold.models.project import Model, NamedVersion
from manifold.models.runtimes import FormatRequirement, SizeRange, SupportedFormat

_VERSION = re.compile(r"(v?)([0-9]+(?:\.[0-9]+)*)\Z")
_SIZE = {"T": 1e12, "B": 1e9, "M": 1e6, "K": 1e3}


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

    def best_priority(self) -> int:
        return max((entry.priority or 1 for entry in self.supports if entry.auto_select), default=0)


def parameter_count(size: str) -> float:
    """ "7B" -> 7e9, as OME reads model sizes (a bare or unreadable number counts as 0)."""
    unit = _SIZE.get(size[-1:], 1.0)
    number = size[:-1] if size[-1:] in _SIZE else size
    try:
        return float(number) * unit
    except ValueError:
        return 0.0


def versions_match(required: FormatRequirement, version: str) -> bool:
    """The model's `version` against a runtime's requirement (its version and operator)."""
    assert required.version is not None
    operator = required.operator or "Equal"
    wanted, found = _VERSION.match(required.version), _VERSION.match(version)
    if operator == "Equal" or wanted is None or found is None:
        return required.version == version
    wanted_parts = tuple(int(part) for part in wanted.group(2).split("."))
    found_parts = tuple(int(part) for part in found.group(2).split("."))
    if len(wanted_parts) != len(found_parts) or wanted.group(1) != found.group(1):
        return False
    if operator == "GreaterThan":
        return found_parts > wanted_parts
    return found_parts >= wanted_parts


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
    if (
        required.version is not None
        and declared.version is not None
        and not versions_match(required, declared.version)
    ):
        operator = required.operator or "Equal"
        return f"{what} version {declared.version} does not satisfy {operator} {required.version}"
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
    fitting = [entry for entry in candidate.supports if not format_mismatch(entry, model)]
    if not fitting:
        reasons = "; ".join(
            ", ".join(format_mismatch(entry, model)) for entry in candidate.supports
        )
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


def auto_select(
    candidates: list[Candidate], model: Model, accelerators: tuple[str, ...]
) -> tuple[Candidate | None, dict[str, str]]:
    """The runtime OME would pick, or None and why each candidate was passed over."""
    passed_over: dict[str, str] = {}
    fitting: list[Candidate] = []
    for candidate in candidates:
        reason = incompatibility(candidate, model, accelerators)
        if reason is None and not candidate.auto_selectable:
            reason = "no supported format is marked autoSelect"
        if reason is None:
            fitting.append(candidate)
        else:
            passed_over[candidate.name] = reason
    fitting.sort(key=lambda c: (c.scope != "namespace", -c.best_priority(), c.name))
    return (fitting[0] if fitting else None), passed_over
