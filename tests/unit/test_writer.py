"""The writer's own guard: nothing is ever written outside rendered/."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold import writer
from manifold.errors import OutputProblem


@pytest.mark.parametrize(
    "relative",
    ["../outside.yaml", "dev/../../x.yaml", "/etc/x.yaml", "dev//x.yaml", "a\x00b", "dev\\x"],
)
def test_paths_leaving_rendered_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(OutputProblem, match="refusing to write outside rendered/"):
        writer.write_tree(tmp_path, {relative: b"x"}, None, writer.TreeState())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_ordinary_paths_are_written(tmp_path: Path) -> None:
    writer.write_tree(tmp_path, {"dev/demo/a.yaml": b"x"}, None, writer.TreeState())
    assert (tmp_path / "rendered" / "dev" / "demo" / "a.yaml").read_bytes() == b"x"
