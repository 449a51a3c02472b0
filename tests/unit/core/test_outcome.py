"""What a command that succeeded hands back: a summary, warnings, optional output and details,
exit code 0 unless it says otherwise (`diff --exit-code`)."""

from __future__ import annotations

from manifold.core.errors import EXIT_DIFFERENCES, EXIT_OK
from manifold.core.outcome import Outcome


def test_an_outcome_defaults_to_success_without_output() -> None:
    outcome = Outcome("rendered/ is up to date")
    assert (outcome.exit_code, outcome.output, outcome.diagnostics, outcome.details) == (
        EXIT_OK,
        None,
        [],
        {},
    )


def test_outcomes_do_not_share_their_lists() -> None:
    first, second = Outcome("a"), Outcome("b")
    first.diagnostics.append(None)  # type: ignore[arg-type]
    assert second.diagnostics == []


def test_a_diff_that_found_differences_keeps_its_output_and_code() -> None:
    outcome = Outcome("2 objects differ", output="--- a\n+++ b\n", exit_code=EXIT_DIFFERENCES)
    assert outcome.output == "--- a\n+++ b\n" and outcome.exit_code == 1
