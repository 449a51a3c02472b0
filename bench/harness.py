"""What `bench/run.py` does: set up, check the peers, measure, report.

In a temporary folder: a synthetic repository of N projects (bench/synthetic/), rendered once
by manifold; the same objects as kustomize bases and overlays and as a Kapitan inventory; the
floor's input. The peers and the floor are given what Flux and Argo CD apply (each
environment's kustomization.yaml and the files it lists), not Run:ai's API requests, which
manifold renders too (bench/objects.py says why). Every peer is run once and its output
compared with manifold's (the same objects, or the comparison is void), then the commands are
timed in turn, round after round, as child processes: manifold as a user runs it, kustomize
and Kapitan as their users would.
Prints a table of medians, spread, peak memory and ratios, the issue's targets met or not, and
writes everything as JSON.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import floor, gate, host, kapitan_inputs, kustomize_inputs, summary, synthetic, watching
from bench.host import clear, kustomize_command, kustomize_version, machine, python_versions, remove
from bench.measure import Invocation, run
from bench.objects import (
    Environment,
    applied,
    compare_objects,
    compare_trees,
    count,
    load_all_yaml,
    read_rendered,
    read_rendered_objects,
    read_tree_bytes,
)

BENCH = Path(__file__).resolve().parent


@dataclass
class Step:
    """A command timed once per round (`runs` times for very short ones)."""

    key: str
    label: str
    invocations: list[Invocation]
    prepare: Callable[[], None] = lambda: None
    runs: int = 1
    seconds: list[float] = field(default_factory=list)
    user_seconds: list[float] = field(default_factory=list)
    peak_rss: int = 0
    peak_pss: int = 0

    def measure(self) -> float:
        for _ in range(self.runs):
            self.prepare()
            results = [run(invocation) for invocation in self.invocations]
            self.seconds.append(sum(result.seconds for result in results))
            self.user_seconds.append(sum(result.user_seconds for result in results))
            self.peak_rss = max(self.peak_rss, *(result.peak_rss for result in results))
            self.peak_pss = max(self.peak_pss, *(result.peak_pss for result in results))
        return self.seconds[-1]


@dataclass
class Bench:
    options: argparse.Namespace
    work: Path
    manifold: list[str]
    steps: list[Step | watching.WatchStep] = field(default_factory=list)
    skipped: dict[str, dict[str, str]] = field(default_factory=dict)
    equivalence: dict[str, str] = field(default_factory=dict)
    workload: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    floor_emitters: dict[str, Any] = field(default_factory=dict)
    revision: int = 0
    trash: host.Trash = field(init=False)
    """What the timed runs' preparations clear away (`host.Trash`)."""

    @property
    def repo(self) -> Path:
        return self.work / "repo"

    def __post_init__(self) -> None:
        self.trash = host.Trash(self.work / "trash")

    def say(self, message: str) -> None:
        if not self.options.quiet:
            print(message, file=sys.stderr, flush=True)

    def render(self, repo: Path) -> Invocation:
        return Invocation([*self.manifold, "render", "-C", str(repo)])

    def check(self, repo: Path) -> Invocation:
        return Invocation([*self.manifold, "check", "-C", str(repo)])

    # ----------------------------------------------------------------------- set-up

    def set_up(self) -> None:
        projects, environments = self.options.projects, self.options.envs
        self.say(f"generating {projects} projects x {environments} environments in {self.work}")
        synthetic.write_repository(self.repo, projects, environments, self.options.seed)
        run(Invocation([*self.manifold, "schemas", "generate", "-C", str(self.repo)]))
        run(self.render(self.repo))
        rendered = read_rendered(self.repo / "rendered")
        self._describe_workload(rendered)
        self._manifold_steps()
        gate.add_cold_check(self)
        watching.add_watch_steps(self)
        self._small_step()
        self._per_project_step(rendered)
        self.steps.append(
            Step("help", "manifold --help", [Invocation([*self.manifold, "--help"])], runs=3)
        )
        kubernetes = applied(rendered)
        self._kustomize_step(kubernetes)
        gate.add_validate_peer(self)
        self._kapitan_step(kubernetes)
        self._floor_step(kubernetes)

    def _describe_workload(self, rendered: dict[str, Environment]) -> None:
        counts = count(rendered)
        self.workload = {
            "projects": self.options.projects,
            "environments": self.options.envs,
            "objects": counts.objects,
            "kubernetes_objects": counts.kubernetes_objects,
            "runai_requests": counts.runai_requests,
            "files": counts.files,
            "bytes": sum(len(data) for data in read_tree_bytes(self.repo / "rendered").values()),
        }

    def change_one_project(self, index: int | None = None) -> None:
        """Edit one project (by default the one in the middle), differently each time, as a
        pull request would."""
        self.revision += 1
        environments = synthetic.environment_names(self.options.envs)
        where = self.options.projects // 2 if index is None else index
        synthetic.write_project(self.repo, where, environments, self.revision, self.options.seed)

    def change_another_project(self) -> None:
        self.change_one_project(self.options.projects // 3)

    def _manifold_steps(self) -> None:
        repo = self.repo
        self.steps += [
            Step(
                "render_full",
                "manifold render (full: no rendered/, no .manifold/)",
                [self.render(repo)],
                lambda: clear(repo, self.trash),
            ),
            Step("render_noop", "manifold render (no-op: nothing changed)", [self.render(repo)]),
            Step(
                "render_one_change",
                "manifold render (one project changed)",
                [self.render(repo)],
                self.change_one_project,
            ),
            Step("check", "manifold check", [self.check(repo)]),
            Step(
                "render_next_change",
                "manifold render (then another project changed)",
                [self.render(repo)],
                self.change_another_project,
            ),
        ]  # fmt: skip

    def _small_step(self) -> None:
        small = self.options.small
        if "small" in self.options.skip or not 0 < small < self.options.projects:
            reason = (
                "--skip small"
                if "small" in self.options.skip
                else f"--small {small} is not between 0 and --projects {self.options.projects}"
            )
            self.skipped["render_full_small"] = {"reason": reason}
            return
        repo = self.work / "small"
        synthetic.write_repository(repo, small, self.options.envs, self.options.seed)
        run(self.render(repo))
        self.workload["small_projects"] = small
        self.workload["small_objects"] = count(read_rendered(repo / "rendered")).objects
        self.steps.append(
            Step(
                "render_full_small",
                f"manifold render (full, N={small})",
                [self.render(repo)],
                lambda: clear(repo, self.trash),
            )
        )

    def _per_project_step(self, rendered: dict[str, Environment]) -> None:
        """The same repository with `files: perProject`: one manifest.yaml per folder. Timed
        only if it holds the same objects as the default layout."""
        if "per-project" in self.options.skip:
            self.skipped["render_full_per_project"] = {"reason": "--skip per-project"}
            return
        repo = self.work / "per-project"
        options = self.options
        synthetic.write_repository(repo, options.projects, options.envs, options.seed, "perProject")
        run(Invocation([*self.manifold, "schemas", "generate", "-C", str(repo)]))
        run(self.render(repo))
        apart = read_rendered_objects(self.repo / "rendered")
        together = read_rendered_objects(repo / "rendered")
        difference = next(
            (
                f"{environment}: {found}"
                for environment in sorted(apart.keys() | together.keys())
                if (
                    found := compare_objects(
                        apart.get(environment, []), together.get(environment, [])
                    )
                )
            ),
            None,
        )
        if difference is not None:
            self._void("render_full_per_project", difference)
            return
        self.equivalence["render_full_per_project"] = "same objects"
        files = len(read_tree_bytes(repo / "rendered"))
        self.workload["per_project_files"] = files
        self.steps.append(
            Step(
                "render_full_per_project",
                f"manifold render (full, files: perProject, {files:,} files)",
                [self.render(repo)],
                lambda: clear(repo, self.trash),
            )
        )

    def _kustomize_step(self, kubernetes: dict[str, Environment]) -> None:
        if "kustomize" in self.options.skip:
            self.skipped["kustomize"] = {"reason": "--skip kustomize"}
            return
        if gate.too_many_projects(self, "kustomize"):
            return
        command = kustomize_command()
        if command is None:
            self.skipped["kustomize"] = {"reason": "neither kubectl nor kustomize is on PATH"}
            return
        self.versions["kustomize"] = kustomize_version(command)
        self.say("writing the kustomize bases and overlays")
        overlays = kustomize_inputs.write_kustomize(kubernetes, self.work / "kustomize")
        output = self.work / "kustomize-output"
        output.mkdir()
        invocations = [
            Invocation([*command, str(overlay)], stdout=output / f"{environment}.yaml")
            for environment, overlay in overlays.items()
        ]
        self.say("checking that kustomize builds the same objects")
        for invocation in invocations:
            run(invocation)
        for environment, files in kubernetes.items():
            built = load_all_yaml((output / f"{environment}.yaml").read_text(encoding="utf-8"))
            difference = compare_objects(kustomize_inputs.expected_objects(files), built)
            if difference is not None:
                self._void("kustomize", f"{environment}: {difference}")
                return
        self.equivalence["kustomize"] = "same objects"
        tool = f"{Path(command[0]).name} {command[1]}"
        label = f"{tool} ({len(overlays)} environments, one call each)"
        self.steps.append(Step("kustomize", label, invocations))

    def _kapitan_step(self, kubernetes: dict[str, Environment]) -> None:
        if "kapitan" in self.options.skip:
            self.skipped["kapitan"] = {"reason": "--skip kapitan"}
            return
        if gate.too_many_projects(self, "kapitan"):
            return
        self.say(f"installing Kapitan into {self.options.cache} (once)")
        installation = kapitan_inputs.install(self.options.cache)
        if installation.executable is None:
            self.skipped["kapitan"] = {"reason": installation.reason}
            return
        self.versions["kapitan"] = installation.version
        folder = self.work / "kapitan"
        self.say("writing the Kapitan inventory")
        kapitan_inputs.write_kapitan(kubernetes, folder)
        invocation = Invocation([str(installation.executable), "compile"], cwd=folder)
        self.say("checking that Kapitan compiles the same objects")
        label = f"kapitan compile ({len(kubernetes)} targets, kadet)"
        self._step_if_same_files("kapitan", label, invocation, kubernetes, folder / "compiled")

    def _floor_step(self, kubernetes: dict[str, Environment]) -> None:
        if "floor" in self.options.skip:
            self.skipped["floor"] = {"reason": "--skip floor"}
            return
        files = [
            (f"{environment}/{path}", file.header, file.data)
            for environment, per_path in kubernetes.items()
            for path, file in per_path.items()
        ]
        pickled = self.work / "floor.pickle"
        pickled.write_bytes(pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL))
        self.say("timing the emitters for the floor")
        timings = floor.time_emitters(files)
        fastest = min(timings, key=timings.__getitem__)
        self.floor_emitters = {"chosen": fastest, "microseconds_per_object": timings}
        out = self.work / "floor"
        invocation = Invocation(
            [sys.executable, str(BENCH / "floor.py"), "--emitter", fastest, str(pickled), str(out)]
        )
        label = f"floor ({fastest} emitter + file writes, nothing else)"
        self._step_if_same_files("floor", label, invocation, kubernetes, out)

    def _step_if_same_files(
        self,
        key: str,
        label: str,
        invocation: Invocation,
        kubernetes: dict[str, Environment],
        output: Path,
    ) -> None:
        """Run once; time it in the rounds only if it wrote the files of `kubernetes`."""
        run(invocation)
        difference = compare_trees(kubernetes, output)
        if difference is not None:
            self._void(key, difference)
            return
        self.equivalence[key] = "same files, same objects"
        self.steps.append(Step(key, label, [invocation], lambda: self.trash.take(output)))

    def _void(self, key: str, difference: str) -> None:
        self.equivalence[key] = f"differs: {difference}"
        self.skipped[key] = {"reason": f"its output differs from manifold's: {difference}"}
        self.say(f"warning: {key} is not compared: its output differs from manifold's")

    # ----------------------------------------------------------------------- rounds

    def measure(self) -> None:
        rounds = self.options.repeats
        for number in range(1, rounds + 1):
            for step in self.steps:
                seconds = step.measure()
                self.say(f"round {number}/{rounds}  {seconds:8.3f} s  {step.label}")
        self.trash.empty()

    def cache_identity(self) -> dict[str, bool]:
        self.say("comparing cached and uncached renders")
        return compare_cached_renders(self.manifold, self.repo, self.change_one_project)

    def result(self, cache_identity: dict[str, bool]) -> dict[str, Any]:
        commands: dict[str, Any] = {
            key: {"status": "skipped", **why} for key, why in self.skipped.items()
        }
        for step in self.steps:
            commands[step.key] = summary.command_record(
                step.label, step.seconds, step.peak_rss, step.peak_pss, step.user_seconds
            )
        result: dict[str, Any] = {
            "machine": machine(),
            "parameters": {
                "projects": self.options.projects,
                "environments": self.options.envs,
                "repeats": self.options.repeats,
                "small_projects": self.options.small,
                "seed": self.options.seed,
            },
            "versions": {**self.versions, **python_versions(self.manifold)},
            "workload": self.workload,
            "commands": commands,
            "floor": self.floor_emitters,
            "equivalence": self.equivalence,
            "cache_identity": cache_identity,
        }
        return summary.assess(result)


def compare_cached_renders(
    manifold: list[str], repo: Path, change: Callable[[], None]
) -> dict[str, bool]:
    """Renders that may use what earlier runs left in .manifold/ against a render from
    nothing (no rendered/, no .manifold/) of the same inputs: the same bytes?"""

    def render() -> dict[str, bytes]:
        run(Invocation([*manifold, "render", "-C", str(repo)]))
        return read_tree_bytes(repo / "rendered")

    change()
    after_change = render()
    no_op = render()
    remove(repo / "rendered")
    into_empty_rendered = render()
    clear(repo)
    from_nothing = render()
    return {
        "render_after_one_change": after_change == from_nothing,
        "no_op_render": no_op == from_nothing,
        "render_with_cache_into_empty_rendered": into_empty_rendered == from_nothing,
    }
