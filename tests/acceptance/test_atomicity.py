"""rendered/ is always a whole tree, the old one or the new one, whenever manifold is killed;
and renders of one repository are serialized by its lock.

The kill test forks `manifold render` from this (already imported) process, so that a run
costs the render and not an interpreter start, and SIGKILLs it at random moments: half of
the runs at a uniformly random time over a render's duration, half shortly after the render
starts writing (its staging folder appears), the moment that matters most. Between runs the
inputs alternate between two states whose trees differ in every environment (changed files,
removed files), so that any mix of the two would show.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from manifold.cli.main import main
from manifold.output import exchange as swapping
from manifold.output import writer
from manifold.pipeline.commands import build
from manifold.reuse import treestate
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, tree_bytes

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or not sys.platform.startswith("linux"),
    reason="the kill test forks renders and checks Linux's atomic exchange",
)

RUNS = 50
SEED = int(os.environ.get("MANIFOLD_KILL_SEED", "20261123"))


def _render_child(repo: Path, exchange: bool) -> None:
    """The body of a forked render: never returns to pytest."""
    code = 70
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        if not exchange:
            swapping.exchange = lambda a, b: False
        main(["render", "-C", str(repo), "--lock-timeout", "30"], standalone_mode=False)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os._exit(code)


def _fork_render(repo: Path, exchange: bool) -> int:
    pid = os.fork()
    if pid == 0:
        _render_child(repo, exchange)
    return pid


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return status


def _staging(repo: Path) -> bool:
    """Whether a render is writing: the writer marks the shadow tree unclean before it
    touches the shadow, and clean again once the trees are exchanged and recorded."""
    return (repo / writer.WORK_DIR / treestate.SHADOW_UNCLEAN).exists()


class Inputs:
    """Two states of a repository whose rendered trees differ everywhere."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        for folder in EXAMPLE_FOLDERS:
            if folder != "rendered":
                copy_tree(REPO_ROOT / folder, repo / folder)
        self.search = (repo / "projects/semantic-search.yaml").read_text()
        self.environments = {
            path: path.read_text() for path in (repo / "environments").glob("*.yaml")
        }

    def use(self, state: str) -> None:
        search = self.repo / "projects/semantic-search.yaml"
        if state == "a":
            search.write_text(self.search)
        else:
            search.unlink(missing_ok=True)
        for path, text in self.environments.items():
            path.write_text(
                text if state == "a" else text.replace("environment-tier: ", "tier: b-")
            )


def _render_fully(inputs: Inputs, state: str, exchange: bool) -> tuple[dict[str, bytes], float]:
    inputs.use(state)
    started = time.monotonic()
    assert os.waitstatus_to_exitcode(_wait(_fork_render(inputs.repo, exchange))) == 0
    return tree_bytes(inputs.repo / "rendered"), time.monotonic() - started


def _kill_at_random(
    pid: int, repo: Path, rng: random.Random, duration: float, on_staging: bool
) -> bool:
    """SIGKILL the render at a random moment and reap it; whether it was writing when killed."""
    if on_staging:
        deadline = time.monotonic() + 10 * duration
        while not _staging(repo) and time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                return False  # finished (and reaped) before it was seen writing
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, 0.005))
    else:
        time.sleep(rng.uniform(0, duration))
    writing = _staging(repo)
    os.kill(pid, signal.SIGKILL)
    _wait(pid)
    return writing


def _kill_runs(
    tmp_path: Path, exchange: bool, check: Callable[[Path, list[dict[str, bytes]]], None]
) -> int:
    rng = random.Random(SEED)
    inputs = Inputs(tmp_path / "repo")
    inputs.use("a")
    build(inputs.repo)  # compiles and caches schemas here, once, for every forked render
    tree_a, _ = _render_fully(inputs, "a", exchange)
    tree_b, duration = _render_fully(inputs, "b", exchange)
    assert tree_a != tree_b and set(tree_a) != set(tree_b)
    present = "b"
    killed_while_writing = 0
    for run in range(RUNS):
        target = "a" if present == "b" else "b"
        inputs.use(target)
        pid = _fork_render(inputs.repo, exchange)
        killed_while_writing += _kill_at_random(pid, inputs.repo, rng, duration, run % 2 == 0)
        check(inputs.repo, [tree_a, tree_b])
        present = "a" if tree_bytes(inputs.repo / "rendered") == tree_a else "b"
    # The next render cleans up after the killed ones and leaves a checkable repository.
    _render_fully(inputs, "a", exchange)
    assert not _leftovers(inputs.repo)
    assert tree_bytes(inputs.repo / "rendered") == tree_a
    return killed_while_writing


def test_sigkill_at_random_moments_leaves_the_old_tree_or_the_new_one(tmp_path: Path) -> None:
    def whole(repo: Path, trees: list[dict[str, bytes]]) -> None:
        assert tree_bytes(repo / "rendered") in trees, f"a mixed tree (seed {SEED})"

    killed_while_writing = _kill_runs(tmp_path, True, whole)
    assert killed_while_writing >= RUNS // 5, "too few kills landed while writing"


def test_without_atomic_exchange_a_killed_render_is_put_back_by_the_next(tmp_path: Path) -> None:
    # Two renames instead of one exchange: in between, rendered/ is missing and the old tree
    # waits in .manifold/; what any run sees after recovery is still a whole tree.
    def whole_after_recovery(repo: Path, trees: list[dict[str, bytes]]) -> None:
        if not (repo / "rendered").exists():
            parked = list((repo / writer.WORK_DIR).glob("previous-*"))
            assert [tree_bytes(p) in trees for p in parked] == [True]
        writer.recover(repo)
        assert tree_bytes(repo / "rendered") in trees, f"a mixed tree (seed {SEED})"

    killed_while_writing = _kill_runs(tmp_path, False, whole_after_recovery)
    assert killed_while_writing >= RUNS // 5, "too few kills landed while writing"


def _manifold(repo: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "manifold", *args, "-C", str(repo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _hold_lock(repo: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, pathlib, sys\n"
            "p = pathlib.Path(sys.argv[1]); p.parent.mkdir(exist_ok=True)\n"
            "h = p.open('a+'); fcntl.flock(h, fcntl.LOCK_EX); h.write('pid holder'); h.flush()\n"
            "print('locked', flush=True); sys.stdin.readline()\n",
            str(repo / writer.WORK_DIR / "lock"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_render_waits_for_the_lock_says_so_and_then_renders(tmp_path: Path) -> None:
    inputs = Inputs(tmp_path / "repo")
    inputs.use("a")
    holder = _hold_lock(inputs.repo)
    try:
        render = _manifold(inputs.repo, "render", "--lock-timeout", "60")
        assert render.stderr is not None
        told = render.stderr.readline()
        assert not (inputs.repo / "rendered").exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    output, errors = render.communicate(timeout=120)
    assert told.startswith("manifold: waiting for another manifold run to finish writing")
    assert "(pid holder)" in told
    assert render.returncode == 0, errors
    assert re.match(r"rendered 3 environments, \d+ objects in \d+ files: ", output), output


def test_renders_started_together_all_succeed_one_after_the_other(tmp_path: Path) -> None:
    inputs = Inputs(tmp_path / "repo")
    inputs.use("a")
    renders = [_manifold(inputs.repo, "render") for _ in range(3)]
    results = [render.communicate(timeout=120) for render in renders]
    assert [render.returncode for render in renders] == [0, 0, 0], results
    assert sum("up to date" in output for output, _ in results) >= 1
    assert _manifold(inputs.repo, "check").wait(timeout=120) == 0
    assert not _leftovers(inputs.repo)


def _leftovers(repo: Path) -> list[str]:
    """What killed runs leave in .manifold/: parked trees and staging folders (the shadow
    tree, the record and the lock belong there)."""
    work = repo / writer.WORK_DIR
    return sorted(p.name for p in work.iterdir() if p.name.startswith(("previous-", "staging-")))
