"""One project file, two platforms: tests/cases/portable-fine-tune/ renders for OME and for
Substratus by changing `spec.platform` and nothing else, and both renderings are
snapshotted.

The conformance tests check both renderings against the platforms' real CRDs. The project
holds what both platforms express: a dataset (with where OME reads it and what
loads it into Substratus), a model from Hugging Face, a fine-tune trained on the dataset by
a training runtime's one container, and a service of the fine-tuned model on an L4 with an
inline runtime. Options of one platform (`substratus:`) are left alone by the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.conftest import CASES, copy_tree, edit, render_cleanly
from tests.snapshots import YamlSnapshot

PORTABLE = CASES / "portable-fine-tune"
PLATFORMS = ("ome", "substratus")


def portable_repository(root: Path, platform: str) -> Path:
    """The portable project in `root`, for `platform`."""
    copy_tree(PORTABLE, root)
    edit(root / "projects/support-bot.yaml", "  platform: ome\n", f"  platform: {platform}\n")
    return root


@pytest.mark.parametrize("platform", PLATFORMS)
def test_one_project_renders_for_ome_and_for_substratus(
    platform: str, tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    portable_repository(tmp_path, platform)
    assert render_cleanly(tmp_path) == snapshot(extension_class=YamlSnapshot)
