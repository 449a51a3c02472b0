"""A render that reuses cached projects gives exactly what a render from scratch gives: the
same files, the same warnings, the same errors and exit code, after any kind of edit."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manifold.core.memo import Memo
from manifold.output import writer
from tests.casefolders import cases
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree, edit, run_cli, tree_bytes

Edit = Callable[[Path], None]


def _example(target: Path) -> Path:
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, target / folder)
    return target


def _benchmarks_case(target: Path) -> Path:
    [case] = [c for c in cases("valid") if c.name == "ome-sample-benchmarks"]
    return case.materialize(target)


def _outcome(repo: Path) -> tuple[int, Any, dict[str, bytes]]:
    result = run_cli("render", "-C", str(repo), "--format", "json")
    payload = json.loads(result.stdout)
    return result.exit_code, payload["diagnostics"], tree_bytes(repo / "rendered")


def _compare(tmp_path: Path, make: Callable[[Path], Path], change: Edit) -> int:
    cached = make(tmp_path / "cached")
    assert run_cli("render", "-C", str(cached)).exit_code == 0
    assert (cached / writer.WORK_DIR / "cache").is_dir()
    change(cached)
    reused = _outcome(cached)

    scratch = make(tmp_path / "scratch")
    assert run_cli("render", "-C", str(scratch)).exit_code == 0  # the same rendered/ to start
    shutil.rmtree(scratch / writer.WORK_DIR)
    change(scratch)
    fresh = _outcome(scratch)
    assert reused[0] == fresh[0]
    assert reused[1] == fresh[1]
    assert reused[2] == fresh[2]
    return reused[0]


def _value(repo: Path) -> None:
    edit(repo / "projects/semantic-search.yaml", "target: 70", "target: 75")


def _service_renamed(repo: Path) -> None:
    project = repo / "projects/chat-assistant.yaml"
    edit(project, "    - name: chat\n      model:", "    - name: talk\n      model:")
    edit(project, "        - name: chat\n", "        - name: talk\n")
    edit(project, "target: {service: chat}", "target: {service: talk}")


def _project_removed(repo: Path) -> None:
    (repo / "projects/semantic-search.yaml").unlink()


def _project_added(repo: Path) -> None:
    text = (repo / "projects/semantic-search.yaml").read_text()
    copy = text.replace("name: semantic-search", "name: search-copy")
    (repo / "projects/search-copy.yaml").write_text(copy)


def _environment(repo: Path) -> None:
    edit(repo / "environments/dev.yaml", "environment-tier: development", "environment-tier: dev")


def _platform_file(repo: Path) -> None:
    platform = repo / "platform/ml-platform.yaml"
    platform.write_text(platform.read_text() + "\n")


def _broken_project(repo: Path) -> None:
    edit(repo / "projects/semantic-search.yaml", "model: bge-large-en-v1-5", "model: missing")


def _nothing(repo: Path) -> None:
    pass


EXAMPLE_EDITS: dict[str, Edit] = {
    "a value": _value,
    "a service renamed": _service_renamed,
    "a project removed": _project_removed,
    "a project added": _project_added,
    "an environment": _environment,
    "the platform file": _platform_file,
    "a broken project": _broken_project,
    "nothing": _nothing,
}


@pytest.mark.parametrize("change", EXAMPLE_EDITS.values(), ids=EXAMPLE_EDITS.keys())
def test_the_example_after_an_edit(tmp_path: Path, change: Edit) -> None:
    _compare(tmp_path, _example, change)


def test_an_unchanged_project_sees_a_change_in_the_project_it_benchmarks(tmp_path: Path) -> None:
    """The benchmark's project does not change, but the service it targets goes away: it must
    be checked again (and fail) rather than reused."""
    target = "projects/llama-3-1-70b-instruct.yaml"

    def rename(repo: Path) -> None:
        text = (repo / target).read_text()
        (repo / target).write_text(
            text.replace(
                "- name: llama-3-1-70b-instruct\n      model", "- name: renamed\n      model", 1
            )
        )
        assert (repo / target).read_text() != text

    assert _compare(tmp_path, _benchmarks_case, rename) == 1


def test_an_unchanged_project_sees_the_project_it_benchmarks_disappear(tmp_path: Path) -> None:
    def remove(repo: Path) -> None:
        (repo / "projects/llama-3-1-70b-instruct.yaml").unlink()

    assert _compare(tmp_path, _benchmarks_case, remove) == 1


def test_a_project_whose_looked_up_neighbour_changed_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's project is unchanged and its target still serves, but the project it
    looked up changed (its team): the store does not give its result back, it is compiled
    again, and the render gives the bytes of one from nothing."""
    from manifold.compile.project import compile_project as original

    compiled: list[str] = []

    def recording(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source.name)
        return original(source, *args, **kwargs)

    def retitle(repo: Path) -> None:
        edit(repo / "projects/llama-3-1-70b-instruct.yaml", "team: inference", "team: serving")

    monkeypatch.setattr("manifold.pipeline.stages.compile_project", recording)
    assert _compare(tmp_path, _benchmarks_case, retitle) == 0
    # The first render of each copy compiles both; the edited one's render compiles both
    # again (the benchmark's neighbour changed), as does the render from nothing.
    assert compiled.count("llama-3-1-70b") == 4


def _benchmarks_with_a_renaming_patch(target: Path) -> Path:
    """The benchmarks case, its benchmarked project serving a second service that prod's
    patch renames, selected by a label."""
    repo = _benchmarks_case(target)
    served = repo / "projects/llama-3-1-70b-instruct.yaml"
    service = "    - name: canary\n      model: llama-3-1-70b-instruct\n"
    served.write_text(served.read_text() + service + "      metadata: {labels: {tier: canary}}\n")
    environment = repo / "environments/prod.yaml"
    environment.write_text(
        environment.read_text()
        + "  patches:\n"
        + "    - target: {kind: InferenceService, labels: {tier: canary}}\n"
        + "      mergePatch: {metadata: {name: canary-v2}}\n"
    )
    return repo


def test_a_project_whose_benchmarked_service_a_patch_now_renames_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's project is unchanged; the project it benchmarks moves the label the
    environment's renaming patch selects onto the benchmarked service: the cached result of
    the benchmark's project is not reused, and the rename is an error, as from nothing."""
    from manifold.compile.project import compile_project as original

    compiled: list[str] = []

    def recording(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source.name)
        return original(source, *args, **kwargs)

    def relabel(repo: Path) -> None:
        served = repo / "projects/llama-3-1-70b-instruct.yaml"
        label = "      metadata: {labels: {tier: canary}}\n"
        edit(served, label, "")
        edit(served, "    - name: canary\n", label + "    - name: canary\n")

    monkeypatch.setattr("manifold.pipeline.stages.compile_project", recording)
    assert _compare(tmp_path, _benchmarks_with_a_renaming_patch, relabel) == 1
    assert compiled.count("llama-3-1-70b") == 4
    [diagnostic] = _outcome(tmp_path / "cached")[1]
    assert "renames InferenceService 'llama-3-1-70b-instruct'" in diagnostic["message"]


def test_a_benchmark_edited_to_measure_a_renamed_service_of_a_reused_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmarked project is unchanged and reused; the benchmark's project now measures
    the service prod's patch renames. Which patch renamed it is in the reused project's
    objects, which its cached result does not keep: the environment is rendered again
    without reuse (`Target.environment_problems`), and reports what a render from nothing
    reports, again on the render after."""
    from manifold.compile.project import compile_project as original

    compiled: list[str] = []

    def recording(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source.name)
        return original(source, *args, **kwargs)

    def measure_canary(repo: Path) -> None:
        edit(
            repo / "projects/llama-3-1-70b.yaml",
            "service: llama-3-1-70b-instruct}",
            "service: canary}",
        )

    monkeypatch.setattr("manifold.pipeline.stages.compile_project", recording)
    assert _compare(tmp_path, _benchmarks_with_a_renaming_patch, measure_canary) == 1
    # Each copy's first render compiles it; the edited render compiles it again once the
    # check asks for a render without reuse, as does the render from nothing.
    assert compiled.count("llama-3-1-70b-instruct") == 4
    [diagnostic] = _outcome(tmp_path / "cached")[1]
    renamed = "renames InferenceService 'canary' of project 'llama-3-1-70b-instruct'"
    assert renamed in diagnostic["message"]
    assert diagnostic["file"] == "projects/llama-3-1-70b.yaml"
    assert diagnostic["path"] == "spec.benchmarks[0].target.service"


def test_reused_projects_are_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _example(tmp_path / "repo")
    assert run_cli("render", "-C", str(repo)).exit_code == 0
    edit(repo / "projects/semantic-search.yaml", "target: 70", "target: 75")

    from manifold.inputs import sources
    from manifold.pipeline import repository

    parsed: list[str] = []
    original = sources.parse_document

    def counting(relative: str, raw: bytes, memo: Memo | None = None) -> Any:
        parsed.append(relative)
        return original(relative, raw, memo)

    monkeypatch.setattr(repository, "parse_document", counting)
    assert run_cli("render", "-C", str(repo)).exit_code == 0
    assert [p for p in parsed if p.startswith("projects/")] == ["projects/semantic-search.yaml"]


_IN_ORDER = (
    "a value",
    "a service renamed",
    "a project added",
    "an environment",
    "the platform file",
    "a broken project",
    "a project removed",  # last: the edits above may change the project it removes
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=st.sets(st.sampled_from(_IN_ORDER), min_size=1, max_size=3))
def test_edits_rendered_one_by_one_equal_a_render_from_nothing(
    chosen: set[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Random edits, each followed by a render that reuses the cache the last one left, end
    where one render from nothing of the edited repository ends: the same exit code and
    diagnostics and, when it renders, the same bytes."""
    base = tmp_path_factory.mktemp("edits")
    edits = [EXAMPLE_EDITS[name] for name in _IN_ORDER if name in chosen]
    cached = _example(base / "cached")
    assert run_cli("render", "-C", str(cached)).exit_code == 0
    for change in edits:
        change(cached)
        run_cli("render", "-C", str(cached))
    scratch = _example(base / "scratch")
    for change in edits:
        change(scratch)
    reused, fresh = _outcome(cached), _outcome(scratch)
    assert reused[:2] == fresh[:2]
    if fresh[0] == 0:  # on errors nothing is written: rendered/ is then what each had before
        assert reused[2] == fresh[2]
