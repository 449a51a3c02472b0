"""`manifold render --watch` (`manifold.commands.watch`): which changes it sees, what it says,
when it stops, and that a render in a watching process writes what a render from the shell
writes (the same bytes, after any sequence of edits, broken ones included)."""

from __future__ import annotations

import functools
import gc
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from manifold.cli.running import perform
from manifold.commands import recorded
from manifold.commands.watch import InputWatch, RendersLook, describe, watch
from manifold.compile.layout import LISTINGS
from manifold.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PROBLEMS
from manifold.core.memo import Memo
from manifold.core.options import RenderOptions
from manifold.output.idle import between_renders
from manifold.reuse import fastpath, readback
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree


@pytest.fixture(autouse=True)
def _nothing_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A watching process freezes its heap once it has settled; the test process must not."""
    monkeypatch.setattr(gc, "freeze", lambda: None)


# ------------------------------------------------------------------- which changes it sees


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "projects").mkdir()
    (tmp_path / "environments").mkdir()
    (tmp_path / "projects" / "a.yaml").write_text("a: 1\n")
    (tmp_path / "environments" / "dev.yaml").write_text("dev: 1\n")
    return tmp_path


def test_nothing_changed_is_none(inputs: Path) -> None:
    looking = InputWatch.start(inputs)
    assert looking.changes() is None
    assert looking.changes() is None


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda root: (root / "projects/a.yaml").write_text("a: 2\n"), ["projects/a.yaml"]),
        (lambda root: (root / "projects/b.yaml").write_text("b: 1\n"), ["projects/b.yaml"]),
        (lambda root: (root / "projects/a.yaml").unlink(), ["projects/a.yaml"]),
        (lambda root: _write(root / "environments/dev.yaml", "x\n"), ["environments/dev.yaml"]),
        (lambda root: _write(root / "schemas/x.json", "{}"), ["schemas/x.json"]),
        (lambda root: _write(root / "platform/ome.yaml", "{}"), ["platform/ome.yaml"]),
        (lambda root: _write(root / "projects/team/c.yaml", "c: 1\n"), ["projects/team/c.yaml"]),
    ],
    ids=["edited", "added", "removed", "environment", "schemas", "platform", "in a subfolder"],
)
def test_a_change_names_the_file(
    inputs: Path, edit: Callable[[Path], object], expected: list[str]
) -> None:
    looking = InputWatch.start(inputs)
    edit(inputs)
    assert looking.changes() == expected
    assert looking.changes() is None  # said once


def test_files_outside_the_inputs_are_not_watched(inputs: Path) -> None:
    looking = InputWatch.start(inputs)
    _write(inputs / "rendered/dev/x.yaml", "x: 1\n")
    _write(inputs / "README.md", "hello\n")
    assert looking.changes() is None


def test_a_rewrite_with_the_same_size_and_time_is_seen(inputs: Path) -> None:
    """Within the file system's timestamp granularity a second write of the same size leaves
    the stat as it was: a file that recent is read again, as the no-op check does."""
    path = inputs / "projects/a.yaml"
    looking = InputWatch.start(inputs)
    before = path.stat()
    path.write_text("a: 9\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert looking.changes() == ["projects/a.yaml"]


def test_a_change_the_record_cannot_name_is_seen_all_the_same(inputs: Path) -> None:
    """A file that is not regular is not in the record; the digest still changes."""
    looking = InputWatch.start(inputs)
    (inputs / "projects/link.yaml").symlink_to("a.yaml")
    assert looking.changes() == []
    assert describe([]) == "the inputs changed; rendering"


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        (["projects/a.yaml"], "projects/a.yaml changed; rendering"),
        (["a", "b", "c"], "a, b, c changed; rendering"),
        (["a", "b", "c", "d", "e"], "a, b, c and 2 more changed; rendering"),
    ],
)
def test_describe(changed: list[str], said: str) -> None:
    assert describe(changed) == said


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# ------------------------------------------------------------------- the loop


class Script:
    """Stands for time.sleep: each wait runs the next edit; after the last, Ctrl-C."""

    def __init__(self, edits: list[Callable[[], object]]) -> None:
        self.edits = list(edits)
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if not self.edits:
            raise KeyboardInterrupt
        self.edits.pop(0)()


def test_renders_once_per_change_and_stops_on_ctrl_c_while_waiting(inputs: Path) -> None:
    codes = iter([0, EXIT_PROBLEMS, 0])
    said: list[str] = []
    script = Script(
        [
            lambda: None,  # a wait with no change renders nothing
            lambda: (inputs / "projects/a.yaml").write_text("a: broken\n"),
            lambda: (inputs / "projects/a.yaml").write_text("a: fixed\n"),
        ]
    )
    assert watch(lambda: next(codes), inputs, 0.25, said.append, sleep=script) == 0
    assert said == [
        "watching projects/, environments/, platform/, schemas/ (Ctrl-C stops)",
        "projects/a.yaml changed; rendering",
        "watching projects/, environments/, platform/, schemas/ (Ctrl-C stops)",  # after exit 1
        "projects/a.yaml changed; rendering",
        "watching projects/, environments/, platform/, schemas/ (Ctrl-C stops)",
        "stopped watching",
    ]
    assert script.waits and all(seconds >= 0.25 for seconds in script.waits)


@pytest.mark.parametrize("code", [EXIT_INTERNAL, EXIT_INTERRUPTED])
def test_a_bug_or_ctrl_c_during_a_render_stops_with_its_code(inputs: Path, code: int) -> None:
    codes = iter([0, code])
    script = Script([lambda: (inputs / "projects/a.yaml").write_text("a: 2\n")])
    assert watch(lambda: next(codes), inputs, 0.1, lambda _: None, sleep=script) == code
    assert script.edits == []


def test_ctrl_c_while_a_message_is_written_stops_the_same_way(inputs: Path) -> None:
    said: list[str] = []

    def say(message: str) -> None:
        said.append(message)
        if message.startswith("watching"):
            raise KeyboardInterrupt  # the signal arrives while the line is being written

    assert watch(lambda: 0, inputs, 0.1, say, sleep=Script([])) == 0
    assert said[-1] == "stopped watching"


class Restarted(Exception):
    pass


def test_a_change_of_manifolds_own_code_starts_the_watch_again(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering with the code this process started with would record its output as the
    new code's; the watch is started again instead, before rendering."""
    renders: list[int] = []
    prints = iter(["v1", "v1", "v2"])  # at the start, at the first change, at the second
    monkeypatch.setattr("manifold.commands.watch.code_fingerprint", lambda: next(prints))

    def restart() -> NoReturn:
        raise Restarted

    def render() -> int:
        renders.append(0)
        return 0

    said: list[str] = []
    project = inputs / "projects/a.yaml"
    edits = Script([lambda: project.write_text("a: 2\n"), lambda: project.write_text("a: 3\n")])
    with pytest.raises(Restarted):
        watch(render, inputs, 0.1, said.append, sleep=edits, restart=restart)
    assert len(renders) == 2  # the first, and the first change; not the second
    assert said[-1] == "manifold itself changed since watching started; starting again"


def test_a_slow_look_waits_longer_than_the_interval(inputs: Path) -> None:
    ticks = iter(float(n) for n in range(1000))  # each reading of the clock: one second on
    script = Script([lambda: None])
    watch(lambda: 0, inputs, 0.5, lambda _: None, sleep=script, clock=lambda: next(ticks))
    assert script.waits[0] == 5.0  # a look of one second is followed by five of waiting


@pytest.mark.parametrize(
    ("told", "rest_lands", "renders"),
    [
        # told what the render read: the rest of the write it read is no change
        (True, "before the render looks", 2),
        # a change made after the render's look is one all the same
        (True, "after the render looks", 3),
        # not told: the watch's own look, the empty file, is compared with
        (False, "before the render looks", 3),
    ],
)
def test_changes_are_told_against_what_the_render_read(
    inputs: Path, told: bool, rest_lands: str, renders: int
) -> None:
    """An editor truncates, then writes: the watch's look may see the empty file between the
    two, and the render a moment later the whole one (`commands.watch.RendersLook`)."""
    project = inputs / "projects/a.yaml"
    look = RendersLook()
    rendered: list[int] = []

    def render() -> int:
        if rendered and rest_lands == "before the render looks":
            project.write_text("a: 2\n")
        look.put(fastpath.inputs_digest(inputs, "render"))
        if rendered and rest_lands == "after the render looks":
            project.write_text("a: 2\n")
        rendered.append(0)
        return 0

    truncated = Script([lambda: project.write_text(""), lambda: None, lambda: None])
    watch(
        render, inputs, 0.01, lambda _: None, sleep=truncated, renders_look=look if told else None
    )
    assert len(rendered) == renders


# ------------------------------------------------------------------- same bytes as the shell


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "watched"
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, root / folder)
    return root


def test_a_watching_process_writes_what_a_render_from_the_shell_writes(
    example: Path, tmp_path: Path
) -> None:
    project = example / "projects/faq-answers.yaml"
    original = project.read_text()
    edits: list[Callable[[], object]] = [
        lambda: project.write_text(original.replace("epochs: 1", "epochs: 3")),
        lambda: project.write_text(original.replace("spec:", "spec: [")),  # broken: nothing written
        lambda: project.write_text(original.replace("memory: 8Gi", "memory: 12Gi")),
        lambda: shutil.copy(project, example / "projects/faq-copy.yaml"),  # a duplicate: refused
        lambda: (example / "projects/faq-copy.yaml").unlink(),
        lambda: (example / "projects/chat-assistant.yaml").unlink(),
    ]
    codes: list[int] = []

    look = RendersLook()  # as the CLI passes it: a look unlike the watch's would render again
    memo = Memo(waits=True)  # and one memo for all the renders

    def render() -> int:
        options = RenderOptions(example)
        codes.append(
            perform(lambda: recorded.render(options, _quiet, None, look.put, memo), "text")
        )
        return codes[-1]

    assert watch(render, example, 0.01, _quiet, sleep=Script(edits), renders_look=look) == 0
    assert codes == [0, 0, EXIT_PROBLEMS, 0, EXIT_PROBLEMS, 0, 0]
    _same_as_from_the_shell(example, tmp_path / "shell")


def test_with_its_idle_work_and_hands_on_its_files_a_watching_process_writes_the_same(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a watching process keeps between renders (`output.idle.between_renders`: the
    shadow levelled, the caches decoded ahead, the record read) never changes the answer,
    whatever is done to rendered/ and .manifold/ between two renders: a rendered file edited
    or removed, rendered/ put back as an earlier commit had it, a cache file rewritten with
    another valid seal, cut short or removed."""
    project = example / "projects/faq-answers.yaml"
    original = project.read_text()
    rendered, cache = example / "rendered", example / ".manifold/cache"
    earlier: dict[str, bytes] = {}

    def edit(value: str, *also: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            for step in also:
                step()
            project.write_text(original.replace("epochs: 1", f"epochs: {value}"))

        return run

    def first_rendered() -> Path:
        return sorted(rendered.rglob("*.yaml"))[0]

    def swap_caches() -> None:  # each environment's cache holds another environment's entries
        files = sorted(cache.glob("env-*.json"))
        texts = [path.read_bytes() for path in files]
        for path, text in zip(files, texts[1:] + texts[:1], strict=True):
            path.write_bytes(text)

    edits: list[Callable[[], object]] = [
        edit("2", lambda: earlier.update(_tree(rendered))),
        edit("3", lambda: first_rendered().write_text(first_rendered().read_text() + "# x\n")),
        edit("4", lambda: first_rendered().unlink()),
        edit("5", lambda: _put_back(rendered, earlier)),
        edit("6", swap_caches),
        edit("7", lambda: (cache / "names.json").write_bytes(b'{"seal":"')),
        edit("8", lambda: shutil.rmtree(cache)),
        edit("9"),
    ]
    codes: list[int] = []
    memo = Memo(waits=True)  # the watching process's, as the CLI makes it

    def render() -> int:
        options = RenderOptions(example)
        codes.append(perform(lambda: recorded.render(options, _quiet, None, None, memo), "text"))
        return codes[-1]

    recalled: list[readback.KnownFile | None] = []
    recall = readback.recall

    def spied(kept: Memo, path: str, digest: str) -> readback.KnownFile | None:
        recalled.append(recall(kept, path, digest))
        return recalled[-1]

    monkeypatch.setattr(readback, "recall", spied)
    idle = functools.partial(between_renders, example, memo)
    assert watch(render, example, 0.01, _quiet, sleep=Script(edits), between=idle) == 0
    assert codes == [0] * (len(edits) + 1)
    assert any(recalled)  # the renders did use what was decoded ahead
    _same_as_from_the_shell(example, tmp_path / "shell")


def _same_as_from_the_shell(example: Path, shell: Path) -> None:
    """rendered/ is what a render from the shell of the same inputs, from nothing, writes."""
    for folder in ("projects", "environments", "platform", "schemas"):
        if (example / folder).exists():
            copy_tree(example / folder, shell / folder)
    assert perform(lambda: recorded.render(RenderOptions(shell), _quiet, None), "text") == 0
    assert _tree(example / "rendered") == _tree(shell / "rendered")


def _put_back(rendered: Path, files: dict[str, bytes]) -> None:
    """rendered/ as `files` (as `git checkout` of an earlier commit leaves it)."""
    shutil.rmtree(rendered)
    for relative, data in files.items():
        _write(rendered / relative, data.decode())


def _quiet(_: str) -> None:
    pass


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# ------------------------------------------------------------------- from the shell


def test_the_command_renders_each_change_until_ctrl_c(example: Path) -> None:
    """`manifold render --watch` as a user runs it: a change is rendered without being asked,
    Ctrl-C while waiting ends it with exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "manifold", "render", "--watch", "--interval", "0.05"],
        cwd=example,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "1"},
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        said = iter(process.stderr.readline, "")
        assert next(said).startswith("manifold: watching projects/")
        project = example / "projects/faq-answers.yaml"
        project.write_text(project.read_text().replace("epochs: 1", "epochs: 2"))
        assert next(said) == "manifold: projects/faq-answers.yaml changed; rendering\n"
        assert next(said).startswith("manifold: watching")
        process.send_signal(signal.SIGINT)
        assert next(said) == "manifold: stopped watching\n"
        assert process.wait(timeout=30) == 0
        out = process.stdout.read().splitlines()
        assert out[0].startswith("rendered/ is up to date")
        assert out[1].startswith("rendered ") and out[1].endswith("1 changed, 0 removed")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_watching_process_warmed_by_a_render_with_nothing_to_do_writes_the_same(
    example: Path, tmp_path: Path
) -> None:
    """A first render answered from the record leaves a build in memory for the wait
    (`pipeline.commands.warm`); what it keeps (listings by their folder's files, Namespace
    keys, parsed environment files, the schema store, cache entries carried over) never
    changes the answer: edits that rename a project's objects (its folder lists other
    files), change its namespace's users, and edit an environment file each give what a
    render from the shell gives."""
    perform(lambda: recorded.render(RenderOptions(example), _quiet, None), "text")
    project = example / "projects/faq-answers.yaml"
    environment = example / "environments/dev.yaml"
    original = project.read_text()
    edits: list[Callable[[], object]] = [
        lambda: project.write_text(original.replace("name: answers", "name: replies")),
        lambda: project.write_text(original.replace("team: support", "team: helpdesk")),
        lambda: environment.write_text(
            environment.read_text().replace("environment-tier: development", "tier: dev")
        ),
        lambda: project.write_text(original),
    ]
    codes: list[int] = []
    memo = Memo(waits=True)

    def render() -> int:
        options = RenderOptions(example)
        codes.append(perform(lambda: recorded.render(options, _quiet, None, None, memo), "text"))
        return codes[-1]

    idle = functools.partial(between_renders, example, memo)
    assert watch(render, example, 0.01, _quiet, sleep=Script(edits), between=idle) == 0
    assert codes == [0] * (len(edits) + 1)
    assert memo.get(LISTINGS, "dev")  # it kept what it built
    _same_as_from_the_shell(example, tmp_path / "shell")
