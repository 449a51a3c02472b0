"""bench/: the benchmark runs at a tiny N and checks what it compares. Speed is never asserted
here; the benchmark itself reports it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench import cli, floor, gate, harness, host, synthetic, watching
from bench.kapitan_inputs import escaped
from bench.kustomize_inputs import json_patch
from bench.objects import RenderedFile, applied, count, load_yaml, read_rendered, read_tree_bytes
from bench.summary import MANIFOLD_COMMANDS
from bench.watching import WAIT_SECONDS
from manifold.compile import overlay
from manifold.targets.registry import platform_names
from tests.conftest import REPO_ROOT, run_cli

TARGETS = {
    "cold_check_rate",
    "cold_check_vs_kustomize",
    "cold_check_vs_validate_peer",
    "vs_floor",
    "noop",
    "one_change",
    "next_change",
    "watch_change",
    "watch_next_change",
    "memory",
    "linear",
}


@dataclass(frozen=True)
class BenchRun:
    result: dict[str, Any]
    stdout: str
    work: Path


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> BenchRun:
    folder = tmp_path_factory.mktemp("bench")
    results = folder / "results.json"
    command = [
        sys.executable, str(REPO_ROOT / "bench" / "run.py"),
        "--projects", "3", "--envs", "3", "--repeats", "1", "--small", "1",
        "--skip", "kapitan",  # installing Kapitan takes a network and half a minute
        "--json", str(results), "--workdir", str(folder / "work"), "--quiet",
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return BenchRun(
        json.loads(results.read_text(encoding="utf-8")), completed.stdout, folder / "work"
    )


def test_writes_every_section_of_the_results(bench_run: BenchRun) -> None:
    result = bench_run.result
    assert set(result) == {
        "machine", "parameters", "versions", "workload", "commands", "floor", "equivalence",
        "cache_identity", "ratios", "ratios_best", "targets",
    }  # fmt: skip
    assert result["workload"]["projects"] == 3
    assert result["workload"]["objects"] > 3 * 3
    commands = result["commands"]
    for key in (
        *MANIFOLD_COMMANDS,
        "render_full_small",
        "render_full_per_project",
        "help",
        "floor",
        "validate_peer",
    ):
        record = commands[key]
        assert record["status"] == "ok", key
        assert len(record["seconds"]) == (3 if key == "help" else 1)
        assert record["min"] <= record["median"] <= record["max"]
        assert record["peak_rss_mib"] > 0, key
        assert record["peak_pss_mib"] > 0, key
        if key not in ("floor", "validate_peer"):
            assert len(record["user_seconds"]) == len(record["seconds"]), key
            assert record["user_median"] > 0, key
    assert commands["kapitan"] == {"status": "skipped", "reason": "--skip kapitan"}
    assert commands["kustomize"]["status"] in ("ok", "skipped")
    assert {target["key"] for target in result["targets"]} == TARGETS
    assert all(target["met"] in (True, False, None) for target in result["targets"])
    assert result["ratios"]["noop_percent_of_full"] is not None


def test_prints_the_table_with_every_target(bench_run: BenchRun) -> None:
    assert "| target (issue 16) | goal | measured (medians) | | best runs |" in bench_run.stdout
    for target in bench_run.result["targets"]:
        assert f"| {target['target']} | {target['goal']} |" in bench_run.stdout


def test_peers_produce_the_objects_manifold_renders(bench_run: BenchRun) -> None:
    equivalence = bench_run.result["equivalence"]
    assert equivalence["floor"] == "same files, same objects"
    if bench_run.result["commands"]["kustomize"]["status"] == "ok":
        assert equivalence["kustomize"] == "same objects"
    # The floor writes what Flux and Argo CD apply: all of rendered/ but Run:ai's requests.
    rendered = read_tree_bytes(bench_run.work / "repo" / "rendered")
    floor_files = read_tree_bytes(bench_run.work / "floor")
    assert set(floor_files) == {path for path in rendered if "/_runai/" not in path}


def test_the_tiny_repository_renders_every_platform(bench_run: BenchRun) -> None:
    """N=3 is one project of each platform, fine-tunes and benchmarks included."""
    rendered = read_rendered(bench_run.work / "repo" / "rendered")
    kinds = Counter(
        f"{file.data['apiVersion'].partition('/')[0]}/{file.data['kind']}"
        for files in applied(rendered).values()
        for file in files.values()
    )
    for kind in (
        "ome.io/InferenceService", "ome.io/TrainingJob", "ome.io/FineTunedWeight",
        "ome.io/BenchmarkJob", "ome.io/ClusterServingRuntime", "ome.io/AcceleratorClass",
        "substratus.ai/Server", "substratus.ai/Model", "substratus.ai/Dataset",
        "substratus.ai/Notebook",
    ):  # fmt: skip
        assert kinds[kind] > 0, kind
    assert count(rendered).runai_requests == bench_run.result["workload"]["runai_requests"] > 0


def test_cached_and_uncached_renders_give_identical_bytes(bench_run: BenchRun) -> None:
    assert bench_run.result["cache_identity"] == {
        "render_after_one_change": True,
        "no_op_render": True,
        "render_with_cache_into_empty_rendered": True,
    }
    # The bench's last render started from nothing; render again with .manifold/ kept.
    repo = bench_run.work / "repo"
    uncached = read_tree_bytes(repo / "rendered")
    assert (repo / ".manifold").is_dir()
    shutil.rmtree(repo / "rendered")
    manifold = Path(sys.executable).parent / "manifold"
    command = [str(manifold)] if manifold.exists() else [sys.executable, "-m", "manifold"]
    subprocess.run([*command, "render", "-C", str(repo)], check=True, capture_output=True)
    assert read_tree_bytes(repo / "rendered") == uncached


# --------------------------------------------------------------------------- the parts


def test_json_patch_turns_one_object_into_the_other() -> None:
    before = {
        "metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "a", "x~y": "1"}},
        "spec": {"replicas": 1, "args": ["--a"], "gone": {"k": "v"}, "typed": "1"},
    }
    after = {
        "metadata": {"name": "b", "labels": {"app.kubernetes.io/name": "b", "x~y": "1"}},
        "spec": {"replicas": 2, "args": ["--a", "--b"], "typed": 1, "new": {"k": [1]}},
    }
    operations = json_patch(before, after)
    assert overlay.json_patch(before, operations) == after
    assert json_patch(after, after) == []


TRICKY = [
    "yes", "No", "null", "~", "", "1.0", "010", "0x1F", "12:30", "2024-01-01", "e5", "1e5",
    "a: b", "- x", "#c", "x #y", "@x", "*x", "&x", "!x", "%x", "'q'", '"d"', "ünï", "a\nb",
    "/raid/models", "nvidia.com/gpu", "$(MODEL_PATH)", "True", "Y", "on",
]  # fmt: skip


@pytest.mark.parametrize("name", sorted(floor.emitters()))
def test_floor_emitters_write_yaml_that_reads_back_as_the_data(name: str) -> None:
    data = {
        "strings": TRICKY,
        "numbers": [0, -3, 2.5, 1234.5],
        "flags": [True, False, None],
        "nested": [{"a": {"b": [[], {}, [1, [2]]]}}, {"name": "x", "value": "yes"}],
        "empty": {},
        "kind": "InferenceService",
    }
    assert load_yaml(floor.emitters()[name](data)) == data


def test_the_minimal_emitter_keeps_floats_floats_for_yaml_1_1() -> None:
    data = [1e20, 1e-7, -0.5, float("inf"), float("-inf")]
    assert load_yaml(floor.emit_minimal(data)) == data


def test_the_benchmark_covers_every_platform_manifold_knows() -> None:
    assert set(synthetic.GENERATED_PLATFORMS) == set(platform_names())
    first = {synthetic.project_platform(index) for index in range(3)}
    assert first == set(synthetic.GENERATED_PLATFORMS)
    platforms = Counter(synthetic.project_platform(index) for index in range(1000))
    assert platforms == {"ome": 600, "substratus": 200, "runai": 200}


@pytest.mark.parametrize("seed", [synthetic.SEED, "another-seed", "a-third-seed"])
def test_synthetic_repositories_render_without_a_problem(tmp_path: Path, seed: str) -> None:
    synthetic.write_repository(tmp_path, 30, 4, seed)
    result = run_cli("render", "-C", str(tmp_path))
    assert (result.exit_code, result.stderr) == (0, "")
    rendered = read_rendered(tmp_path / "rendered")
    assert set(rendered) == {"dev", "staging", "prod", "prod-region-1"}
    assert count(rendered).runai_requests > 0


def test_only_runai_requests_are_left_out_of_what_the_peers_build() -> None:
    kustomization = RenderedFile("", {"resources": ["namespace-a.yaml"]})
    obj = RenderedFile("", {"kind": "Namespace"})
    files = {
        "a/kustomization.yaml": kustomization,
        "a/namespace-a.yaml": obj,
        "_runai/b/index.yaml": RenderedFile("# header\n", {"files": {}}),
        "_runai/kustomization.yaml": RenderedFile("# header\n", {"resources": []}),
        "_runai/b/inference-b.json": RenderedFile("", {"name": "b"}),
    }
    assert applied({"dev": files}) == {
        "dev": {"a/kustomization.yaml": kustomization, "a/namespace-a.yaml": obj}
    }
    with pytest.raises(ValueError, match=r"rendered/dev/b/stray.yaml is neither listed"):
        applied({"dev": {**files, "b/stray.yaml": obj}})


def test_kapitan_inputs_escape_what_reclass_would_interpolate() -> None:
    data = {"env": [{"value": "${{ secrets.hf-token.token }}"}, {"value": "$(MODEL_PATH)"}]}
    assert escaped(data) == {
        "env": [{"value": "\\${{ secrets.hf-token.token }}"}, {"value": "$(MODEL_PATH)"}]
    }


def test_synthetic_ome_projects_cover_what_platform_teams_write() -> None:
    environments = synthetic.environment_names(3)
    indexes = [i for i in range(300) if synthetic.project_platform(i) == "ome"]
    documents = [synthetic.project_document(index, environments) for index in indexes]
    specs = [document["spec"] for document in documents]
    models = [model for spec in specs for model in spec["models"]]
    services = [service for spec in specs for service in spec["services"]]
    schemes = Counter(model["source"].partition("://")[0] for model in models)
    assert {"hf", "s3", "pvc"} <= set(schemes)
    runtimes = Counter(
        "none" if "runtime" not in s else
        "name" if isinstance(s["runtime"], str) else
        "ref" if "ref" in s["runtime"] else "inline"
        for s in services
    )  # fmt: skip
    assert set(runtimes) == {"none", "name", "ref", "inline"}
    assert any(model.get("scope") == "cluster" for model in models)
    assert all(service["resources"]["gpu"]["count"] >= 1 for service in services)
    assert any("autoscaling" in service for service in services)
    assert any("router" in service for service in services)
    assert all(set(spec["environments"]) <= set(environments) for spec in specs)
    assert 0.2 < sum("fineTunes" in spec for spec in specs) / len(specs) < 0.6
    assert any("adapters" in service for service in services)
    benchmarked = [
        spec for spec in specs if "benchmarks" in spec["environments"].get("staging", {})
    ]
    assert 0.2 < len(benchmarked) / len(specs) < 0.6
    assert all(spec["environments"]["prod"]["benchmarks"] is None for spec in benchmarked)


def test_synthetic_substratus_and_runai_projects_cover_their_platforms() -> None:
    environments = synthetic.environment_names(3)
    substratus = [
        synthetic.project_document(i, environments)["spec"]
        for i in range(300)
        if synthetic.project_platform(i) == "substratus"
    ]
    for field in ("fineTunes", "notebooks", "datasets"):
        assert 0.2 < sum(field in spec for spec in substratus) / len(substratus) < 0.8, field
    servers = [service for spec in substratus for service in spec["services"]]
    assert all(s["nodeSelector"] is None and s["tolerations"] is None for s in servers)
    assert any("adapters" in service for service in servers)
    runai = [
        synthetic.project_document(i, environments)["spec"]
        for i in range(300)
        if synthetic.project_platform(i) == "runai"
    ]
    for spec in runai:
        for change in spec["environments"]["dev"]["services"]:
            assert change["resources"]["gpu"]["portion"] < 1
        for change in spec["environments"]["prod"]["services"]:
            assert change["replicas"]["max"] > change["replicas"]["min"] and change["autoscaling"]
    names = [s["name"] for spec in runai for s in spec["services"]]
    assert len(set(names)) == len(names)  # one Run:ai project per environment takes them all


def test_synthetic_projects_are_seeded_and_stable() -> None:
    environments = synthetic.environment_names(3)
    documents = [synthetic.project_document(index, environments) for index in range(200)]
    assert len({document["metadata"]["name"] for document in documents}) == len(documents)
    assert synthetic.project_document(7, environments) == documents[7]  # seeded, repeatable
    other = synthetic.project_document(7, environments, seed="another-seed")
    assert other != documents[7]
    changed = synthetic.project_document(7, environments, revision=2)
    assert changed["metadata"]["labels"]["revision"] == "r2"


def test_the_per_project_layout_is_timed_on_the_same_objects(bench_run: BenchRun) -> None:
    assert bench_run.result["equivalence"]["render_full_per_project"] == "same objects"
    workload = bench_run.result["workload"]
    assert 0 < workload["per_project_files"] < workload["files"]
    assert bench_run.result["ratios"]["per_project_percent_of_full"] is not None
    files = workload["per_project_files"]
    assert f"manifold render (full, files: perProject, {files:,} files)" in bench_run.stdout
    manifests = list((bench_run.work / "per-project" / "rendered").glob("*/*/manifest.yaml"))
    assert manifests


def test_the_cold_check_and_the_validate_only_peer_are_timed(bench_run: BenchRun) -> None:
    result = bench_run.result
    cold = result["commands"]["check_cold"]
    assert cold["label"].startswith("manifold check (cold: fresh clone")
    ratios = result["ratios"]
    assert ratios["check_cold_objects_per_second"] > 0
    assert ratios["check_cold_over_validate_peer"] is not None
    validated = result["workload"]["validate_peer_objects"]
    assert 0 < validated < result["workload"]["objects"], "built-in kinds have no schema there"
    assert result["equivalence"]["validate_peer"].startswith("accepts the")
    assert f"check-jsonschema (validate only: {validated:,} rendered objects" in bench_run.stdout


def test_the_validate_only_peer_groups_files_by_their_schema(bench_run: BenchRun) -> None:
    repo = bench_run.work / "repo"
    grouped = gate.files_by_schema(repo)
    assert all(schema.is_relative_to(repo / "schemas") for schema in grouped)
    assert {schema.parent.name for schema in grouped} >= {"ome.io", "substratus.ai"}
    assert all(path.endswith(".yaml") for files in grouped.values() for path in files)


def test_a_large_n_leaves_the_peers_out_and_says_so(tmp_path: Path) -> None:
    options = cli.parse_arguments(["--projects", "10000", "--skip", "floor"])
    assert options.small == 1000, "N=10,000 is compared with N=1,000"
    bench = harness.Bench(options, tmp_path, host.manifold_command())
    for peer in ("kustomize", "kapitan", "validate_peer"):
        assert gate.too_many_projects(bench, peer)
        assert "--peers-up-to 3,000" in bench.skipped[peer]["reason"]
    assert not gate.too_many_projects(
        harness.Bench(cli.parse_arguments(["--projects", "1000"]), tmp_path, []), "kustomize"
    )


def test_the_watch_rows_time_changes_a_watching_process_renders(bench_run: BenchRun) -> None:
    commands = bench_run.result["commands"]
    for key in ("render_watch_change", "render_watch_next_change"):
        assert commands[key]["label"].startswith("manifold render --watch")
        assert 0 < commands[key]["median"] < WAIT_SECONDS


def test_skip_watch_leaves_the_watch_rows_out_and_says_so(tmp_path: Path) -> None:
    bench = harness.Bench(cli.parse_arguments(["--skip", "watch"]), tmp_path, [])
    watching.add_watch_steps(bench)
    assert bench.steps == []
    assert bench.skipped["render_watch_change"] == {"reason": "--skip watch"}


def test_a_changed_project_replaces_its_file_whole(tmp_path: Path) -> None:
    """Saved by rename, as editors save: a watcher never sees a file cut short (its look
    between a truncation and the write would render once more and take the next change's
    place in bench/watching.py)."""
    synthetic.write_repository(tmp_path, 2, 1)
    environments = synthetic.environment_names(1)
    path = synthetic.write_project(tmp_path, 0, environments, 1)
    before = path.stat().st_ino
    assert synthetic.write_project(tmp_path, 0, environments, 2) == path
    assert path.stat().st_ino != before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_a_timed_run_is_prepared_by_moving_the_last_output_aside(tmp_path: Path) -> None:
    """Deleting 17,000 files right before a timed render makes the render's own file creation
    slower on some file systems (host.Trash): the preparation renames instead."""
    repo = tmp_path / "repo"
    (repo / "rendered" / "dev").mkdir(parents=True)
    (repo / "rendered" / "dev" / "a.yaml").write_text("kind: A\n")
    (repo / ".manifold").mkdir()
    trash = host.Trash(tmp_path / "trash")
    inode = (repo / "rendered" / "dev" / "a.yaml").stat().st_ino
    host.clear(repo, trash)
    host.clear(repo, trash)  # nothing left to move: no error
    assert not (repo / "rendered").exists() and not (repo / ".manifold").exists()
    moved = sorted(path.name for path in trash.folder.iterdir())
    assert moved == ["1", "2"]
    assert (trash.folder / "1" / "dev" / "a.yaml").stat().st_ino == inode  # not copied
    trash.empty()
    assert not trash.folder.exists()


def test_the_rounds_leave_no_trash_behind(bench_run: BenchRun) -> None:
    assert (bench_run.work / "repo" / "rendered").is_dir()
    assert not (bench_run.work / "trash").exists()
