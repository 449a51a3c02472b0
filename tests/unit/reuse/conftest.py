"""Fixtures shared by the tests of `manifold.reuse` (a module may define its own `rendered`,
a smaller tree made for what it tests: pytest takes the module's first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.core.options import RenderOptions
from manifold.pipeline import commands
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    """A copy of the example's inputs, rendered from nothing: rendered/ and .manifold/."""
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, tmp_path / folder)
    commands.render(RenderOptions(tmp_path), lambda _: None, None)
    return tmp_path
