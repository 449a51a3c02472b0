"""The platforms manifold knows, by name, with the package that implements each.

A table with no imports of its own: the CLI reads it (through the target registry) on every
run, the no-op answer included, which must not pay for importing pydantic;
`manifold.core.platform_names` builds the models' checked name type on it.
"""

from __future__ import annotations

PLATFORMS: dict[str, str] = {
    "ome": "manifold.targets.ome",
    "runai": "manifold.targets.runai",
    "substratus": "manifold.targets.substratus",
}
"""Each platform's name and the package whose `TARGET` implements it."""
