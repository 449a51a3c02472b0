"""A plain render or check answered before click is imported (`manifold.cli.at_once`): only
for the plainest command lines, only when nothing changed, and then with the CLI's own
bytes and exit code; anything else is the CLI's."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from manifold.cli import at_once
from manifold.commands import recorded
from tests.conftest import run_cli

_LAUNCHED = """
import sys
sys.argv = ["manifold", *sys.argv[1:]]
from manifold.cli import at_once
answered = at_once.answer
def answer(arguments):
    code = answered(arguments)
    print("answered at once:", code is not None, "click" in sys.modules, file=sys.stderr)
    return code
at_once.answer = answer
from manifold.cli.launch import entry
entry()
"""
_CLI = """
import sys
sys.argv = ["manifold", *sys.argv[1:]]
from manifold.cli.main import entry
entry()
"""


def _run(program: str, cwd: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", program, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def warned_repo(example_repo: Path) -> Path:
    """The example, rendered and checked, with a warning that every answer tells again."""
    dev = example_repo / "environments/dev.yaml"
    dev.write_text(
        dev.read_text() + "  patches:\n  - target: {kind: Nothing}\n    mergePatch: {a: 1}\n"
    )
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    time.sleep(0.06)  # past the racy window: the next render writes nothing, and is recorded
    assert run_cli("render", "-C", str(example_repo)).exit_code == 0
    assert run_cli("check", "-C", str(example_repo)).exit_code == 0
    return example_repo


@pytest.mark.parametrize(
    ("arguments", "plain"),
    [
        (["render"], ("render", ".")),
        (["check"], ("check", ".")),
        (["render", "-C", "repo"], ("render", "repo")),
        (["check", "--root", "repo"], ("check", "repo")),
        (["render", "--root=repo"], ("render", "repo")),
        (["render", "-Crepo"], None),  # the CLI's, as any other form
        (["render", "-e", "dev"], None),
        (["render", "--watch"], None),
        (["check", "--format", "json"], None),
        (["render", "-C", "repo", "-e", "dev"], None),
        (["diff"], None),
        (["--help"], None),
        ([], None),
    ],
)
def test_only_the_plainest_command_lines_are_answered_at_once(
    arguments: list[str], plain: tuple[str, str] | None
) -> None:
    assert at_once._plain(arguments) == plain


@pytest.mark.parametrize(
    "arguments",
    [["render"], ["check"], ["render", "-C", "."], ["check", "--root=."]],
)
def test_the_answer_at_once_is_the_clis_to_the_byte(
    warned_repo: Path, arguments: list[str]
) -> None:
    launched = _run(_LAUNCHED, warned_repo, *arguments)
    cli = _run(_CLI, warned_repo, *arguments)
    assert "answered at once: True False" in launched.stderr  # and click never imported
    told = launched.stderr.replace("answered at once: True False\n", "")
    assert (launched.returncode, launched.stdout, told) == (cli.returncode, cli.stdout, cli.stderr)
    assert "selects no rendered object" in told and launched.stdout.endswith(" (1 warning)\n")


def test_a_run_with_something_to_do_goes_to_the_cli(
    warned_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = next((warned_repo / "projects").glob("*.yaml"))
    project.write_text(project.read_text() + "\n# changed\n")
    assert at_once.answer(["render", "-C", str(warned_repo)]) is None
    assert capsys.readouterr() == ("", "")


def test_a_repository_without_a_stamp_is_not_asked(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorded, "at_once", lambda *_: pytest.fail("asked the record"))
    assert at_once.answer(["render", "-C", str(example_repo)]) is None
    assert at_once.answer(["render", "-C", str(example_repo / "absent")]) is None


def test_an_error_on_the_way_is_left_to_the_cli(
    warned_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unreadable(*_: object) -> None:
        raise PermissionError(13, "Permission denied", ".manifold/outcomes.json")

    monkeypatch.setattr(recorded, "at_once", unreadable)
    assert at_once.answer(["check", "-C", str(warned_repo)]) is None
    assert capsys.readouterr() == ("", "")
