"""One inference project, every platform: tests/cases/portable/ renders unchanged (but for
`spec.platform`) for each platform manifold knows, and each rendering is snapshotted.

The project holds what all of them express: a model from Hugging Face, an inline runtime
(image, a whole command line, env from a Secret, on port 8080, the one Substratus serves on),
whole GPUs, and resources that differ by environment. Replicas, autoscaling, probes and
placement, which Substratus cannot express, are left out; `test_portable.py` carries a
fine-tune between OME and Substratus, which Run:ai cannot run. A new platform joins the
parametrization by being in the registry, and needs its snapshot reviewed in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from manifold.targets.registry import platform_names
from tests.conftest import CASES, copy_tree, edit, render_cleanly
from tests.snapshots import YamlSnapshot

PORTABLE = CASES / "portable"


@pytest.mark.parametrize("platform", platform_names())
def test_the_same_project_renders_for_every_platform(
    platform: str, tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    copy_tree(PORTABLE, tmp_path)
    edit(tmp_path / "projects/assistant.yaml", "  platform: ome\n", f"  platform: {platform}\n")
    assert render_cleanly(tmp_path) == snapshot(extension_class=YamlSnapshot)
