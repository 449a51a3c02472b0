"""OME's API levels match the CRDs OME really ships: level v0.1 is exactly the kinds of
`crds/main` (released OME), and every other kind manifold renders for OME is one that only
pull request #5 defines (`crds/pr5-unmerged`)."""

from __future__ import annotations

import gzip
from pathlib import Path

import yaml

from manifold.targets.ome import KINDS
from manifold.targets.ome.settings import RELEASED_KINDS


def _kinds(folder: Path) -> set[str]:
    found = set()
    for path in folder.iterdir():
        if ".pruned." in path.name:
            continue
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        found.add(yaml.load(raw, Loader=yaml.CSafeLoader)["spec"]["names"]["kind"])
    return found


def test_level_v0_1_is_the_released_crds(shared: Path) -> None:
    assert _kinds(shared / "reference/ome/crds/main/full") == RELEASED_KINDS


def test_every_other_kind_is_one_only_pr5_defines(shared: Path) -> None:
    rendered = {shape.__name__ for shape in KINDS}
    assert rendered - RELEASED_KINDS == _kinds(shared / "reference/ome/crds/pr5-unmerged/full")
