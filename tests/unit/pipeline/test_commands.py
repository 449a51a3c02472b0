"""The commands made of a build: errors stop `render` before it writes, `check` reports drift
file by file, and schemas/ are checked too. Run on a copy of the repository's example."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.compile.layout import LISTINGS
from manifold.core.errors import DriftFound, ProblemsFound
from manifold.core.memo import Memo
from manifold.core.options import CheckOptions, RenderOptions
from manifold.pipeline import commands
from tests.conftest import edit, tree_bytes


def _render(root: Path) -> str:
    return commands.render(RenderOptions(root), lambda _: None, None).summary


def test_render_then_render_again_is_up_to_date(example_repo: Path) -> None:
    edit(example_repo / "projects" / "faq-answers.yaml", "faq-answers", "faq-answers")
    assert _render(example_repo).startswith("rendered/ is up to date (3 environments, ")
    assert commands.check(CheckOptions(example_repo), None).summary.startswith(
        "rendered/ and schemas/ are up to date"
    )


def test_an_error_stops_render_before_anything_is_written(example_repo: Path) -> None:
    path = example_repo / "projects" / "faq-answers.yaml"
    path.write_text(path.read_text() + "  nonsense: 1\n")
    before = tree_bytes(example_repo / "rendered")
    with pytest.raises(ProblemsFound) as raised:
        _render(example_repo)
    assert [d.file for d in raised.value.diagnostics] == ["projects/faq-answers.yaml"]
    assert tree_bytes(example_repo / "rendered") == before


def test_check_names_each_file_that_drifted(example_repo: Path) -> None:
    rendered = example_repo / "rendered"
    plain = [
        p for p in sorted(rendered.rglob("*.yaml")) if "/_" not in f"/{p.relative_to(rendered)}"
    ]
    changed = next(p for p in plain if p.is_relative_to(rendered / "dev"))
    changed.write_text(changed.read_text() + "# edited\n")
    removed = next(p for p in plain if p.is_relative_to(rendered / "prod"))
    removed.unlink()
    with pytest.raises(DriftFound) as raised:
        commands.check(CheckOptions(example_repo), None)
    found = {(d.file, d.message.split(":")[0]) for d in raised.value.diagnostics}
    assert found == {
        (f"rendered/{changed.relative_to(rendered)}", "differs from what the inputs produce"),
        (f"rendered/{removed.relative_to(rendered)}", "missing"),
    }


def test_warm_builds_in_memory_and_writes_nothing(example_repo: Path) -> None:
    """`warm`: what a build keeps in the memo is made (kustomization texts, here), and the
    repository, rendered/ and .manifold/ alike, is as it was."""
    commands.render(RenderOptions(example_repo), lambda _: None, None)
    before = tree_bytes(example_repo)
    memo = Memo(waits=True)
    commands.warm(RenderOptions(example_repo), memo)
    assert memo.get(LISTINGS, "dev") and memo.get(LISTINGS, "prod")
    assert tree_bytes(example_repo) == before


def test_warm_says_nothing_of_inputs_it_refuses(example_repo: Path) -> None:
    """A broken input is the next render's to report: warming is idle work."""
    commands.render(RenderOptions(example_repo), lambda _: None, None)
    (example_repo / "environments/dev.yaml").write_text("kind: [")
    commands.warm(RenderOptions(example_repo, ("nowhere",)), Memo(waits=True))
    commands.warm(RenderOptions(example_repo), Memo(waits=True))
