"""ahead: project files parsed by a child process are exactly what reading them here gives,
whoever parsed which file, and whether or not the child lived to send them."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from bench import synthetic
from manifold.commands import recorded as commands_recorded
from manifold.core.diagnostics import Diagnostics
from manifold.core.errors import ProblemsFound
from manifold.core.jobs import JOBS_VARIABLE
from manifold.core.options import CheckOptions, RenderOptions
from manifold.core.secrets import secret_values
from manifold.inputs import ahead
from manifold.inputs.filebytes import MAX_FILE_BYTES, read_bytes
from manifold.inputs.sources import PROJECTS_DIR, Document, discover, parse_document
from manifold.pipeline import commands as pipeline
from manifold.pipeline.repository import load_inputs
from tests.conftest import run_cli, tree_bytes

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="files are parsed ahead where fork() is safe"
)

BROKEN = {
    "projects/zz-not-yaml.yaml": b"spec: [unclosed\n",
    "projects/zz-two-documents.yaml": b"a: 1\n---\nb: 2\n",
    "projects/zz-too-large.yaml": b"a: '" + b"x" * MAX_FILE_BYTES + b"'\n",
    "projects/zz-not-utf8.yaml": b"a: \xff\n",
    "projects/zz-empty.yaml": b"",
}


@pytest.fixture
def many_projects(example_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example with each of its projects copied under 30 names, and files that do not
    read: enough that both processes parse some."""
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    monkeypatch.setattr(ahead, "AHEAD_FROM", 1)
    projects = example_repo / PROJECTS_DIR
    for source in sorted(projects.glob("*.yaml")):
        text = source.read_text()
        name = source.stem
        for copy in range(30):
            renamed = text.replace(f"name: {name}\n", f"name: {name}-{copy}\n", 1)
            (projects / f"{name}-{copy}.yaml").write_text(renamed)
    for relative, raw in BROKEN.items():
        (example_repo / relative).write_bytes(raw)
    (projects / "zz-link.yaml").symlink_to("/etc/hostname")
    (projects / "zz-leaky.yaml").write_text(LEAKY)
    return example_repo


LEAKY = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata: {name: zz-leaky}
spec:
  token: hf_abcdefghijklmnopqrstuvwxyz0123456789
"""
"""A file that parses, holding a credential: decoding must report it, whoever parsed it."""


Parsed = tuple[bytes, str, str, object] | None
"""A file's bytes and its document's path, text and data (documents compare by identity)."""


def _fields(parsed: tuple[bytes, Document] | None) -> Parsed:
    if parsed is None:
        return None
    raw, document = parsed
    return raw, document.path, document.text, document.data


def _serially(root: Path, relative: str) -> Parsed:
    raw = read_bytes(root, relative)
    if not isinstance(raw, bytes):
        return None
    document = parse_document(relative, raw)
    return _fields((raw, document)) if isinstance(document, Document) else None


def test_every_file_is_what_reading_it_here_gives(many_projects: Path) -> None:
    files = discover(many_projects, PROJECTS_DIR)
    with ahead.read_ahead(many_projects) as documents:
        assert documents is not None
        taken = {relative: _fields(documents.take(relative)) for relative in files}
        assert documents.marks[0] >= documents.marks[1]  # the two met
    assert taken == {relative: _serially(many_projects, relative) for relative in files}
    # Every broken file and the link are left to the caller but the empty one, which parses
    # (to no data: decoding says what is missing).
    assert sum(value is None for value in taken.values()) == len(BROKEN)
    assert taken["projects/zz-empty.yaml"] is not None
    assert taken[files[0]] is not None


def test_a_file_parsed_ahead_is_said_to_hold_no_credential_only_when_it_holds_none(
    many_projects: Path,
) -> None:
    files = discover(many_projects, PROJECTS_DIR)
    with ahead.read_ahead(many_projects) as documents:
        assert documents is not None
        taken = {relative: documents.take(relative) for relative in files}
        child_parsed = range(documents.marks[0])  # the files the child took, from the front
    said = {
        relative: parsed[1].credential_free
        for relative, parsed in taken.items()
        if parsed is not None
    }
    for relative, credential_free in said.items():
        data = parse_document(relative, (many_projects / relative).read_bytes())
        assert isinstance(data, Document)
        if credential_free:  # said only by the child (one file parsed by both is this one's)
            assert files.index(relative) in child_parsed and not _leaks(data.data)
    assert said["projects/zz-leaky.yaml"] is False
    assert any(said.values())


def _leaks(data: object) -> bool:
    return next(secret_values(data), None) is not None


def test_a_child_that_dies_leaves_its_files_to_this_process(many_projects: Path) -> None:
    files = discover(many_projects, PROJECTS_DIR)
    with ahead.read_ahead(many_projects) as documents:
        assert documents is not None
        os.kill(documents.child.pid, signal.SIGKILL)
        taken = {relative: _fields(documents.take(relative)) for relative in files}
    for relative, value in taken.items():  # each file: parsed here, or left to the caller
        assert value is None or value == _serially(many_projects, relative)
    inputs_ahead = Diagnostics()
    with ahead.read_ahead(many_projects) as documents:
        assert documents is not None
        os.kill(documents.child.pid, signal.SIGKILL)
        loaded = load_inputs(many_projects, inputs_ahead, ahead=documents)
    alone = Diagnostics()
    serial = load_inputs(many_projects, alone).projects
    assert loaded.projects.keys() == serial.keys()
    for name, project_file in loaded.projects.items():
        assert project_file.project == serial[name].project
        assert project_file.document.data == serial[name].document.data
    assert list(inputs_ahead) == list(alone)


@pytest.mark.parametrize(
    ("recorded", "jobs", "least"), [(True, "2", 1), (False, "1", 1), (False, "2", 1_000)]
)
def test_nothing_is_forked_when_it_would_not_pay(
    many_projects: Path, monkeypatch: pytest.MonkeyPatch, recorded: bool, jobs: str, least: int
) -> None:
    """Something recorded (the cache knows most projects), one process asked for, or fewer
    project files than AHEAD_FROM."""
    monkeypatch.setenv(JOBS_VARIABLE, jobs)
    monkeypatch.setattr(ahead, "AHEAD_FROM", least)
    if recorded:
        (many_projects / ".manifold").mkdir(exist_ok=True)
    with commands_recorded._read_ahead(RenderOptions(many_projects)) as documents:
        assert documents is None


def test_a_child_never_asked_for_its_files_is_stopped(many_projects: Path) -> None:
    with ahead.read_ahead(many_projects) as documents:
        assert documents is not None
        child = documents.child.pid
    assert documents.child.pid == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped


def test_renders_and_checks_with_and_without_it_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's repository generator: 60 projects on the three platforms that render
    without a problem."""
    monkeypatch.setattr(ahead, "AHEAD_FROM", 1)
    forked = tmp_path / "forked"
    synthetic.write_repository(forked, 60, 3)
    assert run_cli("schemas", "generate", "-C", str(forked)).exit_code == 0
    alone = tmp_path / "alone"
    shutil.copytree(forked, alone)
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    assert run_cli("render", "-C", str(alone)).exit_code == 0
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    started = []
    original = ahead._start

    def counted(root: Path, files: list[str]) -> ahead.Documents:
        started.append(len(files))
        return original(root, files)

    monkeypatch.setattr(ahead, "_start", counted)
    assert run_cli("render", "-C", str(forked)).exit_code == 0
    assert tree_bytes(forked / "rendered") == tree_bytes(alone / "rendered")
    shutil.rmtree(forked / ".manifold")
    assert run_cli("check", "-C", str(forked)).exit_code == 0
    assert started == [60, 60]


def test_problems_found_ahead_are_reported_as_without_it(
    many_projects: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = CheckOptions(root=many_projects)
    with ahead.read_ahead(many_projects) as documents:
        assert documents is not None
        with pytest.raises(ProblemsFound) as forked:
            pipeline.check(options, None, None, documents)
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    with pytest.raises(ProblemsFound) as alone:
        pipeline.check(options, None)
    assert len(forked.value.diagnostics) > len(BROKEN)
    assert forked.value.diagnostics == alone.value.diagnostics
    leaked = [d for d in alone.value.diagnostics if d.file == "projects/zz-leaky.yaml"]
    assert any("Hugging Face token" in d.message for d in leaked)
