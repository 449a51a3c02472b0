"""`manifold runai apply` and `status` as click commands: what each hands to the reconciler
or to `status` for the options given, and which values are refused before anything runs.
The CLI's `run` is replaced by one that records the action and ends like it does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner

from manifold.core.options import OutputFormat
from manifold.core.outcome import Outcome
from manifold.targets.runai import commands, reconcile, status
from manifold.targets.runai.command_options import RunaiApplyOptions, RunaiStatusOptions


class Recorded:
    """The actions `run` was given, and what they asked of the Run:ai modules."""

    def __init__(self) -> None:
        self.formats: list[OutputFormat] = []
        self.calls: list[tuple[Any, ...]] = []

    def run(self, action: Callable[[], Outcome], fmt: OutputFormat) -> NoReturn:
        self.formats.append(fmt)
        action()
        raise SystemExit(0)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    record = Recorded()

    def apply(options: RunaiApplyOptions, show: Callable[[str], None] | None) -> Outcome:
        record.calls.append((options, show))
        return Outcome("")

    def report(options: RunaiStatusOptions) -> Outcome:
        record.calls.append((options,))
        return Outcome("")

    monkeypatch.setattr(reconcile, "apply", apply)
    monkeypatch.setattr(status, "status", report)
    return record


def _invoke(recorded: Recorded, *args: str) -> Any:
    return CliRunner().invoke(commands.group(recorded.run), list(args))


def test_apply_hands_every_option_to_the_reconciler(recorded: Recorded, tmp_path: Path) -> None:
    result = _invoke(
        recorded,
        *("apply", "-C", str(tmp_path), "-e", "prod", "--dry-run", "--state", "s.json"),
        *("--timeout", "2.5", "--wait", "0", "--format", "json"),
    )
    assert result.exit_code == 0, result.output
    assert recorded.calls == [
        (RunaiApplyOptions(tmp_path, "prod", True, Path("s.json"), 2.5, 0.0), None)
    ]
    assert recorded.formats == ["json"]


def test_apply_in_text_shows_the_plan_as_it_goes(recorded: Recorded, tmp_path: Path) -> None:
    result = _invoke(recorded, "apply", "-C", str(tmp_path), "--env", "dev")
    assert result.exit_code == 0, result.output
    [(options, show)] = recorded.calls
    assert options == RunaiApplyOptions(tmp_path, "dev")
    show("the plan")
    assert result.output == "" and callable(show)


def test_status_hands_its_options_to_status(recorded: Recorded, tmp_path: Path) -> None:
    result = _invoke(recorded, "status", "-C", str(tmp_path), "-e", "dev", "--timeout", "4")
    assert result.exit_code == 0, result.output
    assert recorded.calls == [(RunaiStatusOptions(tmp_path, "dev", None, 4.0),)]
    assert recorded.formats == ["text"]


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (("apply", "--timeout", "0"), "'0' is not a number of seconds above 0"),
        (("apply", "--timeout", "nan"), "'nan' is not a number of seconds above 0"),
        (("apply", "--wait", "-1"), "'-1' is not a number of seconds 0 or more"),
        (("status", "--timeout", "inf"), "'inf' is not a number of seconds above 0"),
        (("apply", "--format", "yaml"), "'yaml' is not one of 'text', 'json'"),
    ],
)
def test_bad_values_are_refused_before_anything_runs(
    recorded: Recorded, tmp_path: Path, args: tuple[str, ...], refusal: str
) -> None:
    result = _invoke(recorded, *args, "-C", str(tmp_path), "-e", "dev")
    assert result.exit_code == 2
    assert refusal in result.output
    assert recorded.calls == [] and recorded.formats == []


@pytest.mark.parametrize("command", ["apply", "status"])
def test_the_environment_is_required(recorded: Recorded, tmp_path: Path, command: str) -> None:
    result = _invoke(recorded, command, "-C", str(tmp_path))
    assert result.exit_code == 2
    assert "Missing option '-e' / '--env'" in result.output
    assert recorded.calls == []


@pytest.mark.parametrize("command", ["apply", "status"])
def test_a_root_that_is_not_a_folder_is_refused(
    recorded: Recorded, tmp_path: Path, command: str
) -> None:
    result = _invoke(recorded, command, "-C", str(tmp_path / "missing"), "-e", "dev")
    assert result.exit_code == 2
    assert "is not a folder" in result.output
    assert recorded.calls == []


def test_each_call_builds_a_group_of_its_own() -> None:
    """Two CLIs built with different `run`s must not share (and overwrite) commands."""

    def stop(_work: Callable[[], Outcome], _fmt: OutputFormat) -> NoReturn:
        raise SystemExit(0)

    def halt(_work: Callable[[], Outcome], _fmt: OutputFormat) -> NoReturn:
        raise SystemExit(1)

    first, second = commands.group(stop), commands.group(halt)
    assert first is not second
    assert first.commands["apply"] is not second.commands["apply"]
    assert sorted(first.commands) == sorted(second.commands) == ["apply", "status"]
