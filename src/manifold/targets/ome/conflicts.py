"""Which runtime definitions OME's ServingRuntime admission webhook refuses for priority.

OME lets many runtimes auto-select one model format: its selector tells them apart by
architecture, quantization and size range. The webhook only refuses a second runtime whose
auto-selected format entry is equal to one of the first's in every field, with an equal
model size range and an equal priority, when both runtimes speak a common protocol. Within
one runtime it refuses auto-selected entries with different priorities.

"Equal in every field" is meant as OME decides it, not as one would by reading the YAML:
OME compares `modelFormat` and `modelFramework` as Go structs whose version and operator
are pointers, so two runtimes' entries are only ever equal when neither states a version
or an operator for them. OME's own catalogue relies on that (srt-qwen2-5-32b-instruct and
srt-qwen2-5-coder-32b-instruct, for one, state the same versioned formats, architecture,
size range and priority), so manifold refuses only what OME refuses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.runtimes import FormatRequirement, ServingRuntime, SupportedFormat


def _requirements_equal(left: FormatRequirement, right: FormatRequirement) -> bool:
    unversioned = all(
        part is None for part in (left.version, left.operator, right.version, right.operator)
    )
    return unversioned and left.name == right.name and (left.weight or 0) == (right.weight or 0)


def formats_equal(left: SupportedFormat, right: SupportedFormat) -> bool:
    """Whether OME's webhook takes two supported-format entries for the same one."""
    return (
        left.version == right.version
        and left.quantization == right.quantization
        and left.architecture == right.architecture
        and _requirements_equal(left.format, right.format)
        and _requirements_equal(left.framework, right.framework)
    )


def _size_range(runtime: ServingRuntime) -> tuple[str, str] | None:
    size = runtime.model_size_range
    return None if size is None else (size.min, size.max)


def pair_conflict(earlier: ServingRuntime, later: ServingRuntime) -> tuple[int, str] | None:
    """The entry of `later` that OME refuses next to `earlier`, and the shared protocol."""
    if earlier.disabled or later.disabled or earlier.name == later.name:
        return None
    shared = [p for p in earlier.protocols or () if p in (later.protocols or ())]
    if not shared or _size_range(earlier) != _size_range(later):
        return None
    for position, entry in enumerate(later.supports):
        if not entry.auto_select or entry.priority is None:
            continue
        for other in earlier.supports:
            if (
                other.auto_select
                and other.priority == entry.priority
                and formats_equal(other, entry)
            ):
                return position, shared[0]
    return None


def _refused(
    earlier: ServingRuntime, runtime: ServingRuntime, at: JsonPath, whose: str
) -> Problem | None:
    conflict = pair_conflict(earlier, runtime)
    if conflict is None:
        return None
    position, protocol = conflict
    entry = runtime.supports[position]
    return Problem(
        (*at, "supports", position, "priority"),
        f"{whose}runtime {earlier.name!r} already auto-selects format {entry.format.name!r} "
        f"with priority {entry.priority} for {protocol}, for the same architecture, "
        "quantization and model size range; give one a different priority",
    )


def priority_conflicts(
    runtimes: Sequence[tuple[JsonPath, ServingRuntime]],
) -> Iterator[Problem]:
    """Each runtime that OME would refuse next to one listed before it (in one scope)."""
    for index, (at, runtime) in enumerate(runtimes):
        for _, earlier in runtimes[:index]:
            if (problem := _refused(earlier, runtime, at, "")) is not None:
                yield problem
                break


def conflicts_with_installed(
    installed: Sequence[ServingRuntime], runtime: ServingRuntime, at: JsonPath
) -> Iterator[Problem]:
    """A project's cluster runtime that OME would refuse next to the platform's."""
    for earlier in installed:
        if (problem := _refused(earlier, runtime, at, "the platform's ")) is not None:
            yield problem
            return


def priorities_within(runtime: ServingRuntime, at: JsonPath) -> Iterator[Problem]:
    """OME refuses a runtime whose auto-selected entries state different priorities. It
    groups them by the deprecated per-entry `name`, which manifold never writes, so all
    auto-selected entries form one group; the first one's priority is the reference."""
    if runtime.disabled:
        return
    first: int | None = None
    seen = False
    for position, entry in enumerate(runtime.supports):
        if not entry.auto_select:
            continue
        if not seen:
            first, seen = entry.priority, True
        elif first is not None and entry.priority is not None and entry.priority != first:
            yield Problem(
                (*at, "supports", position, "priority"),
                f"auto-selected formats of one runtime share one priority: this one has "
                f"{entry.priority}, the first has {first}",
            )
