"""`render` and `check` as the CLI runs them (`manifold.commands.recorded`): answered from the
record of the last run when nothing they depend on changed, else by the pipeline; a record
holds for the selection (`-e`, `--shard`) it was made for only."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from manifold.commands import recorded
from manifold.core.errors import DriftFound
from manifold.core.memo import Memo
from manifold.core.options import CheckOptions, RenderOptions
from manifold.core.outcome import Outcome
from manifold.core.shards import Shard
from manifold.pipeline import commands as pipeline
from manifold.reuse.fastpath import InputsDigest, look_at_inputs


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    calls: list[Any] = []
    original: Callable[..., Any] = getattr(pipeline, name)

    def counted(options: Any, *rest: Any) -> Any:
        calls.append(options)
        return original(options, *rest)

    monkeypatch.setattr(pipeline, name, counted)
    return calls


def _render(options: RenderOptions) -> str:
    return recorded.render(options, lambda _: None, None).summary


def test_a_second_render_of_unchanged_inputs_is_answered_from_the_record(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch, "render")
    first = _render(RenderOptions(example_repo))
    assert _render(RenderOptions(example_repo)) == first
    assert len(calls) == 1


def test_a_changed_input_runs_the_pipeline_again(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch, "render")
    _render(RenderOptions(example_repo))
    path = example_repo / "projects" / "faq-answers.yaml"
    path.write_text(path.read_text() + "# a comment\n")
    _render(RenderOptions(example_repo))
    assert len(calls) == 2


@pytest.mark.parametrize(
    "other",
    [
        RenderOptions(Path(), environments=("dev",)),
        RenderOptions(Path(), shard=Shard(1, 2)),
    ],
)
def test_a_record_answers_only_for_its_selection(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch, other: RenderOptions
) -> None:
    calls = _counting(monkeypatch, "render")
    _render(RenderOptions(example_repo))
    selected = RenderOptions(example_repo, other.environments, shard=other.shard)
    _render(selected)
    _render(selected)
    assert calls == [RenderOptions(example_repo), selected]


def test_check_is_recorded_apart_from_render(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders, checks = _counting(monkeypatch, "render"), _counting(monkeypatch, "check")
    _render(RenderOptions(example_repo))
    first = recorded.check(CheckOptions(example_repo), None)
    again = recorded.check(CheckOptions(example_repo), None)
    assert (len(renders), len(checks)) == (1, 1)
    assert again.summary == first.summary


def test_a_changed_rendered_tree_is_checked_again(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = _counting(monkeypatch, "check")
    recorded.check(CheckOptions(example_repo), None)
    changed = sorted((example_repo / "rendered" / "dev").rglob("*.yaml"))[-1]
    changed.write_text(changed.read_text() + "# edited\n")
    with pytest.raises(DriftFound):
        recorded.check(CheckOptions(example_repo), None)
    assert len(checks) == 2


def test_a_render_gives_the_look_it_read_the_inputs_by(example_repo: Path) -> None:
    """The look a watching process compares the next one with (`commands.watch.RendersLook`):
    the inputs' digest as a look from outside the render makes it (`fastpath.look_at_inputs`),
    whether the render did the work or answered from the record."""
    looks: list[InputsDigest] = []
    for _ in range(2):
        recorded.render(RenderOptions(example_repo), lambda _: None, None, looks.append)
    assert [look.inputs for look in looks] == [look_at_inputs(example_repo, None)[0]] * 2
    assert "projects/faq-answers.yaml" in looks[-1].record.entries


def test_no_look_from_a_render_whose_files_a_child_parsed_meanwhile(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no `.manifold/` a child process may parse the project files while the render
    looks (`inputs.ahead`): what it parsed is not known to come after the look."""
    monkeypatch.setattr(recorded, "_read_ahead", lambda options: nullcontext(object()))
    monkeypatch.setattr(pipeline, "render", lambda *args: Outcome("rendered", []))
    looks: list[InputsDigest] = []
    recorded.render(RenderOptions(example_repo), lambda _: None, None, looks.append)
    assert looks == []


def test_a_watching_render_answered_from_the_record_warms_once_it_waits(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It built nothing: the build a change will need is left for the wait (`warm`), so that
    the first change is as quick as later ones. A render from the shell leaves nothing."""
    warmed = _counting(monkeypatch, "warm")
    _render(RenderOptions(example_repo))
    assert recorded.render(RenderOptions(example_repo), lambda _: None, None, None, Memo()).summary
    assert warmed == []
    memo = Memo(waits=True)
    recorded.render(RenderOptions(example_repo), lambda _: None, None, None, memo)
    assert warmed == []
    memo.do_pending()
    assert len(warmed) == 1
