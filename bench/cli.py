"""`bench/run.py`'s options and its main: measure (bench/harness.py) and report
(bench/summary.py), or print the table of a saved run."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from bench import gate, summary, synthetic
from bench.harness import Bench
from bench.host import manifold_command, work_folder
from bench.measure import CommandFailed

DEFAULT_CACHE = Path(__file__).resolve().parent / ".cache"
SKIPPABLE = ("kustomize", "kapitan", "floor", "small", "per-project", "validate-peer", "watch")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Benchmark manifold against kustomize, Kapitan and the floor on a synthetic "
        "repository of N projects.",
    )
    parser.add_argument("--projects", type=int, default=1000, help="N projects (default 1000)")
    parser.add_argument("--envs", type=int, default=3, help="environments (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument(
        "--small",
        type=int,
        default=None,
        help="projects in the second, small repository for time per object (default 100, "
        "and 1000 from N=10,000 on; 0: none)",
    )
    parser.add_argument(
        "--peers-up-to",
        type=int,
        default=gate.PEERS_UP_TO,
        metavar="N",
        help=f"leave kustomize, Kapitan and check-jsonschema out above N projects, saying so "
        f"(default {gate.PEERS_UP_TO}: at N=10,000 they would take longer than all else)",
    )
    parser.add_argument(
        "--seed",
        default=synthetic.SEED,
        help=f"seed of the synthetic repository (default {synthetic.SEED})",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_CACHE / "results.json",
        help="where to write the results (default bench/.cache/results.json)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        choices=SKIPPABLE,
        default=[],
        help="leave out a peer, the floor, the small repository, a layout or the watch rows "
        "(repeatable)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="where Kapitan's virtual environment is kept (default bench/.cache)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="generate into this empty folder and keep it (default: a temporary one)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="measure nothing: print the table of results written earlier",
    )
    options = parser.parse_args(argv)
    if options.small is None:
        options.small = 1000 if options.projects >= 10_000 else 100
    if options.projects < 1 or options.envs < 1 or options.repeats < 1:
        parser.error("--projects, --envs and --repeats must be at least 1")
    return options


def interruptible_children() -> None:
    """Let the commands it runs be stopped with SIGINT, as Ctrl-C stops them in a terminal
    (the watch rows stop their watcher so). A shell that starts the benchmark in the
    background (`&`) ignores SIGINT for it, and an ignored signal stays ignored across exec:
    the watcher would never stop and the round would wait for it forever. A handler does not
    cross exec, so with Python's own here the commands start with the default."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    if options.report is not None:
        saved = json.loads(options.report.read_text(encoding="utf-8"))
        print(summary.table(summary.assess(saved)))
        return 0
    # Every command runs as on a user's machine, where Python keeps the bytecode of what it
    # imports: a shell that forbids it would time compiling manifold (or Kapitan) each run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    interruptible_children()
    with work_folder(options.workdir) as work:
        bench = Bench(options, work, manifold_command())
        try:
            bench.set_up()
            bench.measure()
            result = bench.result(bench.cache_identity())
        except CommandFailed as failure:
            print(f"bench/run.py: {failure}", file=sys.stderr)
            return 1
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(summary.table(result))
    print(f"\nJSON: {options.json}")
    return 0
