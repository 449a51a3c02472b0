"""The one place YAML is read and written: `load` (with `dialect`, `positions` and `hints`)
turns text into plain data, `emit` writes plain data as text. These are the names the rest of
manifold uses."""

from manifold.core.yaml.dialect import Dialect, YamlError
from manifold.core.yaml.emit import emit, emit_all, escape_unprintable, visible
from manifold.core.yaml.load import load_all, load_one
from manifold.core.yaml.positions import PositionIndex, locate, position_at

__all__ = [
    "Dialect",
    "PositionIndex",
    "YamlError",
    "emit",
    "emit_all",
    "escape_unprintable",
    "load_all",
    "load_one",
    "locate",
    "position_at",
    "visible",
]
