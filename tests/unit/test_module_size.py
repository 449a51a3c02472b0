"""No module in src/manifold or bench/ is over 400 lines.

A module that long holds more than one idea; its seams are where it splits (as
`compile.reference_table` came out of `compile.references`). Lines are counted as `wc -l`
counts them, blank lines and docstrings included.
"""

from __future__ import annotations

from pathlib import Path

import manifold

LIMIT = 400

SOURCE = Path(manifold.__file__).parent
BENCH = SOURCE.parents[1] / "bench"


def _line_counts() -> dict[str, int]:
    modules = [
        *sorted(SOURCE.rglob("*.py")),
        *(path for path in sorted(BENCH.rglob("*.py")) if ".cache" not in path.parts),
    ]
    assert any(path.is_relative_to(BENCH) for path in modules), "bench/ was not found"
    return {
        path.relative_to(SOURCE.parents[1]).as_posix(): len(path.read_bytes().splitlines())
        for path in modules
    }


def test_no_module_is_over_the_limit() -> None:
    over = {name: count for name, count in _line_counts().items() if count > LIMIT}
    assert not over, f"modules over {LIMIT} lines (split them along their seams): {over}"
